"""NPS per segment and per rate: breakdowns, per-segment tests, and drivers of a change.

A segment is a combination of values of the ``by`` columns (see ``nps_core.analysis.grid``);
rows with a missing ``by`` value belong to no segment and are left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nps_core.analysis.grid import by_list, count_grid, segment_codes
from nps_core.analysis.groups import (
    GROUP_DTYPE,
    RATE_TO_GROUP,
    column,
    frame_groups,
    rate_values,
)
from nps_core.analysis.nps import (
    COUNT_COLUMNS,
    SHARE_COLUMNS,
    SMALL_N,
    check_level,
    figures,
    holm_adjust,
    nps_of,
    z_test,
)

__all__ = [
    "Decomposition",
    "breakdown",
    "compare_segments",
    "decompose",
    "distribution",
]


@dataclass(frozen=True, eq=False)  # eq=False: DataFrame fields don't compare to a bool
class Decomposition:
    """Shift-share of an NPS change: `mix + rate == change` (to float rounding).

    `segments` has one row per segment: n/weight/nps for both periods, `mix`, `rate` and
    `total` (= mix + rate), sorted by |total| descending.
    """

    segments: pd.DataFrame
    nps_previous: float
    nps_current: float
    change: float
    mix: float
    rate: float


# breakdown's columns after the segment's: the figures, then its share of the responses.
_BREAKDOWN_COLUMNS = [
    "n",
    *reversed(COUNT_COLUMNS.values()),
    *reversed(SHARE_COLUMNS.values()),
    "nps",
    "ci_low",
    "ci_high",
    "margin",
]


def breakdown(
    frame: pd.DataFrame,
    by: str | Sequence[str],
    confidence: float = 0.95,
    small_n: int = SMALL_N,
    *,
    include_empty: bool = False,
) -> pd.DataFrame:
    """One row per segment, sorted by NPS descending (empty segments last).

    `share_of_responses` is the segment's share of the reviews that have a segment (rows
    with a missing `by` value are left out, so the shares sum to 1). Segments with n = 0
    are dropped unless `include_empty` (then every combination of categories appears).
    """
    names = by_list(by)
    if not names:
        raise ValueError("breakdown needs at least one `by` column")
    codes, segments = segment_codes(frame, names, observed=not include_empty)
    grid = count_grid([(codes, len(segments))], frame_groups(frame))
    values = figures(grid, confidence, small_n)
    out = segments.copy()
    for name in _BREAKDOWN_COLUMNS:
        out[name] = values[name]
    total = values["n"].sum()
    out["share_of_responses"] = values["n"] / total if total else np.nan
    out["small_sample"] = values["small_sample"]
    if not include_empty:
        out = out[out["n"] > 0]
    return out.sort_values(
        ["nps", "n"], ascending=[False, False], na_position="last", kind="stable"
    ).reset_index(drop=True)


def distribution(frame: pd.DataFrame, small_n: int = SMALL_N) -> pd.DataFrame:
    """Count and share per rate value (1..10 always, 0 only when it occurs) with its group."""
    rates = rate_values(column(frame, "rate"))
    counts = np.bincount(rates + 1, minlength=12)[1:]  # slot 0 took the invalid (−1) rows
    first = 0 if counts[0] else 1
    values = np.arange(first, 11)
    counts = counts[first:]
    n = counts.sum()
    return pd.DataFrame(
        {
            "rate": values,
            "group": pd.Categorical.from_codes(RATE_TO_GROUP[values], dtype=GROUP_DTYPE),
            "count": counts.astype(np.int64),
            "share": counts / n if n else np.full(len(values), np.nan),
            "small_sample": np.full(len(values), n < small_n),
        }
    )


_COUNTS = list(COUNT_COLUMNS.values())  # detractors, passives, promoters


def _segment_counts(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    codes, segments = segment_codes(frame, names)
    grid = count_grid([(codes, len(segments))], frame_groups(frame))
    out = segments.copy()
    for i, name in enumerate(_COUNTS):
        out[name] = grid[:, i]
    # Values go to object so frames whose categoricals differ still merge on values.
    for name in names:
        out[name] = out[name].astype(object)
    return out


def _paired_counts(
    current: pd.DataFrame, previous: pd.DataFrame, names: list[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Union of segments of both frames: (segments, current counts, previous counts)."""
    if not names:
        raise ValueError("needs at least one `by` column")
    both = pd.merge(
        _segment_counts(current, names),
        _segment_counts(previous, names),
        on=names,
        how="outer",
        suffixes=("_1", "_0"),
        sort=True,
    )
    c1 = both[[f"{name}_1" for name in _COUNTS]].fillna(0).to_numpy(np.int64)
    c0 = both[[f"{name}_0" for name in _COUNTS]].fillna(0).to_numpy(np.int64)
    segments = both[names].reset_index(drop=True)
    # Keep the frame's own categorical dtype when both sides share it.
    for name in names:
        dtype = current[name].dtype if name in current.columns else None
        if isinstance(dtype, pd.CategoricalDtype) and segments[name].isin(dtype.categories).all():
            segments[name] = segments[name].astype(dtype)
    return segments, c1, c0


