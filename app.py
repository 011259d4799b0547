"""Entry point: `streamlit run app.py`. Who gets in, then navigation; pages are in app_pages/.

The visitor (``nps_core.ui.access``) decides everything else: a gate page for those
kept out, the pages their role may open, and the wallboard alone for a signed screen
link. A page left out of the navigation cannot be reached by its URL either.
"""

from __future__ import annotations

import streamlit as st

from nps_core.access.roles import Role
from nps_core.ui.access import current_visitor
from nps_core.ui.access_log import note_page
from nps_core.ui.screens import keep_screen_checked
from nps_core.ui.signin import account_box, screen_home, show_gate

visitor = current_visitor()
screen = visitor.role is Role.SCREEN
# A wall screen's link carries kiosk=1 (a signed one always): no sidebar, no page menu.
kiosk = screen or st.query_params.get("kiosk") == "1"
st.set_page_config(
    page_title="NPS dashboard",
    page_icon="📊",
    layout="wide",
    initial_sidebar_state="collapsed" if kiosk else "auto",
)
if visitor.gate is not None:
    show_gate(visitor)

# Section → (page name of nps_core.access.roles.PAGES, page).
PAGES = {
    "Dashboard": [
        ("overview", st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/insights:", default=True
        )),
        ("segments", st.Page("app_pages/segments.py", title="Segments", icon=":material/grid_view:")),
        ("comments", st.Page("app_pages/comments.py", title="Comments", icon=":material/forum:")),
    ],
    "Feedback": [
        ("submit", st.Page(
            "app_pages/submit.py", title="Submit a review", icon=":material/rate_review:"
        )),
        ("followup", st.Page("app_pages/followup.py", title="Follow-up", icon=":material/call:")),
    ],
    "Screens": [
        ("wallboard", st.Page(
            "app_pages/wallboard.py", title="Wallboard", icon=":material/tv:", url_path="wallboard"
        )),
    ],
    "Admin": [
        ("access", st.Page(
            "app_pages/access.py", title="Access", icon=":material/admin_panel_settings:"
        )),
    ],
}  # fmt: skip
allowed = {
    section: [page for name, page in pages if name in visitor.rights.pages]
    for section, pages in PAGES.items()
}
if screen:  # the wallboard keeps its own path; the root says where the board is
    allowed[""] = [st.Page(screen_home, title="Screen", default=True, visibility="hidden")]
page = st.navigation(
    {section: pages for section, pages in allowed.items() if pages},
    position="hidden" if kiosk else "sidebar",
)
account_box(visitor)
keep_screen_checked(visitor)
note_page(visitor, page.title)
page.run()
