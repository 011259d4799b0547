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
from nps_core.present.formatting import (
    format_count,
    format_date_as,
    format_interval,
    format_nps,
    format_period,
    number_separators,
)
from nps_core.present.i18n import gettext, ngettext
from nps_core.present.palette import FADED_OPACITY, TARGET_COLOR

__all__ = [
    "NPS_AXIS",
    "Trace",
    "figure",
    "nps_hover",
    "nps_hover_template",
    "opacities",
    "period_axis",
    "target_line",
]

Trace = dict[str, Any]

# At most this many labelled ticks on a time axis of days or weeks.
MAX_TICKS = 8
NPS_AXIS = {
    "title": {"text": "NPS"},
    "tickformat": "+d",
    "zeroline": True,
    "zerolinecolor": "#BBBBBB",
}


def nps_hover_template() -> str:
    """The hover text of an NPS point, over ``nps_hover``'s columns."""
    nps = gettext("NPS {nps} (interval {interval})").format(
        nps="%{customdata[1]}", interval="%{customdata[2]}"
    )
    return f"<b>%{{customdata[0]}}</b><br>{nps}<br>n = %{{customdata[3]}}%{{customdata[4]}}<extra></extra>"


def figure(traces: list[Trace], height: int, **layout: Any) -> go.Figure:
    """The figure of ``traces`` with the dashboard's common layout (see the module note)."""
    common = {
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 36, "b": 8},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"align": "left"},
        "separators": number_separators(),  # "1 234,5" in Russian
    }
    return go.Figure(data=traces, layout={**common, **layout}, _validate=False)


def opacities(small: pd.Series) -> np.ndarray:
    """Per point: faded where the sample is small, else opaque."""
    return np.where(small.to_numpy(dtype=bool), FADED_OPACITY, 1.0)


def period_axis(periods: pd.Series, granularity: str) -> dict[str, Any]:
    """Ticks labelled in the current language (Plotly's own dates are English only, and it
    has no quarters): every month or quarter up to two years of them, else at most
    ``MAX_TICKS`` evenly spaced."""
    ticks = list(pd.to_datetime(pd.Series(periods)).drop_duplicates().sort_values())
    if not ticks:
        return {}
    if granularity not in ("M", "Q") or len(ticks) > 24:
        ticks = ticks[:: -(-len(ticks) // MAX_TICKS)]
    if granularity in ("M", "Q"):
        text = [format_period(tick, granularity) for tick in ticks]
    else:
        one_year = ticks[0].year == ticks[-1].year
        text = [format_date_as(tick.date(), "short day" if one_year else "day") for tick in ticks]
    return {"tickvals": ticks, "ticktext": text}


def nps_hover(frame: pd.DataFrame, granularity: str, name: str | None = None) -> np.ndarray:
    """Per point: heading, NPS, interval, n and a small-sample note, for ``NPS_HOVER``."""
    headings = [format_period(p, granularity) for p in frame["period"]]
    small_note = " · " + ngettext(
        "fewer than {n} review", "fewer than {n} reviews", SMALL_N
    ).format(n=SMALL_N)
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
                small_note if small and n else ""
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
             "showarrow": False,
             "text": gettext("Target {nps}").format(nps=format_nps(target)),
             "font": {"color": TARGET_COLOR}},
        ],
    }  # fmt: skip
