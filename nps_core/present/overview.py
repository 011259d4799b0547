"""What the Overview page shows, as plain data: its figures and its KPI cards.

Pure (no Streamlit): every figure comes from ``nps_core.analysis`` and every number is
written by ``nps_core.present.formatting``, so the page only lays things out and the
tests check these shapes directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from nps_core.analysis.nps import SMALL_N, Comparison, NpsSummary, compare, summarize
from nps_core.analysis.segments import distribution
from nps_core.analysis.trend import trend
from nps_core.contract.models import GROUPS
from nps_core.present.filters import Period
from nps_core.present.formatting import (
    format_count,
    format_delta,
    format_interval,
    format_margin,
    format_nps,
    format_share,
    significance_text,
)
from nps_core.present.palette import GROUP_LABELS, GROUP_NAMES

__all__ = ["Kpi", "Overview", "kpis", "overview"]


@dataclass(frozen=True, eq=False)
class Overview:
    """Every figure of the Overview page for one filtered period."""

    summary: NpsSummary
    comparison: Comparison | None  # None when no comparison period is chosen
    trend: pd.DataFrame  # analysis.trend over the whole period (rolling columns if asked)
    distribution: pd.DataFrame


def overview(
    frame: pd.DataFrame,
    previous: pd.DataFrame | None,
    period: Period,
    freq: str,
    rolling: int | None = None,
) -> Overview:
    summary = summarize(frame)
    return Overview(
        summary=summary,
        comparison=None if previous is None else compare(summary, summarize(previous)),
        trend=trend(frame, freq, rolling=rolling, start=period.start, end=period.end),
        distribution=distribution(frame),
    )


@dataclass(frozen=True)
class Kpi:
    """One card of the KPI row: a big value, a line under it, and a tooltip."""

    label: str
    value: str
    caption: str
    help: str


def kpis(data: Overview, compare_label: str | None) -> list[Kpi]:
    """NPS ± margin, responses, the three shares, and the change against the comparison.

    ``compare_label`` names the comparison period's mode ("Previous period").
    """
    s = data.summary
    confidence = f"{s.confidence:.0%}"
    cards = [
        Kpi(
            "NPS",
            format_nps(s.nps),
            f"{format_margin(s.margin)} · {confidence} interval "
            f"{format_interval(s.ci_low, s.ci_high)}",
            "Share of promoters (9–10) minus share of detractors (0–6), in points. The "
            f"margin is the half-width of the {confidence} adjusted-Wald interval.",
        ),
        Kpi(
            "Responses",
            format_count(s.n),
            f"Fewer than {SMALL_N}: a rough guide only" if s.small_sample else "answered reviews",
            "Reviews with a rate in the period, under the channel and category filters.",
        ),
    ]
    for group in reversed(GROUPS):  # best first
        cards.append(
            Kpi(
                GROUP_NAMES[group],  # the label's "(9–10)" is too long for a card's title
                format_share(s.share(group)),
                f"{format_count(s.count(group))} reviews",
                f"{GROUP_LABELS[group]}: share of the period's responses.",
            )
        )
    c = data.comparison
    if c is not None and compare_label is not None:
        cards.append(
            Kpi(
                "Change",
                format_delta(c.delta),
                f"vs {compare_label.lower()}: {significance_text(c.p_value, c.significant)}",
                f"Then: NPS {format_nps(c.previous.nps)} from {format_count(c.previous.n)} "
                f"responses. Two-sided z-test at the {c.level:.0%} level on adjusted-Wald "
                "variances.",
            )
        )
    return cards
