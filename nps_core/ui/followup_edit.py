"""The Follow-up page's actions: edit one follow-up, assign several; saved at once.

Saves run in widget callbacks, before the page's next run reads the store again, and
check the version the user was shown (``present.followup_editor``): a save made by
someone else in between is reported with what they changed, and the user's own input
stays in the form, ready to be saved over theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from nps_core.data.state import FollowUp, VersionConflict
from nps_core.data.state.followups import MAX_NOTE
from nps_core.present.followup import STATUS_LABELS, assign
from nps_core.present.followup_editor import (
    EditorState,
    after_conflict,
    after_save,
    bulk_report,
    change_of,
    conflict_text,
    refresh,
    saved_text,
)
from nps_core.present.i18n import gettext
from nps_core.ui.data import get_state

__all__ = ["KEY_BULK", "bulk_assign", "editor", "show_notices"]

KEY_STATUS, KEY_OWNER, KEY_NOTE = "fu_status", "fu_owner", "fu_note"
_WIDGETS = {"status": KEY_STATUS, "owner": KEY_OWNER, "note": KEY_NOTE}
KEY_BULK, KEY_BULK_OWNER = "fu_bulk", "fu_bulk_owner"
_KEY_BASE, _KEY_NOTICES = "fu_base", "fu_notices"


def _notify(kind: str, text: str) -> None:
    st.session_state.setdefault(_KEY_NOTICES, []).append((kind, text))


def show_notices() -> None:
    """What the last action did (a callback's outcome), shown once."""
    for kind, text in st.session_state.pop(_KEY_NOTICES, []):
        if kind == "warning":
            st.warning(text, icon="⚠️")
        else:
            st.success(text, icon="✅")


def _show_state(state: EditorState) -> None:
    for name, key in _WIDGETS.items():
        st.session_state[key] = state.values[name]


def _form_state() -> EditorState:
    base: FollowUp = st.session_state[_KEY_BASE]
    return EditorState(
        base, {name: st.session_state.get(key, "") for name, key in _WIDGETS.items()}
    )


def _save_form(source: str, actor: str) -> None:
    state = _form_state()
    change = change_of(state)
    if not change.fields:
        _notify("success", gettext("Nothing to save: the follow-up is as shown."))
        return
    try:
        saved = get_state().followups.save(source, state.base, change, actor)
    except VersionConflict as conflict:
        fresh = after_conflict(state, conflict)
        st.session_state[_KEY_BASE] = fresh.base
        _show_state(fresh)
        _notify("warning", conflict_text(conflict))
        return
    st.session_state[_KEY_BASE] = saved
    _show_state(after_save(saved))
    _notify("success", saved_text(change))


def _assign_one(source: str, owner: str, actor: str) -> None:
    """Assign the open follow-up at once, leaving the form's other edits pending."""
    state = _form_state()
    (result,) = assign(get_state().followups, source, [state.base], owner, actor)
    if isinstance(result, VersionConflict):
        _notify("warning", conflict_text(result))
        st.session_state[_KEY_BASE] = result.current
        st.session_state[KEY_OWNER] = result.current.owner or ""
        return
    st.session_state[_KEY_BASE] = result
    st.session_state[KEY_OWNER] = result.owner or ""
    _notify("success", gettext("Assigned to {owner}.").format(owner=owner))


def editor(seen: FollowUp, source: str, actor: str) -> None:
    """The form of one follow-up, following the store until the user edits it."""
    held = st.session_state.get(_KEY_BASE)
    before = None if held is None else _form_state()
    state = refresh(before, seen)
    if state is not before:
        st.session_state[_KEY_BASE] = state.base
        _show_state(state)
    with st.form("fu_form", border=True):
        status_col, owner_col = st.columns([1, 2])
        status_col.selectbox(
            gettext("Status"),
            list(STATUS_LABELS),
            format_func=STATUS_LABELS.__getitem__,
            key=KEY_STATUS,
        )
        owner_col.text_input(
            gettext("Owner"), key=KEY_OWNER, placeholder=gettext("Nobody yet"), max_chars=255
        )
        st.text_area(gettext("Note"), key=KEY_NOTE, max_chars=MAX_NOTE, height=100)
        st.form_submit_button(
            gettext("Save"), type="primary", on_click=_save_form, args=(source, actor)
        )
    st.button(
        gettext("Assign to me"),
        key="fu_assign_me",
        on_click=_assign_one,
        args=(source, actor, actor),
    )


def _assign_many(
    seen: Mapping[int, FollowUp], source: str, owner_of: Callable[[], str], actor: str
) -> None:
    chosen = [seen[i] for i in st.session_state.get(KEY_BULK, []) if i in seen]
    owner = owner_of().strip()
    if not chosen:
        _notify("warning", gettext("Choose the follow-ups to assign first."))
        return
    summary, problems = bulk_report(
        assign(get_state().followups, source, chosen, owner, actor), owner
    )
    _notify("success", summary)
    for problem in problems:
        _notify("warning", problem)


def bulk_assign(
    seen: Mapping[int, FollowUp],
    labels: Mapping[int, str],
    team: Sequence[str],
    source: str,
    actor: str,
) -> None:
    """Choose several follow-ups and give them to one person (or to yourself)."""
    st.multiselect(
        gettext("Follow-ups"),
        list(labels),
        format_func=labels.__getitem__,
        key=KEY_BULK,
        placeholder=gettext("Choose follow-ups"),
    )
    who, mine, theirs = st.columns([3, 1, 1], vertical_alignment="bottom")
    who.selectbox(
        gettext("Assign to"), list(team), key=KEY_BULK_OWNER, index=None,
        accept_new_options=True, placeholder=gettext("A teammate's name or e-mail"),
    )  # fmt: skip
    mine.button(
        gettext("Assign to me"),
        key="fu_bulk_me",
        on_click=_assign_many,
        args=(seen, source, lambda: actor, actor),
    )
    theirs.button(
        gettext("Assign"), key="fu_bulk_assign", on_click=_assign_many,
        args=(seen, source, lambda: st.session_state.get(KEY_BULK_OWNER) or "", actor),
    )  # fmt: skip
