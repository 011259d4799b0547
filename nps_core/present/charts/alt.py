"""Text alternatives of the charts: one sentence for everyone, and the figures as a table.

A screen reader cannot read a Plotly chart, and a colour-blind reader may not tell its
groups apart: every chart of the dashboard comes with a ``ChartText`` holding what it
shows in words (the page prints it under the chart) and in a table (behind an
expander). Built from the same frames as the figures, written by
``nps_core.present.formatting``, in the current language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nps_core.analysis.nps import COUNT_COLUMNS, SHARE_COLUMNS
from nps_core.contract.models import GROUPS, group_of
from nps_core.present.formatting import (
    format_count,
    format_interval,
    format_nps,
    format_period,
    format_points,
    format_share,
)
from nps_core.present.i18n import gettext
from nps_core.present.palette import GROUP_MEMBER, GROUP_NAMES
from nps_core.present.segments import SegmentHeatmap

__all__ = [
    "ChartText",
    "composition_text",
    "distribution_text",
    "drivers_text",
    "heatmap_text",
    "line_summary",
    "segment_trend_text",
    "trend_text",
]


@dataclass(frozen=True, eq=False)
class ChartText:
    """What a chart shows, in words (``summary``) and as a table of written figures."""

    summary: str
    table: pd.DataFrame


def line_summary(name: str, labels: Sequence[str], values: Sequence[float]) -> str:
    """ "Weekly NPS from week of 2 Mar to week of 27 Apr: latest +42, lowest +25 (…),
    highest +45 (…)." — over the answered points; says so when there are none."""
    answered = [(label, v) for label, v in zip(labels, values, strict=True) if not math.isnan(v)]
    if not answered:
        return gettext("{name}: no answers in this period.").format(name=name)
    low = min(answered, key=lambda point: point[1])
    high = max(answered, key=lambda point: point[1])
    return gettext(
        "{name} from {first} to {last}: latest {latest}, lowest {low} ({low_when}), "
        "highest {high} ({high_when})."
    ).format(
        name=name,
        first=labels[0],
        last=labels[-1],
        latest=format_nps(answered[-1][1]),
        low=format_nps(low[1]),
        low_when=low[0],
        high=format_nps(high[1]),
        high_when=high[0],
    )


def _periods(frame: pd.DataFrame, granularity: str) -> list[str]:
    return [format_period(p, granularity) for p in frame["period"]]


