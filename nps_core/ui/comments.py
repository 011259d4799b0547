"""Streamlit glue of the Comments page: cached text work, filter widgets and the URL.

The page's own filters live in ``st.query_params`` beside the shared ones (``q``,
``term``, ``theme``, ``groups``, ``rate``, ``with_comment``), so a link reproduces the view. They
seed the widgets once per session; afterwards the widgets rewrite the URL, and keep
their values across page switches (``persist_state="session"``, like the sidebar's).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from nps_core.analysis.terms import DistinctiveTerms, distinctive_terms
from nps_core.analysis.tokens import normalize_series
from nps_core.present.comments import (
    PARAMS,
    RATE_HIGH,
    RATE_LOW,
    RATE_TAG_COLORS,
    RATE_TAGS,
    CommentFilters,
    parse_comment_filters,
    rate_tag_text,
)
from nps_core.present.i18n import N_, LazyText, gettext
from nps_core.ui.data import REVIEWS_TTL
from nps_core.ui.filters import FilterContext
from nps_core.ui.themes import KEY_THEME, chosen_theme

__all__ = [
    "KEY_GROUPS",
    "KEY_QUERY",
    "KEY_RATE",
    "KEY_TERM_DETRACTOR",
    "KEY_TERM_PROMOTER",
    "KEY_WITH_COMMENT",
    "LAZY_ROWS",
    "current_filters",
    "init_widgets",
    "normalized_comments",
    "sync_url",
    "table_config",
    "term_button",
    "term_pills",
    "terms",
    "unlisted_term_button",
]

# Session-state keys of the page's widgets.
KEY_GROUPS, KEY_RATE, KEY_WITH_COMMENT = "cmt_groups", "cmt_rate", "cmt_with_comment"
KEY_QUERY = "cmt_query"
KEY_TERM_DETRACTOR, KEY_TERM_PROMOTER = "cmt_term_detractor", "cmt_term_promoter"
# The chosen term: either pill group sets it, so it is kept apart from both.
_KEY_TERM = "cmt_term"
# Above this many rows the table is sent as the user scrolls: all of 100,000 reviews
# would be ~13 MB of Arrow on every rerun (every change of any filter).
LAZY_ROWS = 5_000
# Terms ranked per side: enough that a full row of chips is left once echoes are dropped.
_TERM_CANDIDATES = 40


# Kept for ten minutes: the key names the content (``FilterContext.frame_key``), so an
# entry is never out of date. A resource: read, never changed, so no copy per reader.
@st.cache_resource(ttl=10 * REVIEWS_TTL, max_entries=8, show_spinner=False)
def _normalized(_comments: pd.Series, key: tuple[object, ...]) -> pd.Series:
    return normalize_series(_comments)


@st.cache_data(
    ttl=10 * REVIEWS_TTL, max_entries=8, show_spinner=LazyText(N_("Finding distinctive terms…"))
)
def _terms(_comments: pd.Series, _groups: pd.Series, key: tuple[object, ...]) -> DistinctiveTerms:
    return distinctive_terms(_comments, _groups, top=_TERM_CANDIDATES)


def normalized_comments(ctx: FilterContext) -> pd.Series:
    """``normalize_series`` of the filtered frame's comments, once per content."""
    return _normalized(ctx.frame["comment"], ctx.frame_key)


def terms(ctx: FilterContext) -> DistinctiveTerms:
    """The filtered frame's distinctive terms, once per content."""
    return _terms(ctx.frame["comment"], ctx.frame["group"], ctx.frame_key)


def init_widgets(params: Mapping[str, str]) -> None:
    """Seed the widgets from the URL once per session (later runs keep what was chosen)."""
    if KEY_QUERY in st.session_state:
        return
    filters, notices = parse_comment_filters(params)
    st.session_state[KEY_GROUPS] = list(filters.groups)
    st.session_state[KEY_RATE] = filters.rate_range
    st.session_state[KEY_WITH_COMMENT] = filters.with_comment
    st.session_state[KEY_QUERY] = filters.query
    st.session_state[_KEY_TERM] = filters.term
    st.session_state[KEY_THEME] = filters.theme
    for notice in notices:
        st.toast(notice, icon="ℹ️")


