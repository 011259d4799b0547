"""NPS of a set of reviews: the score, its adjusted-Wald interval, and the z-test.

Everything works on (k, 3) arrays of detractor/passive/promoter counts, so one call
gives the figures of every segment or period at once; ``nps_of`` is the one place the
score itself is computed.

Statistics follow Rocks (2016), "Interval estimation for the net promoter score",
The American Statistician 70:365: the adjusted-Wald interval adds 0.75 promoters,
1.5 passives and 0.75 detractors before computing the variance of the difference of
two multinomial proportions. Significance tests use the same adjusted variances
(MeasuringU's NPS z-test).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from nps_core.analysis.groups import group_counts
from nps_core.contract.models import GROUPS, Group

__all__ = [
    "COUNT_COLUMNS",
    "FIGURE_COLUMNS",
    "SHARE_COLUMNS",
    "SMALL_N",
    "Comparison",
    "NpsSummary",
    "compare",
    "figures",
    "holm_adjust",
    "nps_of",
    "summarize",
    "z_test",
]

SMALL_N = 30
# The columns of a figures table that count and share each group.
COUNT_COLUMNS: dict[Group, str] = {
    "detractor": "detractors",
    "passive": "passives",
    "promoter": "promoters",
}
SHARE_COLUMNS: dict[Group, str] = {group: f"{group}_share" for group in GROUPS}
# Every column of a figures table, in the order of the trend's frame.
FIGURE_COLUMNS = [
    "n",
    *reversed(COUNT_COLUMNS.values()),
    "nps",
    "ci_low",
    "ci_high",
    "margin",
    *reversed(SHARE_COLUMNS.values()),
    "small_sample",
]


@dataclass(frozen=True)
class NpsSummary:
    """NPS of one set of reviews with its adjusted-Wald interval.

    `nps` is the plain point estimate 100·(promoters − detractors)/n; the interval is
    centred on the adjusted estimate, so it is not symmetric about `nps`. `margin` is the
    unclipped half-width z·SE·100 ("± margin of error"). With n = 0 every figure is NaN.
    """

    n: int
    promoters: int
    passives: int
    detractors: int
    promoter_share: float
    passive_share: float
    detractor_share: float
    nps: float
    ci_low: float
    ci_high: float
    margin: float
    confidence: float
    small_sample: bool

    # The fields are named as the columns of a figures table (COUNT_COLUMNS, SHARE_COLUMNS).
    def count(self, group: Group) -> int:
        """How many reviews are in ``group``."""
        return int(getattr(self, COUNT_COLUMNS[group]))

    def share(self, group: Group) -> float:
        """The share of the reviews in ``group`` (NaN when there are none)."""
        return float(getattr(self, SHARE_COLUMNS[group]))


@dataclass(frozen=True)
class Comparison:
    """Current vs previous NPS: MeasuringU / Rocks z-test on adjusted-Wald variances.

    `delta` is the raw change in NPS points (what a reader sees on the two cards); `z`,
    `p_value` and `se` (in NPS points) use the adjusted estimates, which behave better
    with small n and never give a zero variance. `ci_low`/`ci_high` bound the adjusted
    difference at confidence 1 − level. Either side empty → NaN, not significant.
    """

    current: NpsSummary
    previous: NpsSummary
    delta: float
    se: float
    z: float
    p_value: float
    significant: bool
    level: float
    ci_low: float
    ci_high: float


def nps_of(counts: np.ndarray) -> np.ndarray:
    """NPS per row of a (k, 3) count array: 100·(promoters − detractors)/n, NaN if n = 0."""
    counts = np.asarray(counts).reshape(-1, 3)
    n = counts.sum(axis=1)
    return 100.0 * (counts[:, 2] - counts[:, 0]) / np.where(n > 0, n, np.nan)


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def check_confidence(confidence: float) -> None:
    """Raise ValueError unless ``confidence`` is in (0, 1): before doing any work."""
    _z(confidence)


def _adjusted(
    p: np.ndarray, a: np.ndarray, d: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Adjusted-Wald pieces on the proportion scale: (nps_adj, Var, n_adj)."""
    n_adj = p + a + d + 3.0
    pp = (p + 0.75) / n_adj
    pd_ = (d + 0.75) / n_adj
    diff = pp - pd_
    return diff, pp + pd_ - diff * diff, n_adj


def figures(counts: np.ndarray, confidence: float, small_n: int) -> dict[str, np.ndarray]:
    """Every ``FIGURE_COLUMNS`` figure per row of a (k, 3) detractor/passive/promoter array."""
    z = _z(confidence)
    counts = np.asarray(counts, dtype=np.int64).reshape(-1, 3)
    d, a, p = (counts[:, i] for i in range(3))
    n = d + a + p
    empty = n == 0
    nf = np.where(empty, np.nan, n.astype(np.float64))
    adj, var, n_adj = _adjusted(p.astype(np.float64), a.astype(np.float64), d.astype(np.float64))
    margin = np.where(empty, np.nan, 100.0 * z * np.sqrt(var / n_adj))
    centre = 100.0 * adj
    return {
        "n": n,
        "promoters": p,
        "passives": a,
        "detractors": d,
        "nps": nps_of(counts),
        "ci_low": np.clip(centre - margin, -100.0, 100.0),
        "ci_high": np.clip(centre + margin, -100.0, 100.0),
        "margin": margin,
        "promoter_share": p / nf,
        "passive_share": a / nf,
        "detractor_share": d / nf,
        "small_sample": n < small_n,
    }


