"""What the Overview and Segments pages show, as plain data: KPI cards, tables, sentences.

Pure (no Streamlit): every figure comes from ``nps_core.analysis.metrics`` and every number is
written by ``nps_core.present.formatting``, so the pages only lay things out and the tests check
these shapes directly. Channel and category codes are shown by name where the API gave
one (``Labels``: column → code → name).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nps_core.analysis.metrics import (
    SMALL_N,
    Comparison,
    Decomposition,
    NpsSummary,
    breakdown,
    compare,
    compare_segments,
    distribution,
    summarize,
    trend,
)
from nps_core.present.filters import COMPARE_MODES, PRESETS, FilterState, Period
from nps_core.present.formatting import (
    NO_DATA,
    format_count,
    format_delta,
    format_interval,
    format_margin,
    format_nps,
    format_points,
    format_share,
    significance_text,
)
from nps_core.present.theme import GROUP_LABELS

__all__ = [
    "SEGMENTINGS",
    "Kpi",
    "Labels",
    "Overview",
    "SegmentHeatmap",
    "drivers_sentence",
    "drivers_table",
    "heatmap",
    "kpis",
    "narrowed",
    "overview",
    "scope_caption",
    "segment_label",
    "segment_table",
    "segment_trend",
]

Labels = Mapping[str, Mapping[str, str]]
# How the Segments page cuts the reviews: its choices and the columns behind each.
SEGMENTINGS: dict[str, tuple[str, ...]] = {
    "channel": ("channel",),
    "category": ("category",),
    "both": ("channel", "category"),
}
_COLUMN_TITLES = {"channel": "Channels", "category": "Categories"}


def _name(labels: Labels, column: str, code: object) -> str:
    return labels.get(column, {}).get(str(code), str(code))


def segment_label(codes: Mapping[str, object], labels: Labels) -> str:
    """ "Email survey" or "Email survey · Delivery": names joined in column order."""
    return " · ".join(_name(labels, column, code) for column, code in codes.items())


def _labels_of(frame: pd.DataFrame, by: Sequence[str], labels: Labels) -> list[str]:
    rows = frame[list(by)].astype(object).to_numpy()
    return [segment_label(dict(zip(by, row, strict=True)), labels) for row in rows]


# ------------------------------------------------------------------------ the scope


def scope_caption(
    state: FilterState, period: Period, comparison: Period | None, labels: Labels
) -> str:
    """One line naming what the page shows: period, comparison, channel/category filters."""
    parts = [f"{PRESETS[state.preset]}: {period.label()}"]
    if comparison is not None:
        parts.append(f"compared with {COMPARE_MODES[state.compare].lower()} ({comparison.label()})")
    for column, chosen in (("channel", state.channels), ("category", state.categories)):
        if chosen:
            names = ", ".join(_name(labels, column, code) for code in chosen)
            parts.append(f"{_COLUMN_TITLES[column]}: {names}")
    return " · ".join(parts)


# -------------------------------------------------------------------------- overview


@dataclass(frozen=True, eq=False)
class Overview:
    """Every figure of the Overview page for one filtered period."""

    summary: NpsSummary
    comparison: Comparison | None  # None when no comparison period is chosen
    trend: pd.DataFrame  # metrics.trend over the whole period (rolling columns if asked)
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


def kpis(data: Overview, comparison_name: str | None) -> list[Kpi]:
    """NPS ± margin, responses, the three shares, and the change against the comparison."""
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
    for group, count, share in (
        ("promoter", s.promoters, s.promoter_share),
        ("passive", s.passives, s.passive_share),
        ("detractor", s.detractors, s.detractor_share),
    ):
        label = GROUP_LABELS[group]  # "Promoters (9–10)": too long for a card's title
        cards.append(
            Kpi(
                label.split(" ")[0],
                format_share(share),
                f"{format_count(count)} reviews",
                f"{label}: share of the period's responses.",
            )
        )
    c = data.comparison
    if c is not None and comparison_name is not None:
        cards.append(
            Kpi(
                "Change",
                format_delta(c.delta),
                f"vs {comparison_name.lower()}: {significance_text(c.p_value, c.significant)}",
                f"Then: NPS {format_nps(c.previous.nps)} from {format_count(c.previous.n)} "
                f"responses. Two-sided z-test at the {c.level:.0%} level on adjusted-Wald "
                "variances.",
            )
        )
    return cards


# -------------------------------------------------------------------------- segments


def segment_table(
    current: pd.DataFrame, previous: pd.DataFrame | None, by: Sequence[str], labels: Labels
) -> pd.DataFrame:
    """One row per segment of the period, best NPS first.

    Columns: the ``by`` codes, ``segment`` (names), ``n``, ``share_percent`` of
    responses, ``nps``, ``ci_low``/``ci_high``, ``interval`` (text), ``small_sample``,
    and against the comparison: ``nps_previous``, ``delta``, ``p_holm`` (Holm-corrected across the
    segments) and ``significance`` (text). Without a comparison those are empty.
    """
    by = list(by)
    table = breakdown(current, by)
    out = table[by].astype(object)
    out.insert(0, "segment", _labels_of(table, by, labels))
    out["n"] = table["n"]
    out["share_percent"] = 100 * table["share_of_responses"]
    out["nps"] = table["nps"]
    out["ci_low"] = table["ci_low"]
    out["ci_high"] = table["ci_high"]
    out["interval"] = [
        format_interval(lo, hi) for lo, hi in zip(out.ci_low, out.ci_high, strict=True)
    ]
    out["small_sample"] = table["small_sample"]
    nan = np.full(len(out), np.nan)
    out["nps_previous"], out["delta"], out["p_holm"] = nan, nan, nan
    out["significance"] = NO_DATA
    if previous is not None and len(out):
        tests = compare_segments(current, previous, by)
        tests[by] = tests[by].astype(object)
        keyed = out[by].merge(tests, on=by, how="left")
        out["nps_previous"] = keyed["nps_previous"].to_numpy()
        out["delta"] = keyed["delta"].to_numpy()
        out["p_holm"] = keyed["p_holm"].to_numpy()
        out["significance"] = [
            NO_DATA if math.isnan(p) else significance_text(p, bool(sig))
            for p, sig in zip(keyed["p_holm"], keyed["significant"], strict=True)
        ]
    return out.reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class SegmentHeatmap:
    """NPS and n per row × column segment, rows and columns largest first, by name."""

    nps: pd.DataFrame
    n: pd.DataFrame


def heatmap(frame: pd.DataFrame, rows: str, columns: str, labels: Labels) -> SegmentHeatmap:
    cells = breakdown(frame, [rows, columns])
    for column in (rows, columns):
        cells[column] = cells[column].astype(object)
    n = cells.pivot_table(index=rows, columns=columns, values="n", aggfunc="sum", fill_value=0)
    nps = cells.pivot(index=rows, columns=columns, values="nps")
    row_codes = n.sum(axis=1).sort_values(ascending=False, kind="stable").index.tolist()
    column_codes = n.sum(axis=0).sort_values(ascending=False, kind="stable").index.tolist()
    n = n.reindex(index=row_codes, columns=column_codes).astype(np.int64)
    nps = nps.reindex(index=row_codes, columns=column_codes)
    for grid in (n, nps):
        grid.index = [_name(labels, rows, code) for code in row_codes]
        grid.columns = [_name(labels, columns, code) for code in column_codes]
    return SegmentHeatmap(nps, n)


def segment_trend(
    frame: pd.DataFrame,
    by: Sequence[str],
    freq: str,
    period: Period,
    labels: Labels,
    limit: int = 8,
) -> tuple[pd.DataFrame, int]:
    """``metrics.trend`` per segment for the ``limit`` largest segments, largest first,
    with a ``segment`` name column; and how many smaller segments were left out."""
    by = list(by)
    lines = trend(frame, freq, by=by, start=period.start, end=period.end)
    if lines.empty:
        return lines.assign(segment=pd.Series([], dtype=object)), 0
    lines = lines.assign(segment=_labels_of(lines, by, labels))
    sizes = lines.groupby("segment", sort=False)["n"].sum()
    ranked = sizes.sort_values(ascending=False, kind="stable").index[:limit]
    rank = lines["segment"].map({name: i for i, name in enumerate(ranked)})
    kept = lines.assign(rank=rank).dropna(subset=["rank"])
    kept = kept.sort_values(["rank", "period"], kind="stable").drop(columns="rank")
    return kept.reset_index(drop=True), len(sizes) - len(ranked)


# --------------------------------------------------------------------------- drivers


def drivers_table(
    decomposition: Decomposition, by: Sequence[str], labels: Labels, limit: int = 10
) -> pd.DataFrame:
    """The decomposition's largest contributors (``segment``, ``mix``, ``rate``, ``total``),
    the rest summed into one "other segments" row, in the decomposition's order."""
    rows = decomposition.segments.dropna(subset=["total"])
    table = pd.DataFrame(
        {
            "segment": _labels_of(rows, by, labels),
            "mix": rows["mix"].to_numpy(),
            "rate": rows["rate"].to_numpy(),
            "total": rows["total"].to_numpy(),
        }
    )
    if len(table) <= limit:
        return table
    rest = table.iloc[limit:]
    other = pd.DataFrame(
        {
            "segment": [f"{len(rest)} other segments"],
            "mix": [rest["mix"].sum()],
            "rate": [rest["rate"].sum()],
            "total": [rest["total"].sum()],
        }
    )
    return pd.concat([table.iloc[:limit], other], ignore_index=True)


