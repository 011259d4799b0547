"""Streamlit glue of the Follow-up page: the inbox, its figures, its URL and its table.

The inbox is read from the state store on every run (never cached: another manager's
save must show at once); the reviews come through the one data path
(``nps_core.ui.data.load_reviews``). The page's own URL parameters sit beside the
shared filters: ``passives=1`` adds passives, ``review=<id>`` opens one follow-up (the
link each alert carries).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from nps_core.access.roles import AccessConfigError, Role, parse_access_list
from nps_core.data.state import FollowUp
from nps_core.present.followup import STATUS_LABELS, inbox_table, load_inbox, seen_followup
from nps_core.present.followup_figures import FollowupFigures, followup_figures
from nps_core.present.i18n import gettext, pgettext
from nps_core.present.palette import GROUP_COLORS
from nps_core.present.submit import escape_markdown
from nps_core.ui.access import Visitor, secrets_section
from nps_core.ui.data import get_state, load_reviews
from nps_core.ui.filters import FilterContext

__all__ = [
    "KEY_PASSIVES",
    "KEY_REVIEW",
    "actor",
    "choose_review",
    "figures",
    "inbox_rows",
    "init_widgets",
    "review_details",
    "seen_of",
    "styled_table",
    "sync_url",
    "table_config",
    "team",
]

KEY_PASSIVES, KEY_REVIEW = "fu_passives", "fu_review"
PARAM_PASSIVES, PARAM_REVIEW = "passives", "review"
_OVERDUE_STYLE = f"background-color: {GROUP_COLORS['detractor']}; color: #FFFFFF"


def init_widgets(params: dict[str, str] | Any) -> None:
    """Seed the page's widgets from the URL once per session; an alert's ``review``
    link opens its follow-up whenever it changes."""
    review = str(params.get(PARAM_REVIEW) or "")
    if review.isdigit() and st.session_state.get("fu_review_param") != review:
        st.session_state["fu_review_param"] = review
        st.session_state[KEY_REVIEW] = int(review)
    if KEY_PASSIVES not in st.session_state:
        st.session_state[KEY_PASSIVES] = params.get(PARAM_PASSIVES) == "1"


def sync_url() -> None:
    """The page's choices into the URL, every other parameter left alone."""
    wanted = {
        PARAM_PASSIVES: "1" if st.session_state.get(KEY_PASSIVES) else None,
        PARAM_REVIEW: str(st.session_state[KEY_REVIEW])
        if st.session_state.get(KEY_REVIEW)
        else None,
    }
    for name, value in wanted.items():
        if value is not None and st.query_params.get(name) != value:
            st.query_params[name] = value
            if name == PARAM_REVIEW:
                st.session_state["fu_review_param"] = value
        elif value is None and name in st.query_params:
            del st.query_params[name]


def inbox_rows(ctx: FilterContext) -> pd.DataFrame:
    """The period's inbox under the page's filters, follow-ups as stored right now."""
    return load_inbox(
        ctx.frame,
        get_state().followups,
        ctx.settings.cache_key,
        now=datetime.now(UTC),
        sla_hours=ctx.settings.followup_sla_hours,
        passives=bool(st.session_state.get(KEY_PASSIVES)),
    )


def figures(ctx: FilterContext, rows: pd.DataFrame) -> FollowupFigures:
    """The figures; later answers are read from the period's start to today."""
    later = ctx.reviews.frame
    if ctx.period.end < ctx.today:
        later = load_reviews(ctx.period.start, ctx.today, ctx.settings.timezone).frame
    return followup_figures(rows, later, ctx.settings.followup_sla_hours)


def seen_of(rows: pd.DataFrame) -> dict[int, FollowUp]:
    """Each follow-up as this run shows it: what a save started here checks against."""
    return {int(row["id"]): seen_followup(row) for row in rows.to_dict("records")}