def compare_segments(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    by: str | Sequence[str],
    level: float = 0.05,
    small_n: int = SMALL_N,
) -> pd.DataFrame:
    """`compare` per segment, with Holm–Bonferroni correction across the segments.

    One row per segment in either period; segments empty on one side get NaN statistics
    and are not counted as tests. `significant` is p_holm < level. Sorted by p-value.
    """
    check_level(level)
    segments, c1, c0 = _paired_counts(current, previous, by_list(by))
    delta, se, z, p, _ = z_test(c1, c0)
    p_holm = holm_adjust(p)
    n1, n0 = c1.sum(axis=1), c0.sum(axis=1)
    out = segments.copy()
    out["n_current"] = n1
    out["nps_current"] = nps_of(c1)
    out["n_previous"] = n0
    out["nps_previous"] = nps_of(c0)
    out["delta"] = delta
    out["se"] = se
    out["z"] = z
    out["p_value"] = p
    out["p_holm"] = p_holm
    out["significant"] = p_holm < level  # NaN compares False
    out["small_sample"] = (n1 < small_n) | (n0 < small_n)
    return out.sort_values("p_value", na_position="last", kind="stable").reset_index(drop=True)


def _overall_nps(counts: np.ndarray) -> float:
    return float(nps_of(counts.sum(axis=0))[0])


def decompose(
    current: pd.DataFrame, previous: pd.DataFrame, by: str | Sequence[str]
) -> Decomposition:
    """Shift-share of the NPS change into mix (weights moved) and rate (segment NPS moved).

    With w the segment's share of responses, NPS = Σ w·nps, and the symmetric (midpoint)
    split per segment is

        mix  = (w1 − w0) · (nps0 + nps1) / 2
        rate = (nps1 − nps0) · (w0 + w1) / 2

    whose sum is exactly w1·nps1 − w0·nps0. A segment absent from one period takes the
    other period's NPS there (its weight is 0, so the value only decides the split): its
    whole contribution counts as mix, and the totals still add up exactly. Rows with a
    missing `by` value are left out of both periods.
    """
    segments, c1, c0 = _paired_counts(current, previous, by_list(by))
    n1, n0 = c1.sum(axis=1), c0.sum(axis=1)
    t1, t0 = n1.sum(), n0.sum()
    nps1, nps0 = nps_of(c1), nps_of(c0)
    w1 = n1 / t1 if t1 else np.full(len(n1), np.nan)
    w0 = n0 / t0 if t0 else np.full(len(n0), np.nan)
    e1 = np.where(n1 > 0, nps1, nps0)
    e0 = np.where(n0 > 0, nps0, nps1)
    if t1 and t0:
        mix = (w1 - w0) * (e0 + e1) / 2.0
        rate = (e1 - e0) * (w0 + w1) / 2.0
    else:  # nothing to compare against: no change to split
        mix = rate = np.full(len(n1), np.nan)
    out = segments.copy()
    out["n_previous"] = n0
    out["n_current"] = n1
    out["weight_previous"] = w0
    out["weight_current"] = w1
    out["nps_previous"] = nps0
    out["nps_current"] = nps1
    out["mix"] = mix
    out["rate"] = rate
    out["total"] = mix + rate
    order = np.argsort(-np.abs(np.nan_to_num(out["total"].to_numpy(), nan=-np.inf)), kind="stable")
    total_nps1, total_nps0 = _overall_nps(c1), _overall_nps(c0)
    return Decomposition(
        segments=out.iloc[order].reset_index(drop=True),
        nps_previous=total_nps0,
        nps_current=total_nps1,
        change=total_nps1 - total_nps0,
        mix=float(np.sum(mix)) if t1 and t0 else math.nan,
        rate=float(np.sum(rate)) if t1 and t0 else math.nan,
    )
