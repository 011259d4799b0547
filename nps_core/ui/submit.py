"""Streamlit glue of the Submit page: the form's state, its checks and its sending.

Sending happens in the submit button's callback, before the page is drawn, so the
page can show each problem next to its field and the outcome above the form. Every
field keeps its value after a refusal (widget state is never cleared on submit).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import streamlit as st

from nps_core.contract.models import Category
from nps_core.present.i18n import gettext
from nps_core.present.submit import (
    TEXT_FIELDS,
    Outcome,
    ReviewDraft,
    SubmissionLedger,
    check_draft,
    draft_from,
    escape_markdown,
    thank_you,
)
from nps_core.ui.data import get_client, refresh

__all__ = [
    "KEY_CATEGORY",
    "KEY_CHANNEL",
    "KEY_RATE",
    "TEXT_KEYS",
    "current_draft",
    "last_outcome",
    "show_outcome",
    "show_problem",
    "start_new_review",
    "submit",
]

KEY_CHANNEL, KEY_CATEGORY, KEY_RATE = "sub_channel", "sub_category", "sub_rate"
TEXT_KEYS: dict[str, str] = {name: f"sub_{name}" for name in TEXT_FIELDS}
_KEY_PROBLEMS, _KEY_LEDGER, _KEY_LAST = "sub_problems", "sub_ledger", "sub_last"


def _ledger() -> SubmissionLedger:
    return st.session_state.setdefault(_KEY_LEDGER, SubmissionLedger())


def current_draft() -> ReviewDraft:
    values = {name: st.session_state.get(key) for name, key in TEXT_KEYS.items()}
    values.update(
        channel=st.session_state.get(KEY_CHANNEL),
        category=st.session_state.get(KEY_CATEGORY),
        rate=st.session_state.get(KEY_RATE),
    )
    return draft_from(values)


def show_problem(field: str) -> None:
    """The last submit's complaint about a field, to draw right under it."""
    message = st.session_state.get(_KEY_PROBLEMS, {}).get(field)
    if message:
        st.caption(f":red[{escape_markdown(message)}]")


def submit(
    channels: Collection[str], categories: Collection[str], did_required: bool, today: date
) -> None:
    """Submit button callback: check the fields, send once, make the review show at once."""
    draft = current_draft()
    problems = check_draft(
        draft, channels=channels, categories=categories, did_required=did_required
    )
    st.session_state[_KEY_PROBLEMS] = problems
    if problems:
        st.session_state.pop(_KEY_LAST, None)
        return
    client = get_client()
    outcome = _ledger().submit(draft.token, lambda: client.create_review(**draft.api_fields()))
    if outcome.ok and not outcome.repeated:
        refresh(today, today)
    st.session_state[_KEY_LAST] = (draft.token, outcome)


def last_outcome() -> Outcome | None:
    """How the last submit ended, while the fields still hold what it sent."""
    last = st.session_state.get(_KEY_LAST)
    if last is None:
        return None
    token, outcome = last
    return outcome if token == current_draft().token else None


def show_outcome(category: Category | None, rate: int | None, *, readable: bool) -> None:
    """The thank-you text after a success, the API's own words after a refusal."""
    outcome = last_outcome()
    if outcome is None:
        return
    if outcome.ok and rate is not None:
        st.success(escape_markdown(thank_you(category, rate)), icon="✅")
        saved = (
            gettext("Already saved: it was sent once.") if outcome.repeated else gettext("Saved.")
        )
        shown = (
            gettext("It shows on the Comments page now.")
            if readable
            else gettext("Reading it back needs the shop secret.")
        )
        st.caption(f"{saved} {shown}")
        st.button(gettext("Write another review"), on_click=start_new_review)
    elif not outcome.ok:
        refused = (
            gettext("**The API did not accept the review (HTTP {status}).**")
            if outcome.status
            else gettext("**The API did not accept the review.**")
        ).format(status=outcome.status)
        said = escape_markdown(outcome.message or gettext("no message"))
        st.error(
            gettext("{refused} Every field keeps what you typed. The API said:\n\n{said}").format(
                refused=refused, said=said
            ),
            icon="🚫",
        )


def start_new_review() -> None:
    """Empty the form for the next review; channel and category stay as chosen."""
    for key in TEXT_KEYS.values():
        st.session_state[key] = ""
    st.session_state[KEY_RATE] = None
    st.session_state.pop(_KEY_LAST, None)
    st.session_state[_KEY_PROBLEMS] = {}