def drivers_sentence(decomposition: Decomposition, by: Sequence[str], labels: Labels) -> str:
    """One sentence: how NPS moved, split into mix and rate, and its largest contributor."""
    d = decomposition
    if math.isnan(d.change):
        return "No comparison: one of the two periods has no reviews."
    if round(d.change) == 0:
        moved = f"NPS held at {format_nps(d.nps_current)}"
    else:
        verb = "rose" if d.change > 0 else "fell"
        moved = (
            f"NPS {verb} {abs(round(d.change)):.0f} points "
            f"({format_nps(d.nps_previous)} → {format_nps(d.nps_current)})"
        )
    split = (
        f"{format_points(d.rate)} from NPS changes within segments and "
        f"{format_points(d.mix)} from the shift in response mix"
    )
    top = d.segments.dropna(subset=["total"])
    if top.empty:
        return f"{moved}: {split}."
    first = top.iloc[0]
    name = segment_label({column: first[column] for column in by}, labels)
    source = "its own NPS" if abs(first["rate"]) >= abs(first["mix"]) else "its share of responses"
    return (
        f"{moved}: {split}. The largest contributor was {name} "
        f"({format_points(first['total'])}, mostly {source})."
    )


def narrowed(state: FilterState, codes: Mapping[str, str]) -> FilterState:
    """The filters after drilling down into a segment: its channel and/or category only."""
    changes: dict[str, object] = {}
    if "channel" in codes:
        changes["channels"] = (str(codes["channel"]),)
    if "category" in codes:
        changes["categories"] = (str(codes["category"]),)
    return state.with_(**changes)