def styled_table(ctx: FilterContext, rows: pd.DataFrame) -> Styler:
    """The inbox table; the age of a follow-up past the service level is coloured (and
    says so in words: colour is never the only sign)."""
    table = inbox_table(
        rows,
        tz=ctx.settings.timezone,
        sla_hours=ctx.settings.followup_sla_hours,
        labels=ctx.labels,
    )
    overdue = rows["overdue"].to_numpy(bool)
    return table.style.apply(
        lambda _: [_OVERDUE_STYLE if late else "" for late in overdue], subset=["age"]
    )


def table_config() -> dict[str, Any]:
    """Column settings of the inbox table (``present.followup.INBOX_COLUMNS``)."""
    return {
        "time": st.column_config.DatetimeColumn(
            gettext("Time"), format="YYYY-MM-DD HH:mm", width=120
        ),
        "channel": st.column_config.TextColumn(gettext("Channel"), width=90),
        "category": st.column_config.TextColumn(gettext("Category"), width=105),
        "rate": st.column_config.NumberColumn(gettext("Rate"), width=45),
        "comment": st.column_config.TextColumn(gettext("Comment"), width=220),
        "contact": st.column_config.TextColumn(gettext("Contact"), width=160),
        "status": st.column_config.TextColumn(
            gettext("Status"), width=85, help=", ".join(STATUS_LABELS.values())
        ),
        "owner": st.column_config.TextColumn(gettext("Owner"), width=120),
        "note": st.column_config.TextColumn(gettext("Note"), width=150),
        "age": st.column_config.TextColumn(
            gettext("Age"),
            width=110,
            help=gettext("Since the review; marked when still new past the service level"),
        ),
        "review": st.column_config.TextColumn(gettext("Review ID"), width=80),
    }


def actor(visitor: Visitor) -> str:
    """Who is acting: saved as the follow-up's last editor, and "me" of "Assign to me".
    Without sign-in (one person on their own machine) that is simply "me"."""
    return "me" if visitor.role is Role.LOCAL else visitor.account


def team(source: str, me: str) -> list[str]:
    """Whom to offer in "Assign to": the access list's managers and admins (by email),
    everyone who owns a follow-up already, and oneself."""
    try:
        access = parse_access_list(secrets_section("access"))
    except AccessConfigError:
        access = None
    listed = set()
    if access is not None:
        listed = set(access.emails.get(Role.MANAGER, ())) | set(access.emails.get(Role.ADMIN, ()))
    return sorted({me, *listed, *get_state().followups.owners(source)})


def choose_review(labels: dict[int, str]) -> None:
    """The follow-up to work on (the URL's ``review`` first, if it is in the inbox)."""
    wanted = st.session_state.get(KEY_REVIEW)
    if wanted is not None and wanted not in labels:
        st.info(
            gettext(
                "Review {review} is not in this period's inbox under these filters: choose a "
                "longer period or clear the filters to see it."
            ).format(review=wanted),
            icon="🔎",
        )
    if st.session_state.get(KEY_REVIEW) not in labels:
        st.session_state[KEY_REVIEW] = next(iter(labels))
    st.selectbox(
        pgettext("one follow-up", "Follow-up"),
        list(labels),
        format_func=labels.__getitem__,
        key=KEY_REVIEW,
        placeholder=gettext("Choose a follow-up"),
    )


def review_details(rows: pd.DataFrame, review_id: int, tz: str) -> None:
    """What the customer said and how to reach them."""
    row = rows[(rows["id"] == review_id).to_numpy()].to_dict("records")[0]
    comment = row["comment"] if isinstance(row["comment"], str) else gettext("(no comment)")
    contacts = [escape_markdown(row[c]) for c in ("email", "phone") if isinstance(row.get(c), str)]
    st.markdown(f"> {escape_markdown(comment)}")
    last = seen_followup(row)
    saved = (
        gettext(" · last saved by {who} at {time} UTC").format(
            who=escape_markdown(last.updated_by or ""), time=f"{last.updated_at:%Y-%m-%d %H:%M}"
        )
        if last.updated_at
        else ""
    )
    contact = " · ".join(contacts) or gettext("none given")
    st.caption(gettext("Contact: {contact}").format(contact=contact) + saved)
