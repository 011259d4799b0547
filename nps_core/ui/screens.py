"""Wall-screen links in the dashboard: the admin's "Share a screen" dialog, the list of
links with their revocation, and the check that keeps a shown board's link valid.

A link is made from the view the admin is on (its shared filters) and the board's
choices, signed with ``[screens] link_key`` (``nps_core.access.links``), and kept in
the link registry so it can be revoked alone. The key is never shown or logged.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import streamlit as st

from nps_core.access.links import MIN_KEY_LENGTH, new_link_id, sign
from nps_core.access.registry import IssuedLink
from nps_core.access.roles import Role
from nps_core.present.access import (
    LINK_COLUMNS,
    LINK_STATUSES,
    THEME_NAMES,
    VALID_DAYS,
    app_base_url,
    links_table,
    screen_query,
)
from nps_core.present.i18n import current_language, gettext, ngettext, use_language
from nps_core.present.wallboard.link import (
    DEFAULT_REFRESH,
    MAX_REFRESH,
    MIN_REFRESH,
    PANELS,
    THEMES,
)
from nps_core.ui.access import (
    Visitor,
    current_visitor,
    link_key,
    link_registry,
    secrets_section,
)
from nps_core.ui.access_log import record
from nps_core.ui.data import get_settings
from nps_core.ui.filters import today_in

__all__ = ["keep_screen_checked", "link_list", "share_screen"]

_KEY_MADE = "scr_made_url"  # session state: the link the dialog made last
_KEY_OPEN = "scr_dialog_open"  # session state: the dialog stays open across full reruns
# How often a shown board checks that its link still holds: a revoked or expired link
# leaves the wall within this; the check reads one small file and one HMAC.
CHECK_SECONDS = 15


def _make_link(visitor: Visitor, label: str, query: dict[str, str], days: int) -> str:
    key = link_key()
    assert key is not None  # the dialog offers nothing without one
    link_id = new_link_id()
    expires = int((datetime.now(UTC) + timedelta(days=days)).timestamp())
    signed = sign(query, key, link_id=link_id, expires=expires)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    link_registry().issue(IssuedLink(link_id, label, visitor.account, now, expires, query))
    record(visitor, "Share a screen", "screen_link", link=link_id, label=label, days=days)
    base = app_base_url((secrets_section("auth") or {}).get("redirect_uri"), st.context.url)
    return f"{base}/wallboard?{urlencode(signed)}"


def _closed() -> None:
    st.session_state.pop(_KEY_OPEN, None)
    st.session_state.pop(_KEY_MADE, None)


def _share_dialog(visitor: Visitor, language: str) -> None:
    """The dialog in the page's language: its reruns (a fragment's) run without the page."""
    with use_language(language):
        _share_form(visitor)


def _share_form(visitor: Visitor) -> None:
    if link_key() is None:
        st.error(
            gettext(
                "Screen links need a key: set `link_key` (at least {n} random characters) "
                "under `[screens]` in `.streamlit/secrets.toml`, then restart the dashboard."
            ).format(n=MIN_KEY_LENGTH)
        )
        return
    st.caption(
        gettext(
            "A read-only link for a wall screen, which cannot sign in: it shows the wallboard "
            "alone, with the filters of the page you are on, and never customers' contacts."
        )
    )
    with st.form("scr_share", border=False):
        label = st.text_input(
            gettext("Where is the screen?"),
            max_chars=80,
            placeholder=gettext("Support room TV"),
        )
        panels = st.multiselect(
            gettext("Panels"), list(PANELS), default=list(PANELS), format_func=PANELS.__getitem__
        )
        left, middle, right = st.columns(3)
        theme = left.selectbox(gettext("Theme"), THEMES, format_func=THEME_NAMES.__getitem__)
        refresh = middle.number_input(
            gettext("Refresh every (seconds)"), MIN_REFRESH, MAX_REFRESH, DEFAULT_REFRESH, step=15
        )
        days = right.selectbox(
            gettext("Valid for"),
            VALID_DAYS,
            index=2,
            format_func=lambda n: ngettext("{n} day", "{n} days", n).format(n=n),
        )
        made = st.form_submit_button(gettext("Create link"), type="primary", icon=":material/link:")
    if made:
        today = today_in(get_settings().timezone)
        query = screen_query(
            st.query_params.to_dict(),
            panels=panels or list(PANELS),
            theme=str(theme),
            refresh=int(refresh),
            today=today,
        )
        name = label.strip() or gettext("Screen")
        st.session_state[_KEY_MADE] = _make_link(visitor, name, query, days)
    if st.session_state.get(_KEY_MADE):
        st.markdown(gettext("**The screen's link** (copy it to the screen's browser):"))
        st.code(st.session_state[_KEY_MADE], language=None, wrap_lines=True)


def share_screen(visitor: Visitor) -> None:
    """The sidebar button that opens the dialog (admins only)."""
    if not visitor.rights.share_screens:
        return
    if st.sidebar.button(
        gettext("Share a screen"), icon=":material/cast:", width="stretch", key="scr_open"
    ):
        _closed()
        st.session_state[_KEY_OPEN] = True
    if st.session_state.get(_KEY_OPEN):
        # The dialog's title is read when it opens, in the language of that run.
        dialog = st.dialog(gettext("Share a screen"), width="large", on_dismiss=_closed)
        dialog(_share_dialog)(visitor, current_language())


def link_list(visitor: Visitor) -> None:
    """Every link made, with its status; an active one can be revoked."""
    registry = link_registry()
    links = registry.issued()
    table = links_table(links, registry.revoked(), time.time())
    if table.empty:
        st.caption(gettext("No screen link has been made yet."))
        return
    shown = table.assign(status=table["status"].map(LINK_STATUSES.__getitem__))
    st.dataframe(shown, hide_index=True, width="stretch", column_config=dict(LINK_COLUMNS))
    active = table[table["status"] == "active"]
    if active.empty:
        return
    names = dict(zip(active["link_id"], active["screen"], strict=True))
    pick, act = st.columns([3, 1], vertical_alignment="bottom")
    chosen = pick.selectbox(
        gettext("Revoke a link"), list(names), format_func=lambda lid: f"{names[lid]} ({lid})"
    )
    if act.button(gettext("Revoke"), icon=":material/link_off:", width="stretch") and chosen:
        registry.revoke(chosen)
        record(visitor, "Access", "revoke", link=chosen)
        st.rerun()


def _check_screen() -> None:
    if current_visitor().gate is not None:
        st.rerun(scope="app")  # the app's gate then says why


def keep_screen_checked(visitor: Visitor) -> None:
    """On a board shown by a signed link: check the link again every ``CHECK_SECONDS``,
    so an expired or revoked link stops showing the board without a reload."""
    if visitor.role is Role.SCREEN:
        st.fragment(run_every=timedelta(seconds=CHECK_SECONDS))(_check_screen)()
