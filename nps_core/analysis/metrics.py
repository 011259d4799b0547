"""NPS figures on a review frame: intervals, trends, breakdowns, tests and drivers.

Everything here is a pure function of a pandas DataFrame shaped like the review frame
(see docs/ARCHITECTURE.md); only `rate` is required, plus `day`/`created_at` for trends
and the `by` columns for segments. The heavy lifting is one `np.bincount` over integer
codes (group, segment, period), so a million reviews costs a few passes over int arrays.

Statistics follow Rocks (2016), "Interval estimation for the net promoter score",
The American Statistician 70:365: the adjusted-Wald interval adds 0.75 promoters,
1.5 passives and 0.75 detractors before computing the variance of the difference of
two multinomial proportions. Significance tests use the same adjusted variances
(MeasuringU's NPS z-test).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from nps_core.contract.models import GROUPS, RATE_GROUP

__all__ = [
    "FREQS",
    "GROUPS",
    "GROUP_DTYPE",
    "SMALL_N",
    "Comparison",
    "Decomposition",
    "NpsSummary",
    "breakdown",
    "compare",
    "compare_segments",
    "decompose",
    "distribution",
    "groups_of",
    "holm_adjust",
    "summarize",
    "trend",
]

GROUP_DTYPE = pd.CategoricalDtype(list(GROUPS), ordered=True)
SMALL_N = 30
FREQS: tuple[str, ...] = ("D", "W", "M", "Q")

# Group codes used internally; 3 is a "trash" bucket for unanswered or invalid rates, so
# bad rows fall out of a bincount without a separate filtering pass.
_TRASH = 3
_RATE_TO_GROUP = np.array(RATE_GROUP, dtype=np.int8)  # index = rate 0..10

# Above this many possible label combinations, observed segments are found by sorting
# instead of a dense bincount over every combination.
_DENSE_LIMIT = 1 << 22

_FIGURE_COLUMNS = [
    "n",
    "promoters",
    "passives",
    "detractors",
    "nps",
    "ci_low",
    "ci_high",
    "margin",
    "promoter_share",
    "passive_share",
    "detractor_share",
    "small_sample",
]


# --------------------------------------------------------------------------- values


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


# --------------------------------------------------------------------- classification


def groups_of(rate: Any) -> Any:
    """Vendor bands: 0–6 detractor, 7–8 passive, 9–10 promoter.

    A scalar gives the group name (None for a missing or invalid rate); an array gives an
    ordered Categorical, a Series a Series of it on the same index.
    """
    if np.ndim(rate) == 0:
        code = int(_group_codes(pd.Series([rate], dtype=object))[0])
        return None if code == _TRASH else GROUPS[code]
    series = rate if isinstance(rate, pd.Series) else pd.Series(np.asarray(rate))
    codes = _group_codes(series)
    cat = pd.Categorical.from_codes(np.where(codes == _TRASH, -1, codes), dtype=GROUP_DTYPE)
    if isinstance(rate, pd.Series):
        return pd.Series(cat, index=rate.index, name="group")
    return cat


def _rate_values(rate: pd.Series) -> np.ndarray:
    """Rates as int64 in 0..10, or -1 where missing, fractional or out of range."""
    if isinstance(rate.dtype, np.dtype) and rate.dtype.kind in "iu":
        values = rate.to_numpy()
        # Fast path (the review frame's int8): no float round trip when all are valid.
        if len(values) == 0 or (values.min() >= 0 and values.max() <= 10):
            return values.astype(np.int64, copy=False)
    r = pd.to_numeric(rate, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = (r >= 0) & (r <= 10) & (r == np.floor(r))
    return np.where(ok, np.nan_to_num(r), -1).astype(np.int64)


def _group_codes(rate: pd.Series) -> np.ndarray:
    values = _rate_values(rate)
    lut = np.append(_RATE_TO_GROUP, np.int8(_TRASH))  # index -1 → trash
    return lut[values]


def _frame_groups(frame: pd.DataFrame) -> np.ndarray:
    """Group code per row (0..2, or 3 = not answered): `group` if present, else `rate`."""
    if "group" in frame.columns:
        group = frame["group"]
        if isinstance(group.dtype, pd.CategoricalDtype):
            # Map the column's own categories onto ours once; codes −1 hit the trailing trash slot.
            cats = [str(c) for c in group.dtype.categories]
            remap = np.array([GROUPS.index(c) if c in GROUPS else _TRASH for c in cats] + [_TRASH])
            codes = remap.astype(np.int8)[group.cat.codes.to_numpy()]
        else:
            raw = pd.Categorical(group.astype(object), categories=list(GROUPS)).codes
            codes = np.where(raw < 0, _TRASH, raw).astype(np.int8)
        if "rate" in frame.columns:
            holes = codes == _TRASH
            if holes.any():
                codes = np.where(holes, _group_codes(frame["rate"]), codes)
        return codes
    return _group_codes(_column(frame, "rate"))


def _column(frame: pd.DataFrame, name: Hashable) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    if len(frame) == 0:  # a bare empty frame is still "no reviews", not an error
        return pd.Series([], dtype=object)
    raise KeyError(f"review frame has no {name!r} column")


# ------------------------------------------------------------------------ statistics


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _adjusted(
    p: np.ndarray, a: np.ndarray, d: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Adjusted-Wald pieces on the proportion scale: (nps_adj, Var, n_adj)."""
    n_adj = p + a + d + 3.0
    pp = (p + 0.75) / n_adj
    pd_ = (d + 0.75) / n_adj
    diff = pp - pd_
    return diff, pp + pd_ - diff * diff, n_adj


