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
from nps_core.present.i18n import gettext, ngettext
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
    granularity: str,
    rolling: int | None = None,
) -> Overview:
    summary = summarize(frame)
    return Overview(
        summary=summary,
        comparison=None if previous is None else compare(summary, summarize(previous)),
        trend=trend(frame, granularity, rolling=rolling, start=period.start, end=period.end),
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
    confidence = format_share(s.confidence)
    cards = [
        Kpi(
            "NPS",
            format_nps(s.nps),
            gettext("{margin} · {confidence} interval {interval}").format(
                margin=format_margin(s.margin),
                confidence=confidence,
                interval=format_interval(s.ci_low, s.ci_high),
            ),
            gettext(
                "Share of promoters (9–10) minus share of detractors (0–6), in points. The "
                "margin is the half-width of the {confidence} adjusted-Wald interval."
            ).format(confidence=confidence),
        ),
        Kpi(
            gettext("Responses"),
            format_count(s.n),
            gettext("Fewer than {n}: a rough guide only").format(n=SMALL_N)
            if s.small_sample
            else gettext("answered reviews"),
            gettext("Reviews with a rate in the period, under the channel and category filters."),
        ),
    ]
    for group in reversed(GROUPS):  # best first
        count = s.count(group)
        cards.append(
            Kpi(
                GROUP_NAMES[group],  # the label's "(9–10)" is too long for a card's title
                format_share(s.share(group)),
                ngettext("{n} review", "{n} reviews", count).format(n=format_count(count)),
                gettext("{group}: share of the period's responses.").format(
                    group=GROUP_LABELS[group]
                ),
            )
        )
    c = data.comparison
    if c is not None and compare_label is not None:
        cards.append(
            Kpi(
                gettext("Change"),
                format_delta(c.delta),
                gettext("vs {comparison}: {significance}").format(
                    comparison=compare_label.lower(),
                    significance=significance_text(c.p_value, c.significant),
                ),
                ngettext(
                    "Then: NPS {nps} from {n} response. Two-sided z-test at the {level} level "
                    "on adjusted-Wald variances.",
                    "Then: NPS {nps} from {n} responses. Two-sided z-test at the {level} level "
                    "on adjusted-Wald variances.",
                    c.previous.n,
                ).format(
                    nps=format_nps(c.previous.nps),
                    n=format_count(c.previous.n),
                    level=format_share(c.level),
                ),
            )
        )
    return cards
