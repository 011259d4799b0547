"""Entry point: `streamlit run app.py`. Navigation only; each page is a script in pages/."""

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
        st.Page("pages/overview.py", title="Overview", icon="📈", default=True),
        st.Page("pages/segments.py", title="Segments", icon="🧩"),
        st.Page("pages/comments.py", title="Comments", icon="💬"),
    ],
    "Feedback": [
        st.Page("pages/submit.py", title="Submit a review", icon="✍️"),
    ],
    "Screens": [
        st.Page("pages/wallboard.py", title="Wallboard", icon="📺", url_path="wallboard"),
    ],
}
st.navigation(pages, position="hidden" if kiosk else "sidebar").run()
