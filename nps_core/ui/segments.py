"""Streamlit glue of the Segments page: how segments are cut, the ranked table, drill-down.

Drilling down narrows the shared channel/category filters to one segment, from a click
on a table row or from the segment picker, and turns the page to the other dimension
(drilling into a channel shows its categories).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import pandas as pd
import streamlit as st

from nps_core.analysis.nps import SMALL_N
from nps_core.present.filters import FilterState, narrowed
from nps_core.present.segments import SEGMENTINGS
from nps_core.ui.filters import FilterContext, apply_filters

__all__ = ["segment_picker", "segmenting_control", "table"]

KEY_SEGMENTING, KEY_PICK = "seg_by", "seg_pick"
_TITLES = {"channel": "Channel", "category": "Category", "both": "Channel × category"}
# After drilling into a channel the categories are what is left to compare, and back.
_NEXT = {"channel": "category", "category": "channel", "both": "both"}
_TABLE_COLUMNS = {
    "segment": st.column_config.TextColumn("Segment", width="medium"),
    "n": st.column_config.NumberColumn("Responses", format="localized", width="small"),
    "share_percent": st.column_config.ProgressColumn(
        "Share",
        min_value=0,
        max_value=100,
        format="%.0f%%",
        width="small",
        help="Share of responses",
    ),
    "nps": st.column_config.NumberColumn("NPS", format="%+.0f", width="small"),
    "interval": st.column_config.TextColumn(
        "Interval", width="small", help="95% adjusted-Wald interval of the NPS"
    ),
    "nps_previous": st.column_config.NumberColumn("NPS before", format="%+.0f", width="small"),
    "delta": st.column_config.NumberColumn("Change", format="%+.0f pts", width="small"),
    "significance": st.column_config.TextColumn(
        "Change is…",
        width="medium",
        help="Two-sided z-test per segment, p-values Holm-corrected across the segments.",
    ),
    "small_sample": st.column_config.CheckboxColumn(
        f"n < {SMALL_N}", width="small", help=f"Fewer than {SMALL_N} reviews: read with care."
    ),
}
# Columns about the comparison period, left out when there is none.
_COMPARED = {"nps_previous", "delta", "significance"}


def segmenting_control() -> tuple[str, ...]:
    """Channel / category / both: the columns every section below cuts by."""
    st.session_state.setdefault(KEY_SEGMENTING, "channel")
    choice = st.segmented_control(
        "Segment by",
        list(SEGMENTINGS),
        format_func=_TITLES.__getitem__,
        key=KEY_SEGMENTING,
        required=True,
    )
    return SEGMENTINGS[choice or "channel"]


def _drill(state: FilterState, codes: Mapping[str, str]) -> None:
    apply_filters(narrowed(state, codes))
    st.session_state[KEY_SEGMENTING] = _NEXT[st.session_state.get(KEY_SEGMENTING, "channel")]
    st.session_state[KEY_PICK] = None


def _drill_on_selection(key: str, state: FilterState, segments: list[dict[str, str]]) -> None:
    rows = st.session_state[key].selection.rows
    if rows:
        _drill(state, segments[rows[0]])


def _segments(ranked: pd.DataFrame, by: Sequence[str]) -> list[dict[str, str]]:
    return [
        {str(column): str(code) for column, code in row.items()}
        for row in ranked[list(by)].to_dict("records")
    ]


def table(ctx: FilterContext, ranked: pd.DataFrame, by: Sequence[str]) -> None:
    """The ranked segments (``views.segment_table``); clicking a row drills down."""
    # A new widget per filter set, so a drill-down does not leave a stale selection.
    key = "seg_table:" + "|".join([*by, *ctx.state.channels, "/", *ctx.state.categories])
    columns = [name for name in _TABLE_COLUMNS if ctx.comparison or name not in _COMPARED]
    st.dataframe(
        ranked,
        column_order=columns,
        column_config=_TABLE_COLUMNS,
        hide_index=True,
        key=key,
        on_select=partial(_drill_on_selection, key, ctx.state, _segments(ranked, by)),
        selection_mode="single-row",
    )


def segment_picker(ctx: FilterContext, ranked: pd.DataFrame, by: Sequence[str]) -> None:
    """Choose a segment and narrow the shared filters to it (the keyboard way to drill)."""
    segments = dict(zip(ranked["segment"], _segments(ranked, by), strict=True))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    choice = left.selectbox(
        "Drill down into a segment",
        list(segments),
        index=None,
        placeholder="Choose a segment…",
        key=KEY_PICK,
    )
    right.button(
        "Show only this segment",
        disabled=choice is None,
        on_click=_drill,
        args=(ctx.state, segments.get(choice or "", {})),
        width="stretch",
        key="seg_drill",
    )
