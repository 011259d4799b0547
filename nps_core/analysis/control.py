"""Control band of the rolling NPS: has a segment's last week soured beyond chance?

For the whole shop and each channel × category segment, the *current window* is the
last ``WINDOW_DAYS`` (7) days up to and including ``last_day``, and the *baseline* the
``BASELINE_WEEKS`` (8) weeks just before it. The band's lower limit is

    L = NPS₀ − z · 100 · √(V₀ · (1/n + 1/N₀)),   V₀ = p̃₀ + d̃₀ − (p̃₀ − d̃₀)²

with NPS₀ the baseline's NPS over its N₀ answers, p̃₀ and d̃₀ its promoter and detractor
shares after the adjusted-Wald correction (0.75 promoters, 1.5 passives and 0.75
detractors added, Rocks 2016, as everywhere in ``metrics``), n the current window's
answers and z = 2.576 (the lower limit of a two-sided 99% band). V₀ is the variance of
one answer's score (−1, 0, +1), so the square root is the standard error of the
difference between a window of n answers and the baseline. A segment *leaves* the band
when its window's NPS falls below L with n ≥ 30 (and N₀ ≥ 30); it *recovers* when its
NPS is back at or above the 95% lower limit (z = 1.960) — the gap between the two is a
hysteresis, so an NPS hovering at the limit makes one episode, not one per wobble.
While n < 30 the segment's state is held (nothing opens, nothing closes).

Why this limit and not mean ± z·sd of the eight weekly NPS values: eight values estimate
a standard deviation poorly (its 99% interval runs from about 0.6 to 2.7 times the estimate), weeks of
different sizes mix different amounts of sampling noise, and a 7-day window's own noise
depends on its n, which this limit takes in directly. It is the one-sided version of the
z-test the Segments page uses (adjusted variances), so an alert agrees with what the
dashboard calls a significant drop. It counts sampling noise only: in a large segment a
small real shift can cross it, which is wanted (the segment did sour) and costs one
message per episode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

import numpy as np
import pandas as pd

from nps_core.analysis.nps import SMALL_N, nps_of, summarize
from nps_core.analysis.segments import breakdown

__all__ = [
    "BASELINE_WEEKS",
    "ENTER_Z",
    "LEAVE_Z",
    "SEGMENT_BY",
    "SHOP",
    "WINDOW_DAYS",
    "BandCheck",
    "band_checks",
    "span_needed",
]

WINDOW_DAYS = 7
BASELINE_WEEKS = 8
ENTER_Z = NormalDist().inv_cdf(0.995)
LEAVE_Z = NormalDist().inv_cdf(0.975)
SEGMENT_BY = ("channel", "category")
# The segment key of the whole shop.
SHOP = "*"
# Pseudo-answers of the adjusted-Wald correction: detractors, passives, promoters.
_ADJUST = np.array([0.75, 1.5, 0.75])


@dataclass(frozen=True)
class BandCheck:
    """One segment's current window against its baseline."""

    segment: str  # SHOP, or "channel|category" codes
    channel: str | None
    category: str | None
    n: int
    nps: float
    baseline_n: int
    baseline_nps: float
    lower: float  # the 99% lower limit: below it (with enough answers) the segment leaves
    recover: float  # the 95% lower limit: at or above it the segment has recovered

    @property
    def enough(self) -> bool:
        return self.n >= SMALL_N and self.baseline_n >= SMALL_N

    @property
    def below(self) -> bool:
        return self.enough and self.nps < self.lower

    @property
    def recovered(self) -> bool:
        return self.enough and self.nps >= self.recover


def span_needed(last_day: date) -> tuple[date, date]:
    """The days ``band_checks`` reads: the baseline's first to ``last_day``."""
    return last_day - timedelta(days=WINDOW_DAYS + 7 * BASELINE_WEEKS - 1), last_day


def _nps(counts: np.ndarray) -> float:
    """The NPS of one (d, p₀, p) count vector; NaN without answers."""
    return float(nps_of(counts)[0])


def _limit(counts0: np.ndarray, n: int, z: float) -> float:
    """NPS₀ − z·SE for a window of ``n`` answers against baseline counts (d, p₀, p)."""
    total = counts0.sum()
    if total == 0 or n == 0:
        return math.nan
    nps0 = _nps(counts0)
    adjusted = (counts0 + _ADJUST) / (total + _ADJUST.sum())
    spread = adjusted[2] + adjusted[0] - (adjusted[2] - adjusted[0]) ** 2
    return float(nps0 - z * 100.0 * math.sqrt(spread * (1.0 / n + 1.0 / total)))


def _check(
    segment: str, codes: tuple[str | None, str | None], now: np.ndarray, base: np.ndarray
) -> BandCheck:
    n, n0 = int(now.sum()), int(base.sum())
    return BandCheck(
        segment=segment,
        channel=codes[0],
        category=codes[1],
        n=n,
        nps=_nps(now),
        baseline_n=n0,
        baseline_nps=_nps(base),
        lower=_limit(base, n, ENTER_Z),
        recover=_limit(base, n, LEAVE_Z),
    )


def _counts(frame: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    if frame.empty:
        return {}
    table = breakdown(frame, list(SEGMENT_BY))
    values = table[["detractors", "passives", "promoters"]].to_numpy(np.int64)
    keys = zip(table["channel"].astype(str), table["category"].astype(str), strict=True)
    return dict(zip(keys, values, strict=True))


def _shop_counts(frame: pd.DataFrame) -> np.ndarray:
    summary = summarize(frame)
    return np.array([summary.detractors, summary.passives, summary.promoters], dtype=np.int64)


def band_checks(frame: pd.DataFrame, last_day: date) -> list[BandCheck]:
    """The whole shop and every segment with answers in the window, shop first.

    ``frame`` is a review frame covering ``span_needed(last_day)`` (more is ignored).
    """
    days = pd.to_datetime(frame["day"])
    first, _ = span_needed(last_day)
    window_start = last_day - timedelta(days=WINDOW_DAYS - 1)
    current = frame[
        ((days >= pd.Timestamp(window_start)) & (days <= pd.Timestamp(last_day))).to_numpy()
    ]
    baseline = frame[
        ((days >= pd.Timestamp(first)) & (days < pd.Timestamp(window_start))).to_numpy()
    ]
    checks = [_check(SHOP, (None, None), _shop_counts(current), _shop_counts(baseline))]
    now, base = _counts(current), _counts(baseline)
    empty = np.zeros(3, dtype=np.int64)
    for channel, category in sorted(now):
        checks.append(
            _check(
                f"{channel}|{category}",
                (channel, category),
                now[(channel, category)],
                base.get((channel, category), empty),
            )
        )
    return checks
