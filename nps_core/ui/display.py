"""Layout pieces shared by the pages: page header, KPI cards, charts, empty periods."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from nps_core.present.charts.alt import ChartText
from nps_core.present.i18n import gettext
from nps_core.present.labels import scope_caption
from nps_core.present.overview import Kpi
from nps_core.present.submit import escape_markdown
from nps_core.ui.access import Visitor
from nps_core.ui.access_log import logged_export
from nps_core.ui.filters import FilterContext

__all__ = [
    "CHART_CONFIG",
    "chart_text",
    "csv_download",
    "has_reviews",
    "kpi_row",
    "page_header",
    "plot",
]

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
    message = (
        gettext(
            "**No reviews in this period** ({dates}) under the chosen channels and categories. "
            "Choose a longer period in the sidebar, or clear the channel and category filters."
        )
        if len(ctx.reviews.frame)
        else gettext(
            "**No reviews in this period** ({dates}). Choose a longer period in the sidebar, "
            "or clear the channel and category filters."
        )
    )
    st.info(message.format(dates=ctx.period.label()), icon="🗓️")
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
        gettext("Download CSV"),
        data=logged_export(visitor, page, make, rows=rows),
        file_name=file_name,
        mime="text/csv",
        icon="⬇️",
        on_click="ignore",
        disabled=rows == 0,
        width="stretch",
    )


def plot(figure: go.Figure, key: str | None = None, text: ChartText | None = None) -> None:
    """The chart, and its text alternative under it: the sentence, and the figures as a
    table behind an expander (a real table, which screen readers can walk)."""
    st.plotly_chart(figure, config=CHART_CONFIG, key=key)
    if text is not None:
        chart_text(text)


def chart_text(text: ChartText) -> None:
    """A chart's text alternative, to draw right under it: its sentence, and its figures
    as a table behind an expander."""
    if text.summary:
        st.caption(text.summary)
    if len(text.table.columns):
        # st.table renders Markdown in cells and headers; names from the API are literal.
        table = text.table.rename(columns=escape_markdown).map(escape_markdown)
        with st.expander(gettext("The chart's figures as a table")):
            st.table(table, hide_index=True, alt=text.summary or None)
