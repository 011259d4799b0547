"""Layout pieces shared by the pages: page header, KPI cards, charts, empty periods."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from nps_core.present.labels import scope_caption
from nps_core.present.overview import Kpi
from nps_core.ui.access import Visitor
from nps_core.ui.access_log import logged_export
from nps_core.ui.filters import FilterContext

__all__ = ["CHART_CONFIG", "csv_download", "has_reviews", "kpi_row", "page_header", "plot"]

# A clean mode bar: keep zoom, pan, reset and the PNG download.
CHART_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
}


def page_header(title: str, ctx: FilterContext) -> None:
    st.title(title)
    st.caption(scope_caption(ctx.state, ctx.period, ctx.comparison, ctx.labels))


def has_reviews(ctx: FilterContext) -> bool:
    """False, with a message saying so, when the filtered period holds no review."""
    if len(ctx.frame):
        return True
    filtered = " under the chosen channels and categories" if len(ctx.reviews.frame) else ""
    st.info(
        f"**No reviews in this period** ({ctx.period.label()}){filtered}. Choose a longer "
        "period in the sidebar, or clear the channel and category filters.",
        icon="🗓️",
    )
    return False


def kpi_row(cards: list[Kpi]) -> None:
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        with column.container(border=True, height="stretch"):
            st.metric(card.label, card.value, help=card.help)
            st.caption(card.caption)


def csv_download(
    place: DeltaGenerator,
    visitor: Visitor,
    page: str,
    make: Callable[[], bytes],
    *,
    rows: int,
    file_name: str,
) -> None:
    """A table's "Download CSV" button: the file is made, and the export logged, only
    when someone asks for it."""
    place.download_button(
        "Download CSV",
        data=logged_export(visitor, page, make, rows=rows),
        file_name=file_name,
        mime="text/csv",
        icon="⬇️",
        on_click="ignore",
        disabled=rows == 0,
        width="stretch",
    )


def plot(figure: go.Figure, key: str | None = None) -> None:
    st.plotly_chart(figure, config=CHART_CONFIG, key=key)
