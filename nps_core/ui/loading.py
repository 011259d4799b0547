"""While a page waits for its reviews, the browser makes its chart script ready.

A browser loads Streamlit's Plotly component (megabytes of JavaScript) only when a page
first shows a chart, and a fresh tab spends about a second on it. A blank chart, a few
pixels high, drawn while the reviews load makes the browser start on it then, in the
wait, rather than after it. It is removed once the reviews are in (or the page stops);
when they are in memory already, before the browser has drawn it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import plotly.graph_objects as go
import streamlit as st

__all__ = ["charts_warming"]

_BLANK_LAYOUT = {
    "height": 10,
    "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
    "xaxis": {"visible": False},
    "yaxis": {"visible": False},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
}
_CONFIG = {"staticPlot": True, "displayModeBar": False}


@contextmanager
def charts_warming() -> Iterator[None]:
    """A blank chart on the page for the time of the block."""
    slot = st.empty()
    slot.plotly_chart(go.Figure(layout=_BLANK_LAYOUT), config=_CONFIG)
    try:
        yield
    finally:
        slot.empty()
