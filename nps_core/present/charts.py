"""Plotly figures of the dashboard, built from the frames of ``metrics`` and ``views``.

Pure (no Streamlit), so a test can read back what a chart draws. Every chart uses the
group colours of ``nps_core.present.theme``, writes its numbers with ``nps_core.present.formatting``
(hover labels included), and draws figures from fewer than ``SMALL_N`` reviews faded.

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

from nps_core.analysis.metrics import GROUPS, SMALL_N
from nps_core.present.formatting import (
    format_count,
    format_interval,
    format_nps,
    format_period,
    format_points,
    format_share,
)
from nps_core.present.theme import (
    FADED_OPACITY,
    GROUP_COLORS,
    GROUP_LABELS,
    INTERVAL_FILL,
    MIX_COLOR,
    NPS_COLOR,
    NPS_SCALE,
    RATE_COLOR,
    ROLLING_COLOR,
    SEGMENT_COLORS,
    TARGET_COLOR,
)
from nps_core.present.views import SegmentHeatmap

__all__ = [
    "composition_figure",
    "distribution_figure",
    "drivers_figure",
    "heatmap_figure",
    "segment_trend_figure",
    "trend_figure",
]

Trace = dict[str, Any]

_SHARE_COLUMNS = {
    "detractor": "detractor_share",
    "passive": "passive_share",
    "promoter": "promoter_share",
}
_COUNT_COLUMNS = {"detractor": "detractors", "passive": "passives", "promoter": "promoters"}
_SMALL_NOTE = f" · fewer than {SMALL_N} reviews"
_NPS_AXIS = {
    "title": {"text": "NPS"},
    "tickformat": "+d",
    "zeroline": True,
    "zerolinecolor": "#BBBBBB",
}
_NPS_HOVER = (
    "<b>%{customdata[0]}</b><br>NPS %{customdata[1]} (interval %{customdata[2]})"
    "<br>n = %{customdata[3]}%{customdata[4]}<extra></extra>"
)


def _figure(traces: list[Trace], height: int, **layout: Any) -> go.Figure:
    """The figure of ``traces`` with the dashboard's common layout (see the module note)."""
    common = {
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 36, "b": 8},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"align": "left"},
    }
    return go.Figure(data=traces, layout={**common, **layout}, _validate=False)


def _opacity(small: pd.Series) -> np.ndarray:
    return np.where(small.to_numpy(dtype=bool), FADED_OPACITY, 1.0)


def _period_axis(periods: pd.Series, freq: str) -> dict[str, Any]:
    """Months and quarters get one labelled tick each (Plotly has no quarter format)."""
    if freq in ("M", "Q") and 0 < len(periods) <= 24:
        return {"tickvals": list(periods), "ticktext": [format_period(p, freq) for p in periods]}
    return {}


def _nps_hover(frame: pd.DataFrame, freq: str, name: str | None = None) -> np.ndarray:
    """Per point: heading, NPS, interval, n and a small-sample note, for ``_NPS_HOVER``."""
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


def _target_line(target: float | None) -> dict[str, Any]:
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


