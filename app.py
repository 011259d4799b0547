"""Entry point: `streamlit run app.py`. Who gets in, then navigation; pages are in app_pages/.

The visitor (``nps_core.ui.access``) decides everything else: a gate page for those
kept out, the pages their role may open, and the wallboard alone for a signed screen
link. A page left out of the navigation cannot be reached by its URL either.
"""

from __future__ import annotations

import streamlit as st

from nps_core.access.roles import Role
from nps_core.present.i18n import N_
from nps_core.present.i18n import gettext as _
from nps_core.ui.access import current_visitor
from nps_core.ui.access_log import note_page
from nps_core.ui.language import choose_language, language_switch
from nps_core.ui.menu import page_menu
from nps_core.ui.screens import keep_screen_checked
from nps_core.ui.signin import account_box, screen_home, show_gate

choose_language()  # first: every text below is in the run's language
visitor = current_visitor()
screen = visitor.role is Role.SCREEN
# A wall screen's link carries kiosk=1 (a signed one always): no sidebar, no page menu.
kiosk = screen or st.query_params.get("kiosk") == "1"
st.set_page_config(
    page_title=_("NPS dashboard"),
    page_icon="📊",
    layout="wide",
    initial_sidebar_state="collapsed" if kiosk else "auto",
)
if visitor.gate is not None:
    show_gate(visitor)

# Section → (page name of nps_core.access.roles.PAGES, script, English title, icon).
PAGES = {
    N_("Dashboard"): [
        ("overview", "app_pages/overview.py", N_("Overview"), ":material/insights:"),
        ("segments", "app_pages/segments.py", N_("Segments"), ":material/grid_view:"),
        ("comments", "app_pages/comments.py", N_("Comments"), ":material/forum:"),
    ],
    N_("Feedback"): [
        ("submit", "app_pages/submit.py", N_("Submit a review"), ":material/rate_review:"),
        ("followup", "app_pages/followup.py", N_("Follow-up"), ":material/call:"),
    ],
    N_("Screens"): [
        ("wallboard", "app_pages/wallboard.py", N_("Wallboard"), ":material/tv:"),
    ],
    N_("Admin"): [
        ("access", "app_pages/access.py", N_("Access"), ":material/admin_panel_settings:"),
    ],
}
# The menu shows the titles translated; the access log keeps them in English.
logged: dict[str, str] = {}
allowed: dict[str, list[st.Page]] = {}
for section, entries in PAGES.items():
    for name, script, title, icon in entries:
        if name in visitor.rights.pages:
            page = st.Page(script, title=_(title), icon=icon, default=name == "overview")
            allowed.setdefault(_(section), []).append(page)
            logged[page.title] = title
if screen:  # the wallboard keeps its own path; the root says where the board is
    allowed[""] = [st.Page(screen_home, title=_("Screen"), default=True, visibility="hidden")]
# Streamlit's own menu is hidden (its list confuses screen readers): page_menu draws it.
page = st.navigation(allowed, position="hidden")
if not kiosk:
    page_menu(allowed)
    language_switch()
account_box(visitor)
keep_screen_checked(visitor)
note_page(visitor, logged.get(page.title, page.title))
page.run()
