"""What every chart shares: the figure's layout, the NPS axis and hover, faded points.

Traces and layouts are plain dicts handed to ``go.Figure`` without Plotly's
property-by-property validation: in a running dashboard that validation cost about a
tenth of a second per chart, more than all the page's metrics. The tests validate every
figure instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from nps_core.analysis.nps import SMALL_N
from nps_core.present.formatting import format_count, format_interval, format_nps, format_period
from nps_core.present.palette import FADED_OPACITY, TARGET_COLOR

__all__ = [
    "NPS_AXIS",
    "NPS_HOVER",
    "Trace",
    "figure",
    "nps_hover",
    "opacities",
    "period_axis",
    "target_line",
]

Trace = dict[str, Any]

_SMALL_NOTE = f" · fewer than {SMALL_N} reviews"
NPS_AXIS = {
    "title": {"text": "NPS"},
    "tickformat": "+d",
    "zeroline": True,
    "zerolinecolor": "#BBBBBB",
}
NPS_HOVER = (
    "<b>%{customdata[0]}</b><br>NPS %{customdata[1]} (interval %{customdata[2]})"
    "<br>n = %{customdata[3]}%{customdata[4]}<extra></extra>"
)


def figure(traces: list[Trace], height: int, **layout: Any) -> go.Figure:
    """The figure of ``traces`` with the dashboard's common layout (see the module note)."""
    common = {
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 36, "b": 8},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"align": "left"},
    }
    return go.Figure(data=traces, layout={**common, **layout}, _validate=False)


def opacities(small: pd.Series) -> np.ndarray:
    """Per point: faded where the sample is small, else opaque."""
    return np.where(small.to_numpy(dtype=bool), FADED_OPACITY, 1.0)


def period_axis(periods: pd.Series, freq: str) -> dict[str, Any]:
    """Months and quarters get one labelled tick each (Plotly has no quarter format)."""
    if freq in ("M", "Q") and 0 < len(periods) <= 24:
        return {"tickvals": list(periods), "ticktext": [format_period(p, freq) for p in periods]}
    return {}


def nps_hover(frame: pd.DataFrame, freq: str, name: str | None = None) -> np.ndarray:
    """Per point: heading, NPS, interval, n and a small-sample note, for ``NPS_HOVER``."""
    headings = [format_period(p, freq) for p in frame["period"]]
    if name is not None:
        headings = [f"{name}, {heading}" for heading in headings]
    return np.column_stack(
        [
            headings,
            [format_nps(v) for v in frame["nps"]],
            [
                format_interval(lo, hi)
                for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)
            ],
            [format_count(n) for n in frame["n"]],
            [
                _SMALL_NOTE if small and n else ""
                for small, n in zip(frame["small_sample"], frame["n"], strict=True)
            ],
        ]
    ).reshape(len(frame), 5)


def target_line(target: float | None) -> dict[str, Any]:
    """Layout entries drawing the NPS target as a labelled dashed line (none without one)."""
    if target is None:
        return {}
    return {
        "shapes": [
            {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": target, "y1": target,
             "line": {"color": TARGET_COLOR, "dash": "dash", "width": 2}},
        ],
        "annotations": [
            {"xref": "paper", "x": 0, "y": target, "yanchor": "bottom", "xanchor": "left",
             "showarrow": False, "text": f"Target {format_nps(target)}",
             "font": {"color": TARGET_COLOR}},
        ],
    }  # fmt: skip
