"""What this session writes to the access log, and when (``nps_core.access.log``).

Only with sign-in configured: local mode has no accounts, and logs nothing, as before.
A page is logged when the session arrives on it (not on every rerun), contacts once
per distinct view, and an export each time a CSV is downloaded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from nps_core.access.log import AccessEvent, AccessLog, JsonAccessLog
from nps_core.access.roles import Role
from nps_core.data.settings import data_dir
from nps_core.ui.access import Visitor
from nps_core.ui.data import get_settings, get_state

__all__ = ["access_log", "logged_export", "note_contacts", "note_page", "record"]

_KEY_PAGE = "acc_logged_page"  # session state: the page last logged
_KEY_VIEWS = "acc_logged_views"  # session state: contact views already logged


@st.cache_resource
def access_log() -> AccessLog:
    """In the state store when one is configured (every replica's visitors in one log),
    else a file in the data folder."""
    if get_settings().state_url:
        from nps_core.access.stored import SqlAccessLog

        return SqlAccessLog(get_state().engine)
    return JsonAccessLog(data_dir() / "access-log.jsonl")


def _event(visitor: Visitor, page: str, event: str, detail: dict[str, Any]) -> AccessEvent:
    role = str(visitor.role) if visitor.role is not None and visitor.gate is None else "none"
    return AccessEvent(visitor.account, role, page, event, detail)


def record(visitor: Visitor, page: str, event: str, **detail: Any) -> None:
    """Append one event for ``visitor``; nothing in local mode."""
    if visitor.role is not Role.LOCAL:
        access_log().append(_event(visitor, page, event, detail))


def note_page(visitor: Visitor, page: str) -> None:
    """Log the page once per arrival on it."""
    if st.session_state.get(_KEY_PAGE) != page:
        st.session_state[_KEY_PAGE] = page
        record(visitor, page, "page")


def note_contacts(visitor: Visitor, page: str, **detail: Any) -> None:
    """Log that ``page`` showed customers' contacts, once per distinct ``detail``."""
    if not visitor.rights.contacts:
        return
    view = (page, *sorted(f"{name}={value}" for name, value in detail.items()))
    seen: set[tuple[str, ...]] = st.session_state.setdefault(_KEY_VIEWS, set())
    if view not in seen:
        seen.add(view)
        record(visitor, page, "contacts", **detail)


def logged_export(
    visitor: Visitor, page: str, make: Callable[[], bytes], **detail: Any
) -> Callable[[], bytes]:
    """``make`` for a download button, logging the export when the file is made (on
    download), with whether it holds contacts."""

    # Made when the file is asked for, outside any script run: take the log now.
    log = None if visitor.role is Role.LOCAL else access_log()
    event = _event(visitor, page, "export", {"contacts": visitor.rights.contacts, **detail})

    def export() -> bytes:
        if log is not None:
            log.append(event)
        return make()

    return export
