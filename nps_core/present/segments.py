"""What the Segments page shows, as plain data: its table, heatmap, lines and drivers.

Pure (no Streamlit): every figure comes from ``nps_core.analysis`` and every number is
written by ``nps_core.present.formatting``; segments are named by
``nps_core.present.labels``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nps_core.analysis.segments import Decomposition, breakdown, compare_segments
from nps_core.analysis.trend import trend
from nps_core.present.filters import Period
from nps_core.present.formatting import (
    NO_DATA,
    format_interval,
    format_nps,
    format_points,
    significance_text,
)
from nps_core.present.i18n import gettext, ngettext
from nps_core.present.labels import Labels, name_of, segment_label, segment_labels

__all__ = [
    "SEGMENTINGS",
    "SegmentHeatmap",
    "drivers_sentence",
    "drivers_table",
    "heatmap",
    "segment_table",
    "segment_trend",
]

# How the Segments page cuts the reviews: its choices and the columns behind each.
SEGMENTINGS: dict[str, tuple[str, ...]] = {
    "channel": ("channel",),
    "category": ("category",),
    "both": ("channel", "category"),
}


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
    out.insert(0, "segment", segment_labels(table, by, labels))
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
        grid.index = [name_of(labels, rows, code) for code in row_codes]
        grid.columns = [name_of(labels, columns, code) for code in column_codes]
    return SegmentHeatmap(nps, n)


def segment_trend(
    frame: pd.DataFrame,
    by: Sequence[str],
    granularity: str,
    period: Period,
    labels: Labels,
    limit: int = 8,
) -> tuple[pd.DataFrame, int]:
    """``analysis.trend`` per segment for the ``limit`` largest segments, largest first,
    with a ``segment`` name column; and how many smaller segments were left out."""
    by = list(by)
    lines = trend(frame, granularity, by=by, start=period.start, end=period.end)
    if lines.empty:
        return lines.assign(segment=pd.Series([], dtype=object)), 0
    lines = lines.assign(segment=segment_labels(lines, by, labels))
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
            "segment": segment_labels(rows, by, labels),
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
            "segment": [
                ngettext("{n} other segment", "{n} other segments", len(rest)).format(n=len(rest))
            ],
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
        return gettext("No comparison: one of the two periods has no reviews.")
    points = abs(round(d.change))
    then_now = {"before": format_nps(d.nps_previous), "now": format_nps(d.nps_current)}
    if points == 0:
        moved = gettext("NPS held at {now}").format(**then_now)
    elif d.change > 0:
        moved = ngettext(
            "NPS rose {n} point ({before} → {now})",
            "NPS rose {n} points ({before} → {now})",
            points,
        ).format(n=points, **then_now)
    else:
        moved = ngettext(
            "NPS fell {n} point ({before} → {now})",
            "NPS fell {n} points ({before} → {now})",
            points,
        ).format(n=points, **then_now)
    split = gettext(
        "{rate} from NPS changes within segments and {mix} from the shift in response mix"
    ).format(rate=format_points(d.rate), mix=format_points(d.mix))
    top = d.segments.dropna(subset=["total"])
    if top.empty:
        return f"{moved}: {split}."
    first = top.iloc[0]
    name = segment_label({column: first[column] for column in by}, labels)
    message = (
        gettext("The largest contributor was {segment} ({points}, mostly its own NPS).")
        if abs(first["rate"]) >= abs(first["mix"])
        else gettext(
            "The largest contributor was {segment} ({points}, mostly its share of responses)."
        )
    )
    return f"{moved}: {split}. " + message.format(
        segment=name, points=format_points(first["total"])
    )