def trend_figure(
    trend: pd.DataFrame,
    freq: str,
    *,
    target: float | None = None,
    rolling: int | None = None,
    height: int = 380,
) -> go.Figure:
    """NPS per period with its confidence band; small-sample points hollow and faded.

    ``trend`` is ``metrics.trend`` output (with the rolling columns when ``rolling``).
    """
    x = trend["period"]
    small = trend["small_sample"].to_numpy(dtype=bool)
    edge = {"type": "scatter", "x": x, "mode": "lines", "line": {"width": 0}, "hoverinfo": "skip"}
    traces: list[Trace] = [
        {**edge, "y": trend["ci_high"], "showlegend": False},
        {**edge, "y": trend["ci_low"], "fill": "tonexty", "fillcolor": INTERVAL_FILL,
         "name": "95% interval"},
        {
            "type": "scatter",
            "x": x,
            "y": trend["nps"],
            "mode": "lines+markers",
            "name": "NPS",
            "line": {"color": NPS_COLOR, "width": 2},
            "marker": {
                "color": NPS_COLOR,
                "size": 7,
                "opacity": _opacity(trend["small_sample"]),
                "symbol": np.where(small, "circle-open", "circle"),
            },
            "customdata": _nps_hover(trend, freq),
            "hovertemplate": _NPS_HOVER,
        },
    ]  # fmt: skip
    if small.any():  # a legend entry saying what a hollow point means
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "name": f"Fewer than {SMALL_N} reviews",
                "marker": {"color": NPS_COLOR, "symbol": "circle-open", "opacity": FADED_OPACITY},
            }
        )
    if rolling is not None:
        traces.append(
            {
                "type": "scatter",
                "x": x,
                "y": trend["rolling_nps"],
                "mode": "lines",
                "name": f"Rolling {rolling}-day NPS",
                "line": {"color": ROLLING_COLOR, "width": 2, "dash": "dot"},
                "customdata": np.column_stack(
                    [
                        [format_nps(v) for v in trend["rolling_nps"]],
                        [format_count(n) for n in trend["rolling_n"]],
                    ]
                ).reshape(len(trend), 2),
                "hovertemplate": (
                    f"Rolling {rolling} days: NPS %{{customdata[0]}} "
                    "(n = %{customdata[1]})<extra></extra>"
                ),
            }
        )
    return _figure(
        traces,
        height,
        hovermode="closest",
        yaxis=_NPS_AXIS,
        xaxis=_period_axis(x, freq),
        **_target_line(target),
    )


def composition_figure(trend: pd.DataFrame, freq: str, height: int = 320) -> go.Figure:
    """Stacked shares of detractors, passives and promoters per period (in %)."""
    opacity = _opacity(trend["small_sample"])
    traces = []
    for group in GROUPS:
        shares = trend[_SHARE_COLUMNS[group]]
        traces.append(
            {
                "type": "bar",
                "x": trend["period"],
                "y": 100 * shares,
                "name": GROUP_LABELS[group],
                "marker": {"color": GROUP_COLORS[group], "opacity": opacity},
                "customdata": np.column_stack(
                    [
                        [format_period(p, freq) for p in trend["period"]],
                        [format_share(s) for s in shares],
                        [format_count(c) for c in trend[_COUNT_COLUMNS[group]]],
                    ]
                ).reshape(len(trend), 3),
                "hovertemplate": (
                    f"<b>%{{customdata[0]}}</b><br>{GROUP_LABELS[group]}: %{{customdata[1]}} "
                    "(%{customdata[2]})<extra></extra>"
                ),
            }
        )
    return _figure(
        traces,
        height,
        barmode="stack",
        bargap=0.15,
        yaxis={"range": [0, 100], "ticksuffix": "%", "title": {"text": "Share of responses"}},
        xaxis=_period_axis(trend["period"], freq),
    )


def distribution_figure(distribution: pd.DataFrame, height: int = 320) -> go.Figure:
    """Responses per rate (``metrics.distribution``), bars coloured by group."""
    traces = []
    for group in GROUPS:
        rows = distribution[distribution["group"] == group]
        shares = [format_share(s) for s in rows["share"]]
        traces.append(
            {
                "type": "bar",
                "x": rows["rate"].astype(str).tolist(),
                "y": rows["count"],
                "name": GROUP_LABELS[group],
                "marker": {"color": GROUP_COLORS[group]},
                "text": shares,
                "textposition": "outside",
                "cliponaxis": False,
                "customdata": np.column_stack(
                    [[format_count(c) for c in rows["count"]], shares]
                ).reshape(len(rows), 2),
                "hovertemplate": (
                    "Rate %{x}: %{customdata[0]} reviews (%{customdata[1]})<extra></extra>"
                ),
            }
        )
    return _figure(
        traces,
        height,
        bargap=0.2,
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": distribution["rate"].astype(str).tolist(),
            "title": {"text": "Rate"},
        },
        yaxis={"title": {"text": "Reviews"}, "rangemode": "tozero"},
    )