def _nps_column(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The NPS, interval and responses columns of a trend-like frame."""
    return {
        "NPS": [format_nps(v) for v in frame["nps"]],
        gettext("Interval"): [
            format_interval(lo, hi)
            for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)
        ],
        gettext("Responses"): [format_count(n) for n in frame["n"]],
    }


def trend_text(trend: pd.DataFrame, granularity: str, rolling: int | None = None) -> ChartText:
    """The NPS trend (``analysis.trend`` output) as a sentence and a table per period."""
    periods = _periods(trend, granularity)
    columns = {gettext("Period"): periods, **_nps_column(trend)}
    if rolling is not None:
        name = gettext("Rolling {days}-day NPS").format(days=rolling)
        columns[name] = [format_nps(v) for v in trend["rolling_nps"]]
    summary = line_summary(gettext("NPS"), periods, trend["nps"].tolist()) if periods else ""
    return ChartText(summary, pd.DataFrame(columns))


def composition_text(trend: pd.DataFrame, granularity: str) -> ChartText:
    """The groups' shares per period, and over the whole period in the sentence."""
    columns = {gettext("Period"): _periods(trend, granularity)}
    for group in reversed(GROUPS):  # best first, as the KPI cards
        columns[GROUP_NAMES[group]] = [
            f"{format_share(share)} ({format_count(count)})"
            for share, count in zip(
                trend[SHARE_COLUMNS[group]], trend[COUNT_COLUMNS[group]], strict=True
            )
        ]
    totals = {group: int(trend[COUNT_COLUMNS[group]].sum()) for group in GROUPS}
    answered = sum(totals.values())
    shares = ", ".join(
        f"{GROUP_NAMES[group].lower()} {format_share(totals[group] / answered if answered else None)}"
        for group in reversed(GROUPS)
    )
    summary = gettext("Over the whole period: {shares}.").format(shares=shares)
    return ChartText(summary, pd.DataFrame(columns))


def distribution_text(distribution: pd.DataFrame) -> ChartText:
    """Responses per rate, with each rate's group written out."""
    rates = distribution["rate"].astype(int).tolist()
    table = pd.DataFrame(
        {
            gettext("Rate"): [str(rate) for rate in rates],
            gettext("Group"): [GROUP_MEMBER[group_of(rate)] for rate in rates],
            gettext("Reviews"): [format_count(n) for n in distribution["count"]],
            gettext("Share"): [format_share(s) for s in distribution["share"]],
        }
    )
    if not len(distribution) or not distribution["count"].sum():
        return ChartText(gettext("No rates in this period."), table)
    top = distribution.iloc[int(distribution["count"].to_numpy().argmax())]
    summary = gettext("The most common rate is {rate}: {share} of the reviews.").format(
        rate=int(top["rate"]), share=format_share(top["share"])
    )
    return ChartText(summary, table)


def heatmap_text(grid: SegmentHeatmap) -> ChartText:
    """Each cell as "NPS (n = …)"; the best and the worst cell in the sentence."""
    n = grid.n.to_numpy()
    nps = grid.nps.to_numpy(dtype=np.float64)
    cells = np.array(
        [
            f"{format_nps(v)} (n = {format_count(c)})" if c else ""
            for v, c in zip(nps.ravel(), n.ravel(), strict=True)
        ],
        dtype=object,
    ).reshape(n.shape)
    table = pd.DataFrame(cells, index=grid.nps.index, columns=grid.nps.columns)
    table = table.rename_axis(index=None).reset_index(names=" ")
    answered = np.argwhere((n > 0) & ~np.isnan(nps))
    if not len(answered):
        return ChartText(gettext("No reviews in any cell."), table)
    values = [nps[i, j] for i, j in answered]
    (bi, bj), (wi, wj) = answered[int(np.argmax(values))], answered[int(np.argmin(values))]
    summary = gettext("Highest NPS: {best} ({best_nps}); lowest: {worst} ({worst_nps}).").format(
        best=f"{grid.nps.index[bi]} · {grid.nps.columns[bj]}",
        best_nps=format_nps(nps[bi, bj]),
        worst=f"{grid.nps.index[wi]} · {grid.nps.columns[wj]}",
        worst_nps=format_nps(nps[wi, wj]),
    )
    return ChartText(summary, table)


def segment_trend_text(lines: pd.DataFrame, granularity: str) -> ChartText:
    """One column of NPS per segment, a row per period; each segment's line in words."""
    if lines.empty:
        return ChartText(gettext("No reviews in this period."), pd.DataFrame())
    wide = lines.pivot_table(index="period", columns="segment", values="nps", sort=False)
    wide = wide[list(dict.fromkeys(lines["segment"]))]  # largest segment first
    table = pd.DataFrame({gettext("Period"): [format_period(p, granularity) for p in wide.index]})
    for segment in wide.columns:
        table[str(segment)] = [format_nps(v) for v in wide[segment]]
    latest = ", ".join(
        f"{segment} {format_nps(values.dropna().iloc[-1] if values.notna().any() else None)}"
        for segment, values in wide.items()
    )
    return ChartText(gettext("Latest NPS by segment: {values}.").format(values=latest), table)


def drivers_text(drivers: pd.DataFrame) -> ChartText:
    """The drivers (``present.segments.drivers_table``) as a table; the page says them in
    words already (``present.segments.drivers_sentence``)."""
    table = pd.DataFrame(
        {
            gettext("Segment"): drivers["segment"].tolist(),
            gettext("NPS within the segment (rate)"): [format_points(v) for v in drivers["rate"]],
            gettext("Share of responses (mix)"): [format_points(v) for v in drivers["mix"]],
            gettext("Total"): [format_points(v) for v in drivers["total"]],
        }
    )
    return ChartText("", table)