def chosen_term() -> str:
    return st.session_state.get(_KEY_TERM, "")


def _pick_term(key: str) -> None:
    st.session_state[_KEY_TERM] = st.session_state.get(key) or ""


def clear_term() -> None:
    st.session_state[_KEY_TERM] = ""


def term_pills(label: str, terms: list[str], *, key: str, help: str) -> None:
    """One group of term chips; choosing a chip unselects the other group's."""
    if not terms:
        st.caption(
            gettext("{label}: none yet; terms need comments from both sides.").format(label=label)
        )
        return
    term = chosen_term()
    st.session_state[key] = term if term in terms else None
    st.pills(
        label,
        terms,
        selection_mode="single",
        key=key,
        on_change=_pick_term,
        args=(key,),
        help=help,
        wrap=True,
    )


def term_button() -> None:
    """The chosen term, where no chip shows it (another tab): say so, offer to drop it."""
    term = chosen_term()
    if term:
        # The term is canonical (letters, digits, ' and -), so safe in a Markdown label.
        st.button(
            gettext("Term: {term} ✕").format(term=term),
            on_click=clear_term,
            help=gettext("Show the comments of every term"),
        )


def unlisted_term_button() -> None:
    """A term from a link that no chip shows: say so, and offer to drop it."""
    if not any(st.session_state.get(key) for key in (KEY_TERM_DETRACTOR, KEY_TERM_PROMOTER)):
        term_button()


def current_filters() -> CommentFilters:
    low, high = st.session_state.get(KEY_RATE, (RATE_LOW, RATE_HIGH))
    return CommentFilters(
        groups=tuple(st.session_state.get(KEY_GROUPS) or ()),
        rate_range=(int(low), int(high)),
        with_comment=bool(st.session_state.get(KEY_WITH_COMMENT)),
        query=st.session_state.get(KEY_QUERY) or "",
        term=chosen_term(),
        theme=chosen_theme(),
    )


def sync_url(filters: CommentFilters) -> None:
    """Write the page's filters into the URL, leaving every other parameter alone."""
    wanted = filters.to_query()
    for name in PARAMS:
        value = wanted.get(name)
        if value is not None and st.query_params.get(name) != value:
            st.query_params[name] = value
        elif value is None and name in st.query_params:
            del st.query_params[name]


def table_config(frame: pd.DataFrame) -> dict[str, Any]:
    """Column settings of the review table (``nps_core.present.comments.TABLE_COLUMNS``).

    Legacy servers send no times, only days: then the date column shows days. The
    widths fit a laptop's wide layout; wider screens share the rest among the columns.
    """
    has_times = bool(frame["created_at"].notna().any())
    date = (
        st.column_config.DatetimeColumn(gettext("Date"), format="YYYY-MM-DD HH:mm", width=125)
        if has_times
        else st.column_config.DateColumn(gettext("Date"), format="YYYY-MM-DD", width=95)
    )
    return {
        "date": date,
        "channel": st.column_config.TextColumn(gettext("Channel"), width=105),
        "category": st.column_config.TextColumn(gettext("Category"), width=130),
        "rate": st.column_config.MultiselectColumn(
            gettext("Rate"),
            options=RATE_TAGS,
            color=RATE_TAG_COLORS,
            format_func=rate_tag_text,
            width=125,
            help=gettext("Coloured by group: detractor 0–6, passive 7–8, promoter 9–10"),
        ),
        "comment": st.column_config.TextColumn(gettext("Comment"), width=380),
        "client_id": st.column_config.TextColumn(gettext("Client ID"), width=160),
    }