def _summary_from_counts(counts: np.ndarray, confidence: float, small_n: int) -> NpsSummary:
    f = figures(counts, confidence, small_n)
    return NpsSummary(
        n=int(f["n"][0]),
        promoters=int(f["promoters"][0]),
        passives=int(f["passives"][0]),
        detractors=int(f["detractors"][0]),
        promoter_share=float(f["promoter_share"][0]),
        passive_share=float(f["passive_share"][0]),
        detractor_share=float(f["detractor_share"][0]),
        nps=float(f["nps"][0]),
        ci_low=float(f["ci_low"][0]),
        ci_high=float(f["ci_high"][0]),
        margin=float(f["margin"][0]),
        confidence=float(confidence),
        small_sample=bool(f["small_sample"][0]),
    )


def z_test(
    c1: np.ndarray, c0: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised two-sample test between (k, 3) count arrays: (delta, se, z, p, adj_diff).

    `delta` and `se` are in NPS points; z = (adj1 − adj0) / √(Var1/n1 + Var0/n0).
    """
    c1 = np.asarray(c1, dtype=np.float64).reshape(-1, 3)
    c0 = np.asarray(c0, dtype=np.float64).reshape(-1, 3)
    empty = (c1.sum(axis=1) == 0) | (c0.sum(axis=1) == 0)
    raw = nps_of(c1) - nps_of(c0)
    adj1, var1, na1 = _adjusted(c1[:, 2], c1[:, 1], c1[:, 0])
    adj0, var0, na0 = _adjusted(c0[:, 2], c0[:, 1], c0[:, 0])
    se = np.sqrt(var1 / na1 + var0 / na0)  # always > 0 thanks to the adjustment
    z = np.where(empty, np.nan, (adj1 - adj0) / se)
    # Two-sided p = erfc(|z|/√2); one call per segment, and segments are few.
    p = np.array([math.erfc(abs(v) / math.sqrt(2.0)) for v in z], dtype=np.float64)
    nan = np.full(len(z), np.nan)
    return (
        np.where(empty, nan, raw),
        np.where(empty, nan, 100.0 * se),
        z,
        p,
        np.where(empty, nan, 100.0 * (adj1 - adj0)),
    )


def check_level(level: float) -> None:
    """Raise ValueError unless the significance ``level`` is in (0, 1)."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")


def holm_adjust(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm–Bonferroni step-down adjusted p-values (monotone, capped at 1).

    NaN p-values are not counted as tests and stay NaN.
    """
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    finite = np.flatnonzero(~np.isnan(p))
    m = len(finite)
    if m == 0:
        return out
    order = finite[np.argsort(p[finite], kind="stable")]
    stepped = (m - np.arange(m)) * p[order]
    out[order] = np.minimum(np.maximum.accumulate(stepped), 1.0)
    return out


def summarize(frame: pd.DataFrame, confidence: float = 0.95, small_n: int = SMALL_N) -> NpsSummary:
    """NPS, counts, shares and the adjusted-Wald interval of every answered review."""
    return _summary_from_counts(group_counts(frame), confidence, small_n)


def _counts_of(x: pd.DataFrame | NpsSummary) -> np.ndarray:
    if isinstance(x, NpsSummary):
        return np.array([x.count(group) for group in GROUPS], dtype=np.int64)
    return group_counts(x)


def _summary_of(
    x: pd.DataFrame | NpsSummary, counts: np.ndarray, confidence: float, small_n: int
) -> NpsSummary:
    return x if isinstance(x, NpsSummary) else _summary_from_counts(counts, confidence, small_n)


def compare(
    current: pd.DataFrame | NpsSummary,
    previous: pd.DataFrame | NpsSummary,
    level: float = 0.05,
    confidence: float = 0.95,
    small_n: int = SMALL_N,
) -> Comparison:
    """Is the current NPS different from the previous one? Two-sided z-test.

    Accepts frames or already computed summaries (the dashboard has them anyway).
    """
    check_level(level)
    c1, c0 = _counts_of(current), _counts_of(previous)
    delta, se, z, p, adj = (float(v[0]) for v in z_test(c1, c0))
    half = NormalDist().inv_cdf(1.0 - level / 2.0) * se
    return Comparison(
        current=_summary_of(current, c1, confidence, small_n),
        previous=_summary_of(previous, c0, confidence, small_n),
        delta=delta,
        se=se,
        z=z,
        p_value=p,
        significant=bool(p < level),  # NaN < level is False
        level=float(level),
        ci_low=max(adj - half, -200.0) if adj == adj else math.nan,
        ci_high=min(adj + half, 200.0) if adj == adj else math.nan,
    )
