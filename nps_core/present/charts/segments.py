"""The Segments page's charts: the NPS heatmap, a line per segment, the drivers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from nps_core.analysis.nps import SMALL_N
from nps_core.present.charts import plot
from nps_core.present.formatting import format_count, format_nps, format_points
from nps_core.present.i18n import gettext
from nps_core.present.palette import (
    FADED_OPACITY,
    MIX_COLOR,
    MIX_PATTERN,
    NPS_SCALE,
    RATE_COLOR,
    SEGMENT_COLORS,
    SEGMENT_SYMBOLS,
)
from nps_core.present.segments import SegmentHeatmap

__all__ = ["drivers_figure", "heatmap_figure", "segment_trend_figure"]


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
    return plot.figure(
        traces,
        80 + 48 * len(grid.nps.index),
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top"},
    )


def segment_trend_figure(
    lines: pd.DataFrame, granularity: str, *, target: float | None = None, height: int = 380
) -> go.Figure:
    """One NPS line per ``segment`` (``present.segments.segment_trend``), small samples faded."""
    traces = []
    for i, (name, rows) in enumerate(lines.groupby("segment", sort=False)):
        color = SEGMENT_COLORS[i % len(SEGMENT_COLORS)]
        symbol = SEGMENT_SYMBOLS[i % len(SEGMENT_SYMBOLS)]
        traces.append(
            {
                "type": "scatter",
                "x": rows["period"],
                "y": rows["nps"],
                "mode": "lines+markers",
                "name": str(name),
                "line": {"color": color, "width": 2},
                "marker": {
                    "color": color,
                    "symbol": symbol,
                    "size": 7,
                    "opacity": plot.opacities(rows["small_sample"]),
                },
                "customdata": plot.nps_hover(rows, granularity, str(name)),
                "hovertemplate": plot.nps_hover_template(),
            }
        )
    return plot.figure(
        traces,
        height,
        yaxis=plot.NPS_AXIS,
        xaxis=plot.period_axis(lines["period"].drop_duplicates(), granularity),
        **plot.target_line(target),
    )


def drivers_figure(drivers: pd.DataFrame) -> go.Figure:
    """Mix and rate contribution per segment (``present.segments.drivers_table``), largest on top."""
    traces: list[plot.Trace] = [
        {
            "type": "bar",
            "y": drivers["segment"].tolist(),
            "x": drivers[column],
            "orientation": "h",
            "name": name,
            "marker": {"color": color, "pattern": {"shape": pattern}},
            "customdata": [format_points(v) for v in drivers[column]],
            "hovertemplate": f"%{{y}}<br>{name}: %{{customdata}}<extra></extra>",
        }
        for column, name, color, pattern in (
            ("rate", gettext("NPS within the segment (rate)"), RATE_COLOR, ""),
            ("mix", gettext("Share of responses (mix)"), MIX_COLOR, MIX_PATTERN),
        )
    ]
    traces.append(
        {
            "type": "scatter",
            "y": drivers["segment"].tolist(),
            "x": drivers["total"],
            "mode": "markers",
            "name": gettext("Total"),
            "marker": {"color": "#1F2933", "symbol": "diamond", "size": 9},
            "customdata": [format_points(v) for v in drivers["total"]],
            "hovertemplate": "%{y}<br>"
            + gettext("Total: {points}").format(points="%{customdata}")
            + "<extra></extra>",
        }
    )
    return plot.figure(
        traces,
        100 + 34 * len(drivers),
        barmode="relative",
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={
            "title": {"text": gettext("Contribution to the change (NPS points)")},
            "tickformat": "+.1f",
            "zeroline": True,
            "zerolinecolor": "#888888",
        },
    )
