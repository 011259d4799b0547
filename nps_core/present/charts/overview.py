"""The Overview page's charts: the NPS trend, the groups' shares over time, the rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from nps_core.analysis.nps import COUNT_COLUMNS, SHARE_COLUMNS, SMALL_N
from nps_core.contract.models import GROUPS
from nps_core.present.charts import plot
from nps_core.present.formatting import (
    format_count,
    format_nps,
    format_period,
    format_share,
    percent_suffix,
)
from nps_core.present.i18n import gettext, ngettext
from nps_core.present.palette import (
    FADED_OPACITY,
    GROUP_COLORS,
    GROUP_LABELS,
    INTERVAL_FILL,
    NPS_COLOR,
    ROLLING_COLOR,
    group_pattern,
)

__all__ = ["composition_figure", "distribution_figure", "trend_figure"]


def _interval_traces(trend: pd.DataFrame) -> list[plot.Trace]:
    """The confidence band: an invisible upper edge, and the lower one filled up to it."""
    edge = {
        "type": "scatter",
        "x": trend["period"],
        "mode": "lines",
        "line": {"width": 0},
        "hoverinfo": "skip",
    }
    return [
        {**edge, "y": trend["ci_high"], "showlegend": False},
        {**edge, "y": trend["ci_low"], "fill": "tonexty", "fillcolor": INTERVAL_FILL,
         "name": gettext("{level} interval").format(level=format_share(0.95))},
    ]  # fmt: skip


def _nps_trace(trend: pd.DataFrame, granularity: str) -> plot.Trace:
    """The NPS line; small-sample points hollow and faded."""
    small = trend["small_sample"].to_numpy(dtype=bool)
    return {
        "type": "scatter",
        "x": trend["period"],
        "y": trend["nps"],
        "mode": "lines+markers",
        "name": "NPS",
        "line": {"color": NPS_COLOR, "width": 2},
        "marker": {
            "color": NPS_COLOR,
            "size": 7,
            "opacity": plot.opacities(trend["small_sample"]),
            "symbol": np.where(small, "circle-open", "circle"),
        },
        "customdata": plot.nps_hover(trend, granularity),
        "hovertemplate": plot.nps_hover_template(),
    }


def _small_legend() -> plot.Trace:
    """A legend entry saying what a hollow point means."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "name": ngettext("Fewer than {n} review", "Fewer than {n} reviews", SMALL_N).format(
            n=SMALL_N
        ),
        "marker": {"color": NPS_COLOR, "symbol": "circle-open", "opacity": FADED_OPACITY},
    }


def _rolling_trace(trend: pd.DataFrame, rolling: int) -> plot.Trace:
    """The rolling NPS line (``trend``'s rolling columns)."""
    return {
        "type": "scatter",
        "x": trend["period"],
        "y": trend["rolling_nps"],
        "mode": "lines",
        "name": gettext("Rolling {days}-day NPS").format(days=rolling),
        "line": {"color": ROLLING_COLOR, "width": 2, "dash": "dot"},
        "customdata": np.column_stack(
            [
                [format_nps(v) for v in trend["rolling_nps"]],
                [format_count(n) for n in trend["rolling_n"]],
            ]
        ).reshape(len(trend), 2),
        "hovertemplate": gettext("Rolling {days} days: NPS {nps} (n = {n})").format(
            days=rolling, nps="%{customdata[0]}", n="%{customdata[1]}"
        )
        + "<extra></extra>",
    }


def trend_figure(
    trend: pd.DataFrame,
    granularity: str,
    *,
    target: float | None = None,
    rolling: int | None = None,
    height: int = 380,
) -> go.Figure:
    """NPS per period with its confidence band; small-sample points hollow and faded.

    ``trend`` is ``analysis.trend`` output (with the rolling columns when ``rolling``).
    """
    traces = [*_interval_traces(trend), _nps_trace(trend, granularity)]
    if trend["small_sample"].to_numpy(dtype=bool).any():
        traces.append(_small_legend())
    if rolling is not None:
        traces.append(_rolling_trace(trend, rolling))
    return plot.figure(
        traces,
        height,
        hovermode="closest",
        yaxis=plot.NPS_AXIS,
        xaxis=plot.period_axis(trend["period"], granularity),
        **plot.target_line(target),
    )


def composition_figure(trend: pd.DataFrame, granularity: str, height: int = 320) -> go.Figure:
    """Stacked shares of detractors, passives and promoters per period (in %)."""
    opacity = plot.opacities(trend["small_sample"])
    traces = []
    for group in GROUPS:
        shares = trend[SHARE_COLUMNS[group]]
        traces.append(
            {
                "type": "bar",
                "x": trend["period"],
                "y": 100 * shares,
                "name": GROUP_LABELS[group],
                "marker": {
                    "color": GROUP_COLORS[group],
                    "opacity": opacity,
                    "pattern": group_pattern(group),
                },
                "customdata": np.column_stack(
                    [
                        [format_period(p, granularity) for p in trend["period"]],
                        [format_share(s) for s in shares],
                        [format_count(c) for c in trend[COUNT_COLUMNS[group]]],
                    ]
                ).reshape(len(trend), 3),
                "hovertemplate": (
                    f"<b>%{{customdata[0]}}</b><br>{GROUP_LABELS[group]}: %{{customdata[1]}} "
                    "(%{customdata[2]})<extra></extra>"
                ),
            }
        )
    return plot.figure(
        traces,
        height,
        barmode="stack",
        bargap=0.15,
        yaxis={
            "range": [0, 100],
            "ticksuffix": percent_suffix(),
            "title": {"text": gettext("Share of responses")},
        },
        xaxis=plot.period_axis(trend["period"], granularity),
    )


def distribution_figure(distribution: pd.DataFrame, height: int = 320) -> go.Figure:
    """Responses per rate (``analysis.segments.distribution``), bars coloured by group."""
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
                "marker": {"color": GROUP_COLORS[group], "pattern": group_pattern(group)},
                "text": shares,
                "textposition": "outside",
                "cliponaxis": False,
                "customdata": np.column_stack(
                    [[format_count(c) for c in rows["count"]], shares]
                ).reshape(len(rows), 2),
                "hovertemplate": gettext("Rate {rate}: {n} reviews ({share})").format(
                    rate="%{x}", n="%{customdata[0]}", share="%{customdata[1]}"
                )
                + "<extra></extra>",
            }
        )
    return plot.figure(
        traces,
        height,
        bargap=0.2,
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": distribution["rate"].astype(str).tolist(),
            "title": {"text": gettext("Rate")},
        },
        yaxis={"title": {"text": gettext("Reviews")}, "rangemode": "tozero"},
    )
