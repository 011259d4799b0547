"""Streamlit glue of the Segments page: how segments are cut, the ranked table, drill-down.

Drilling down narrows the shared channel/category filters to one segment, from a click
on a table row or from the segment picker, and turns the page to the other dimension
(drilling into a channel shows its categories).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from nps_core.analysis.nps import SMALL_N
from nps_core.present.filters import FilterState, narrowed
from nps_core.present.formatting import format_share, percent_suffix
from nps_core.present.i18n import N_, Texts, gettext, ngettext
from nps_core.present.segments import SEGMENTINGS
from nps_core.ui.filters import FilterContext, apply_filters

__all__ = ["segment_picker", "segmenting_control", "table"]

KEY_SEGMENTING, KEY_PICK = "seg_by", "seg_pick"
_TITLES: Texts[str] = Texts(
    {"channel": N_("Channel"), "category": N_("Category"), "both": N_("Channel × category")}
)
# After drilling into a channel the categories are what is left to compare, and back.
_NEXT = {"channel": "category", "category": "channel", "both": "both"}


def _table_columns() -> dict[str, Any]:
    """The ranked table's columns, named in the current language."""
    return {
        "segment": st.column_config.TextColumn(gettext("Segment"), width="medium"),
        # "localized": the reader's browser groups the digits its own way.
        "n": st.column_config.NumberColumn(gettext("Responses"), format="localized", width="small"),
        "share_percent": st.column_config.ProgressColumn(
            gettext("Share"),
            min_value=0,
            max_value=100,
            format="%.0f" + percent_suffix().replace("%", "%%"),
            width="small",
            help=gettext("Share of responses"),
        ),
        "nps": st.column_config.NumberColumn("NPS", format="%+.0f", width="small"),
        "interval": st.column_config.TextColumn(
            gettext("Interval"),
            width="small",
            help=gettext("{level} adjusted-Wald interval of the NPS").format(
                level=format_share(0.95)
            ),
        ),
        "nps_previous": st.column_config.NumberColumn(
            gettext("NPS before"), format="%+.0f", width="small"
        ),
        "delta": st.column_config.NumberColumn(
            gettext("Change"), format=gettext("%+.0f pts"), width="small"
        ),
        "significance": st.column_config.TextColumn(
            gettext("Change is…"),
            width="medium",
            help=gettext(
                "Two-sided z-test per segment, p-values Holm-corrected across the segments."
            ),
        ),
        "small_sample": st.column_config.CheckboxColumn(
            f"n < {SMALL_N}",
            width="small",
            help=ngettext(
                "Fewer than {n} review: read with care.",
                "Fewer than {n} reviews: read with care.",
                SMALL_N,
            ).format(n=SMALL_N),
        ),
    }


# Columns about the comparison period, left out when there is none.
_COMPARED = {"nps_previous", "delta", "significance"}


def segmenting_control() -> tuple[str, ...]:
    """Channel / category / both: the columns every section below cuts by."""
    st.session_state.setdefault(KEY_SEGMENTING, "channel")
    choice = st.segmented_control(
        gettext("Segment by"),
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
    config = _table_columns()
    columns = [name for name in config if ctx.comparison or name not in _COMPARED]
    st.dataframe(
        ranked,
        column_order=columns,
        column_config=config,
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
        gettext("Drill down into a segment"),
        list(segments),
        index=None,
        placeholder=gettext("Choose a segment…"),
        key=KEY_PICK,
    )
    right.button(
        gettext("Show only this segment"),
        disabled=choice is None,
        on_click=_drill,
        args=(ctx.state, segments.get(choice or "", {})),
        width="stretch",
        key="seg_drill",
    )
