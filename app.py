"""Entry point: `streamlit run app.py`. Navigation only; each page is a script in app_pages/."""

from __future__ import annotations

import streamlit as st

# A wall screen's link carries kiosk=1: no sidebar, no page menu.
kiosk = st.query_params.get("kiosk") == "1"
st.set_page_config(
    page_title="NPS dashboard",
    page_icon="📊",
    layout="wide",
    initial_sidebar_state="collapsed" if kiosk else "auto",
)

pages = {
    "Dashboard": [
        st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/insights:", default=True
        ),
        st.Page("app_pages/segments.py", title="Segments", icon=":material/grid_view:"),
        st.Page("app_pages/comments.py", title="Comments", icon=":material/forum:"),
    ],
    "Feedback": [
        st.Page("app_pages/submit.py", title="Submit a review", icon=":material/rate_review:"),
    ],
    "Screens": [
        st.Page(
            "app_pages/wallboard.py", title="Wallboard", icon=":material/tv:", url_path="wallboard"
        ),
    ],
}
st.navigation(pages, position="hidden" if kiosk else "sidebar").run()