def heatmap_figure(grid: SegmentHeatmap) -> go.Figure:
    """NPS per row × column cell with "NPS / n" written in it; small cells faded."""
    n = grid.n.to_numpy()
    nps = grid.nps.to_numpy(dtype=np.float64)
    small = (n > 0) & (n < SMALL_N)
    text = np.array(
        [
            f"{format_nps(v)}<br>n = {format_count(c)}" if c else ""
            for v, c in zip(nps.ravel(), n.ravel(), strict=True)
        ],
        dtype=object,
    ).reshape(n.shape)
    traces = []
    for cells, opacity in ((~small, 1.0), (small, FADED_OPACITY)):
        shown = np.where(cells, text, "")  # each trace writes only its own cells
        traces.append(
            {
                "type": "heatmap",
                "z": np.where(cells, nps, np.nan),
                "x": list(grid.nps.columns),
                "y": list(grid.nps.index),
                "text": shown,
                "texttemplate": "%{text}",
                "textfont": {"size": 13},
                "customdata": shown,
                "colorscale": NPS_SCALE,
                "zmin": -100,
                "zmax": 100,
                "opacity": opacity,
                "showscale": opacity == 1.0,
                "colorbar": {"title": {"text": "NPS"}, "tickformat": "+d"},
                "hoverongaps": False,
                "xgap": 2,
                "ygap": 2,
                "hovertemplate": "<b>%{y} · %{x}</b><br>%{customdata}<extra></extra>",
            }
        )
    return _figure(
        traces,
        80 + 48 * len(grid.nps.index),
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top"},
    )


def segment_trend_figure(
    lines: pd.DataFrame, freq: str, *, target: float | None = None, height: int = 380
) -> go.Figure:
    """One NPS line per ``segment`` (``views.segment_trend``), small samples faded."""
    traces = []
    for i, (name, rows) in enumerate(lines.groupby("segment", sort=False)):
        color = SEGMENT_COLORS[i % len(SEGMENT_COLORS)]
        traces.append(
            {
                "type": "scatter",
                "x": rows["period"],
                "y": rows["nps"],
                "mode": "lines+markers",
                "name": str(name),
                "line": {"color": color, "width": 2},
                "marker": {"color": color, "size": 6, "opacity": _opacity(rows["small_sample"])},
                "customdata": _nps_hover(rows, freq, str(name)),
                "hovertemplate": _NPS_HOVER,
            }
        )
    return _figure(
        traces,
        height,
        yaxis=_NPS_AXIS,
        xaxis=_period_axis(lines["period"].drop_duplicates(), freq),
        **_target_line(target),
    )


def drivers_figure(drivers: pd.DataFrame) -> go.Figure:
    """Mix and rate contribution per segment (``views.drivers_table``), largest on top."""
    traces: list[Trace] = [
        {
            "type": "bar",
            "y": drivers["segment"].tolist(),
            "x": drivers[column],
            "orientation": "h",
            "name": name,
            "marker": {"color": color},
            "customdata": [format_points(v) for v in drivers[column]],
            "hovertemplate": f"%{{y}}<br>{name}: %{{customdata}}<extra></extra>",
        }
        for column, name, color in (
            ("rate", "NPS within the segment (rate)", RATE_COLOR),
            ("mix", "Share of responses (mix)", MIX_COLOR),
        )
    ]
    traces.append(
        {
            "type": "scatter",
            "y": drivers["segment"].tolist(),
            "x": drivers["total"],
            "mode": "markers",
            "name": "Total",
            "marker": {"color": "#1F2933", "symbol": "diamond", "size": 9},
            "customdata": [format_points(v) for v in drivers["total"]],
            "hovertemplate": "%{y}<br>Total: %{customdata}<extra></extra>",
        }
    )
    return _figure(
        traces,
        100 + 34 * len(drivers),
        barmode="relative",
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={
            "title": {"text": "Contribution to the change (NPS points)"},
            "tickformat": "+.1f",
            "zeroline": True,
            "zerolinecolor": "#888888",
        },
    )