def _figures(counts: np.ndarray, confidence: float, small_n: int) -> dict[str, np.ndarray]:
    """Every per-row figure from a (k, 3) array of detractor/passive/promoter counts."""
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
        "nps": 100.0 * (p - d) / nf,
        "ci_low": np.clip(centre - margin, -100.0, 100.0),
        "ci_high": np.clip(centre + margin, -100.0, 100.0),
        "margin": margin,
        "promoter_share": p / nf,
        "passive_share": a / nf,
        "detractor_share": d / nf,
        "small_sample": n < small_n,
    }


def _summary_from_counts(counts: np.ndarray, confidence: float, small_n: int) -> NpsSummary:
    f = _figures(counts, confidence, small_n)
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


def _z_test(
    c1: np.ndarray, c0: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised two-sample test between (k, 3) count arrays: (delta, se, z, p, adj_diff).

    `delta` and `se` are in NPS points; z = (adj1 − adj0) / √(Var1/n1 + Var0/n0).
    """
    c1 = np.asarray(c1, dtype=np.float64).reshape(-1, 3)
    c0 = np.asarray(c0, dtype=np.float64).reshape(-1, 3)
    n1, n0 = c1.sum(axis=1), c0.sum(axis=1)
    empty = (n1 == 0) | (n0 == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = 100.0 * ((c1[:, 2] - c1[:, 0]) / n1 - (c0[:, 2] - c0[:, 0]) / n0)
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


# -------------------------------------------------------------------------- segments


def _by_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    names = [by] if isinstance(by, str) else list(by)
    if len(set(names)) != len(names):
        raise ValueError(f"repeated column in by={names!r}")
    return names


def _segments(
    frame: pd.DataFrame, by: list[str], *, observed: bool = True
) -> tuple[np.ndarray, pd.DataFrame]:
    """Code each row by its combination of `by` values.

    Returns (codes, labels): codes index rows of `labels` (one column per `by` name, in
    category / sorted order); a row with any value missing gets len(labels), the trash
    slot of `_count_grid` (left out, as pandas' groupby does). `observed=False` keeps
    every combination of categories.
    """
    n = len(frame)
    combined = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool)
    sizes: list[int] = []
    decoders: list[Any] = []
    total = 1
    for i, name in enumerate(by):
        col = _column(frame, name)
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy().astype(np.int64)
            dtype = col.dtype
            size = len(dtype.categories)
            decoders.append(lambda c, dtype=dtype: pd.Categorical.from_codes(c, dtype=dtype))
        else:
            codes, uniques = pd.factorize(col, sort=True)
            codes = codes.astype(np.int64)
            size = len(uniques)
            decoders.append(lambda c, u=uniques: np.asarray(u.take(c)))
        missing = codes < 0 if i == 0 else missing | (codes < 0)
        combined = codes if i == 0 else combined * size + codes
        sizes.append(size)
        total *= size
        if total > 1 << 62:
            raise ValueError(f"too many combinations of {by!r} to segment")
    if missing.any():
        combined = np.where(missing, total, combined)  # one past every real combination

    if total == 0:
        keys = np.zeros(0, dtype=np.int64)
        seg = np.zeros(n, dtype=np.int64)  # every row is trash (slot 0 of 0 segments)
    elif not observed:
        keys = np.arange(total, dtype=np.int64)
        seg = combined
    elif total <= _DENSE_LIMIT:
        keys = np.flatnonzero(np.bincount(combined, minlength=total + 1)[:total])
        remap = np.full(total + 1, len(keys), dtype=np.int64)
        remap[keys] = np.arange(len(keys))
        seg = remap[combined]
    else:  # a huge label space: sort instead of a dense table
        keys = np.unique(combined)
        keys = keys[keys < total]
        seg = np.searchsorted(keys, combined)  # missing (= total) lands on len(keys)

    labels: dict[str, Any] = {}
    rest = keys.copy()
    for name, size, decode in reversed(list(zip(by, sizes, decoders, strict=True))):
        labels[name] = decode(rest % size if size else rest)
        rest = rest // size if size else rest
    return seg, pd.DataFrame({name: labels[name] for name in by})


def _count_grid(keys: list[tuple[np.ndarray, int]], bands: np.ndarray) -> np.ndarray:
    """Counts over a dense grid of codes: shape (*sizes, 3).

    Each key is (codes, size) with codes in 0..size, where `size` itself is a trash slot
    (missing segment, day out of range); trash slots and group 3 are sliced away after
    one bincount, so no row filtering pass is needed.
    """
    flat: np.ndarray | None = None
    shape = []
    for codes, size in keys:
        flat = codes if flat is None else flat * (size + 1) + codes
        shape.append(size + 1)
    flat = bands if flat is None else flat * 4 + bands
    grid = np.bincount(flat, minlength=math.prod(shape) * 4).reshape([*shape, 4])
    return grid[(*(slice(0, s - 1) for s in shape), slice(0, 3))]


# ------------------------------------------------------------------------- summaries


def summarize(frame: pd.DataFrame, confidence: float = 0.95, small_n: int = SMALL_N) -> NpsSummary:
    """NPS, counts, shares and the adjusted-Wald interval of every answered review."""
    counts = np.bincount(_frame_groups(frame), minlength=4)[:3]
    return _summary_from_counts(counts, confidence, small_n)


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
    names = _by_list(by)
    if not names:
        raise ValueError("breakdown needs at least one `by` column")
    seg, labels = _segments(frame, names, observed=not include_empty)
    grid = _count_grid([(seg, len(labels))], _frame_groups(frame))
    figures = _figures(grid, confidence, small_n)
    out = labels.copy()
    for column in [
        "n",
        "promoters",
        "passives",
        "detractors",
        "promoter_share",
        "passive_share",
        "detractor_share",
        "nps",
        "ci_low",
        "ci_high",
        "margin",
    ]:
        out[column] = figures[column]
    total = figures["n"].sum()
    out["share_of_responses"] = figures["n"] / total if total else np.nan
    out["small_sample"] = figures["small_sample"]
    if not include_empty:
        out = out[out["n"] > 0]
    return out.sort_values(
        ["nps", "n"], ascending=[False, False], na_position="last", kind="stable"
    ).reset_index(drop=True)


def distribution(frame: pd.DataFrame, small_n: int = SMALL_N) -> pd.DataFrame:
    """Count and share per rate value (1..10 always, 0 only when it occurs) with its group."""
    rates = _rate_values(_column(frame, "rate"))
    counts = np.bincount(rates + 1, minlength=12)[1:]  # slot 0 took the invalid (−1) rows
    first = 0 if counts[0] else 1
    values = np.arange(first, 11)
    counts = counts[first:]
    n = counts.sum()
    return pd.DataFrame(
        {
            "rate": values,
            "group": pd.Categorical.from_codes(_RATE_TO_GROUP[values], dtype=GROUP_DTYPE),
            "count": counts.astype(np.int64),
            "share": counts / n if n else np.full(len(values), np.nan),
            "small_sample": np.full(len(values), n < small_n),
        }
    )


# ---------------------------------------------------------------------------- trends


def _days(frame: pd.DataFrame) -> np.ndarray:
    """Calendar day per row as int days since 1970-01-01 (NaT → int64 min).

    `day` (the fetch's local calendar day) wins over `created_at` (UTC). Tz-aware values
    use their wall-clock date in their own zone.
    """
    name = "day" if "day" in frame.columns else "created_at"
    col = _column(frame, name)
    if col.dtype == object:
        # Python `date` objects: Arrow converts them ~2x faster than pd.to_datetime.
        try:
            dates = pa.array(col.to_numpy(), type=pa.date32(), from_pandas=True)
            return dates.to_numpy(zero_copy_only=False).astype("datetime64[D]").view(np.int64)
        except (pa.ArrowException, TypeError, ValueError):
            pass  # strings or mixed objects: let pandas parse them
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_localize(None)
    elif not (isinstance(col.dtype, np.dtype) and col.dtype.kind == "M"):
        col = pd.to_datetime(col)  # Arrow dates, strings
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            col = col.dt.tz_localize(None)
    return col.to_numpy().astype("datetime64[D]").view(np.int64)


_NAT = np.iinfo(np.int64).min


def _day_number(value: Any) -> int:
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return int(ts.to_datetime64().astype("datetime64[D]").view(np.int64))


def _to_months(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").view(np.int64)


_STEP = {"D": 1, "W": 7, "M": 1, "Q": 3}  # in days for D/W, in months for M/Q


def _period_keys(days: np.ndarray, freq: str) -> np.ndarray:
    """Period key per day: a day number (D, W = its Monday) or a month number (M, Q)."""
    if freq == "D":
        return days
    if freq == "W":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
    months = _to_months(days)
    return months if freq == "M" else months - months % 3


def _period_bounds(first: int, last: int, freq: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every period touching days first..last: (keys, start day, last day)."""
    ends = np.array([first, last], dtype=np.int64)
    k0, k1 = _period_keys(ends, freq)
    step = _STEP[freq]
    keys = np.arange(k0, k1 + 1, step, dtype=np.int64)
    if freq in ("D", "W"):
        return keys, keys, keys + step - 1
    starts = keys.astype("datetime64[M]").astype("datetime64[D]").view(np.int64)
    nexts = (keys + step).astype("datetime64[M]").astype("datetime64[D]").view(np.int64)
    return keys, starts, nexts - 1


def trend(
    frame: pd.DataFrame,
    freq: str,
    by: str | Sequence[str] | None = None,
    rolling: int | None = None,
    confidence: float = 0.95,
    small_n: int = SMALL_N,
    *,
    start: date | datetime | str | None = None,
    end: date | datetime | str | None = None,
) -> pd.DataFrame:
    """NPS per period (`"D"`, `"W"` ISO weeks from Monday, `"M"`, `"Q"`), optionally per `by`.

    Every period from the first to the last day — or from `start` to `end`, inclusive,
    when given; rows outside are ignored — is present, with n = 0 and NaN figures when
    empty, and each segment seen in that span appears in every period, so charts show
    gaps honestly. `period` is the period's first day (naive Timestamp).

    `rolling=k` adds rolling_n / rolling_nps / rolling_ci_low / rolling_ci_high /
    rolling_small_sample: the reviews of the k days ending on the period's last day (or
    on the range's last day, for a final partial period), from daily counts.
    """
    freq = freq.upper()
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {FREQS}, got {freq!r}")
    if rolling is not None and (
        isinstance(rolling, bool) or int(rolling) != rolling or rolling < 1
    ):
        raise ValueError(f"rolling must be a positive number of days, got {rolling!r}")
    names = _by_list(by)
    _z(confidence)  # validate before doing any work

    days = _days(frame)
    bands = _frame_groups(frame)
    if start is None or end is None:
        seen = days[(days != _NAT) & (bands != _TRASH)]
    first = _day_number(start) if start is not None else (int(seen.min()) if len(seen) else None)
    last = _day_number(end) if end is not None else (int(seen.max()) if len(seen) else None)
    if first is None and last is None:
        return _empty_trend(frame, names, rolling)
    first = last if first is None else first
    last = first if last is None else last
    if first > last:
        raise ValueError(f"start {start!r} is after end {end!r}")

    # Day offset from `first`; NaT and out-of-range rows go to the trash slot span + 1
    # (one unsigned comparison catches both sides, wrapped NaT included).
    span = last - first
    offset = days - first
    day_of = np.where(offset.view(np.uint64) > span, span + 1, offset)
    keys, starts, stops = _period_bounds(first, last, freq)
    # Period of each day in the range via a small lookup table instead of calendar
    # arithmetic on every row.
    step = _STEP[freq]
    lut = (_period_keys(first + np.arange(span + 1, dtype=np.int64), freq) - keys[0]) // step
    period_of = np.append(lut, len(keys))[day_of]

    if names:
        seg, labels = _segments(frame, names)
    else:
        seg, labels = np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=[0])
    n_all = len(labels)
    grid = _count_grid([(period_of, len(keys)), (seg, n_all)], bands)
    if names:  # keep only segments with a review in the range
        kept = np.flatnonzero(grid.sum(axis=(0, 2)))
        grid = grid[:, kept]
        labels = labels.iloc[kept].reset_index(drop=True)
    n_periods, n_segs = grid.shape[0], grid.shape[1]

    out = pd.DataFrame(
        {"period": np.repeat(starts.astype("datetime64[D]"), n_segs).astype("datetime64[ns]")}
    )
    if names:
        tiled = labels.iloc[np.tile(np.arange(n_segs), n_periods)].reset_index(drop=True)
        for name in names:
            out[name] = tiled[name]
    figures = _figures(grid.reshape(-1, 3), confidence, small_n)
    for column in _FIGURE_COLUMNS:
        out[column] = figures[column]

    if rolling is not None:
        if freq == "D":
            daily = grid
        else:
            if names:  # renumber segments onto the kept ones (others have no rows here)
                remap = np.full(n_all + 1, n_segs, dtype=np.int64)
                remap[kept] = np.arange(n_segs)
                seg = remap[seg]
            daily = _count_grid([(day_of, span + 1), (seg, n_segs)], bands)
        cum = np.concatenate([np.zeros((1, *daily.shape[1:]), np.int64), daily.cumsum(axis=0)])
        # Window in day offsets: (stop − rolling, stop], stop = the period's last day,
        # clipped to the range.
        stop = np.minimum(stops, last) - first + 1
        lo = np.maximum(stop - int(rolling), 0)
        window = (cum[stop] - cum[lo]).reshape(-1, 3)
        rolled = _figures(window, confidence, small_n)
        out["rolling_n"] = rolled["n"]
        out["rolling_nps"] = rolled["nps"]
        out["rolling_ci_low"] = rolled["ci_low"]
        out["rolling_ci_high"] = rolled["ci_high"]
        out["rolling_small_sample"] = rolled["small_sample"]
    return out


_ROLLING_COLUMNS = [
    "rolling_n",
    "rolling_nps",
    "rolling_ci_low",
    "rolling_ci_high",
    "rolling_small_sample",
]


def _empty_trend(frame: pd.DataFrame, names: list[str], rolling: int | None) -> pd.DataFrame:
    """No dated review and no explicit range: no periods at all, but the same columns."""
    out = pd.DataFrame({"period": pd.Series([], dtype="datetime64[ns]")})
    for name in names:
        col = _column(frame, name)
        out[name] = col.iloc[:0].reset_index(drop=True)
    for column in _FIGURE_COLUMNS:
        out[column] = pd.Series([], dtype=bool if column == "small_sample" else np.float64)
    for column in ["n", "promoters", "passives", "detractors"]:
        out[column] = out[column].astype(np.int64)
    if rolling is not None:
        for column in _ROLLING_COLUMNS:
            out[column] = pd.Series([], dtype=np.float64)
        out["rolling_n"] = out["rolling_n"].astype(np.int64)
        out["rolling_small_sample"] = out["rolling_small_sample"].astype(bool)
    return out


# ------------------------------------------------------------------------ comparisons


def _counts_of(x: pd.DataFrame | NpsSummary) -> np.ndarray:
    if isinstance(x, NpsSummary):
        return np.array([x.detractors, x.passives, x.promoters], dtype=np.int64)
    return np.bincount(_frame_groups(x), minlength=4)[:3]


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
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    c1, c0 = _counts_of(current), _counts_of(previous)
    s1 = (
        current
        if isinstance(current, NpsSummary)
        else _summary_from_counts(c1, confidence, small_n)
    )
    s0 = (
        previous
        if isinstance(previous, NpsSummary)
        else _summary_from_counts(c0, confidence, small_n)
    )
    delta, se, z, p, adj = (float(v[0]) for v in _z_test(c1, c0))
    half = NormalDist().inv_cdf(1.0 - level / 2.0) * se
    return Comparison(
        current=s1,
        previous=s0,
        delta=delta,
        se=se,
        z=z,
        p_value=p,
        significant=bool(p < level),  # NaN < level is False
        level=float(level),
        ci_low=max(adj - half, -200.0) if adj == adj else math.nan,
        ci_high=min(adj + half, 200.0) if adj == adj else math.nan,
    )


def _segment_counts(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    seg, labels = _segments(frame, names)
    grid = _count_grid([(seg, len(labels))], _frame_groups(frame))
    out = labels.copy()
    out["detractors"], out["passives"], out["promoters"] = grid[:, 0], grid[:, 1], grid[:, 2]
    # Labels go to object so frames whose categoricals differ still merge on values.
    for name in names:
        out[name] = out[name].astype(object)
    return out


def _paired_counts(
    current: pd.DataFrame, previous: pd.DataFrame, names: list[str]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Union of segments of both frames: (labels, current counts, previous counts)."""
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
    bands = ["detractors", "passives", "promoters"]
    c1 = both[[f"{b}_1" for b in bands]].fillna(0).to_numpy(np.int64)
    c0 = both[[f"{b}_0" for b in bands]].fillna(0).to_numpy(np.int64)
    labels = both[names].reset_index(drop=True)
    # Keep the frame's own categorical dtype when both sides share it.
    for name in names:
        dtype = current[name].dtype if name in current.columns else None
        if isinstance(dtype, pd.CategoricalDtype) and labels[name].isin(dtype.categories).all():
            labels[name] = labels[name].astype(dtype)
    return labels, c1, c0


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
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    names = _by_list(by)
    labels, c1, c0 = _paired_counts(current, previous, names)
    delta, se, z, p, _ = _z_test(c1, c0)
    p_holm = holm_adjust(p)
    n1, n0 = c1.sum(axis=1), c0.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        nps1 = np.where(n1 > 0, 100.0 * (c1[:, 2] - c1[:, 0]) / np.maximum(n1, 1), np.nan)
        nps0 = np.where(n0 > 0, 100.0 * (c0[:, 2] - c0[:, 0]) / np.maximum(n0, 1), np.nan)
    out = labels.copy()
    out["n_current"] = n1
    out["nps_current"] = nps1
    out["n_previous"] = n0
    out["nps_previous"] = nps0
    out["delta"] = delta
    out["se"] = se
    out["z"] = z
    out["p_value"] = p
    out["p_holm"] = p_holm
    out["significant"] = p_holm < level  # NaN compares False
    out["small_sample"] = (n1 < small_n) | (n0 < small_n)
    return out.sort_values("p_value", na_position="last", kind="stable").reset_index(drop=True)


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
    names = _by_list(by)
    labels, c1, c0 = _paired_counts(current, previous, names)
    n1, n0 = c1.sum(axis=1), c0.sum(axis=1)
    t1, t0 = n1.sum(), n0.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        nps1 = 100.0 * (c1[:, 2] - c1[:, 0]) / np.where(n1 > 0, n1, np.nan)
        nps0 = 100.0 * (c0[:, 2] - c0[:, 0]) / np.where(n0 > 0, n0, np.nan)
        w1 = n1 / t1 if t1 else np.full(len(n1), np.nan)
        w0 = n0 / t0 if t0 else np.full(len(n0), np.nan)
    e1 = np.where(n1 > 0, nps1, nps0)
    e0 = np.where(n0 > 0, nps0, nps1)
    if t1 and t0:
        mix = (w1 - w0) * (e0 + e1) / 2.0
        rate = (e1 - e0) * (w0 + w1) / 2.0
    else:  # nothing to compare against: no change to split
        mix = rate = np.full(len(n1), np.nan)
    out = labels.copy()
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
    out = out.iloc[order].reset_index(drop=True)
    total_nps1 = float(100.0 * (c1[:, 2].sum() - c1[:, 0].sum()) / t1) if t1 else math.nan
    total_nps0 = float(100.0 * (c0[:, 2].sum() - c0[:, 0].sum()) / t0) if t0 else math.nan
    return Decomposition(
        segments=out,
        nps_previous=total_nps0,
        nps_current=total_nps1,
        change=total_nps1 - total_nps0,
        mix=float(np.sum(mix)) if t1 and t0 else math.nan,
        rate=float(np.sum(rate)) if t1 and t0 else math.nan,
    )
