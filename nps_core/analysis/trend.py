"""NPS per period — day, ISO week, month or quarter — optionally per segment and rolling.

Days are integers (days since 1970-01-01); each row's period comes from a small lookup
table over the range's days instead of calendar arithmetic on every row, and the counts
of every period × segment from one bincount (``nps_core.analysis.grid``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from nps_core.analysis.grid import by_list, count_grid, segment_codes
from nps_core.analysis.groups import NOT_ANSWERED, column, frame_groups
from nps_core.analysis.nps import FIGURE_COLUMNS, SMALL_N, check_confidence, figures

__all__ = ["GRANULARITY_CODES", "trend"]

GRANULARITY_CODES: tuple[str, ...] = ("D", "W", "M", "Q")
_STEP = {"D": 1, "W": 7, "M": 1, "Q": 3}  # in days for D/W, in months for M/Q
_NAT = np.iinfo(np.int64).min
# The rolling figures: column of the trend → the figure it holds over the window.
_ROLLING = {
    "rolling_n": "n",
    "rolling_nps": "nps",
    "rolling_ci_low": "ci_low",
    "rolling_ci_high": "ci_high",
    "rolling_small_sample": "small_sample",
}

Day = date | datetime | str


def _days(frame: pd.DataFrame) -> np.ndarray:
    """Calendar day per row as int days since 1970-01-01 (NaT → int64 min).

    `day` (the fetch's local calendar day) wins over `created_at` (UTC). Tz-aware values
    use their wall-clock date in their own zone.
    """
    name = "day" if "day" in frame.columns else "created_at"
    col = column(frame, name)
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


def _day_number(value: Day) -> int:
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return int(ts.to_datetime64().astype("datetime64[D]").view(np.int64))


def _to_months(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[M]").view(np.int64)


def _period_keys(days: np.ndarray, granularity: str) -> np.ndarray:
    """Period key per day: a day number (D, W = its Monday) or a month number (M, Q)."""
    if granularity == "D":
        return days
    if granularity == "W":
        return days - (days + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
    months = _to_months(days)
    return months if granularity == "M" else months - months % 3


def _period_bounds(
    first: int, last: int, granularity: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every period touching days first..last: (keys, start day, last day)."""
    ends = np.array([first, last], dtype=np.int64)
    k0, k1 = _period_keys(ends, granularity)
    step = _STEP[granularity]
    keys = np.arange(k0, k1 + 1, step, dtype=np.int64)
    if granularity in ("D", "W"):
        return keys, keys, keys + step - 1
    starts = keys.astype("datetime64[M]").astype("datetime64[D]").view(np.int64)
    nexts = (keys + step).astype("datetime64[M]").astype("datetime64[D]").view(np.int64)
    return keys, starts, nexts - 1


def _check(granularity: str, rolling: int | None, confidence: float) -> str:
    """The granularity, upper-cased; raise ValueError on any bad argument before any work."""
    granularity = granularity.upper()
    if granularity not in GRANULARITY_CODES:
        raise ValueError(f"granularity must be one of {GRANULARITY_CODES}, got {granularity!r}")
    if rolling is not None and (
        isinstance(rolling, bool) or int(rolling) != rolling or rolling < 1
    ):
        raise ValueError(f"rolling must be a positive number of days, got {rolling!r}")
    check_confidence(confidence)
    return granularity


def _day_range(
    days: np.ndarray, groups: np.ndarray, start: Day | None, end: Day | None
) -> tuple[int, int] | None:
    """First and last day of the trend: ``start``/``end``, else the answered reviews' own."""
    seen = days[:0]
    if start is None or end is None:
        seen = days[(days != _NAT) & (groups != NOT_ANSWERED)]
    first = _day_number(start) if start is not None else (int(seen.min()) if len(seen) else None)
    last = _day_number(end) if end is not None else (int(seen.max()) if len(seen) else None)
    known = [day for day in (first, last) if day is not None]
    if not known:
        return None
    first = known[0] if first is None else first
    last = known[-1] if last is None else last
    if first > last:
        raise ValueError(f"start {start!r} is after end {end!r}")
    return first, last


@dataclass(frozen=True)
class _Calendar:
    """The periods of the range first..last, and where each row's day falls in it."""

    first: int
    last: int
    starts: np.ndarray  # first day of each period
    stops: np.ndarray  # last day of each period
    day_of: np.ndarray  # per row: day offset from `first`; span + 1 outside the range
    period_of: np.ndarray  # per row: index of its period; len(starts) outside the range

    @property
    def span(self) -> int:
        return self.last - self.first


def _calendar(days: np.ndarray, first: int, last: int, granularity: str) -> _Calendar:
    # NaT and out-of-range rows go to the left-out slot span + 1 (one unsigned comparison
    # catches both sides, wrapped NaT included).
    span = last - first
    offset = days - first
    day_of = np.where(offset.view(np.uint64) > span, span + 1, offset)
    keys, starts, stops = _period_bounds(first, last, granularity)
    # Period of each day in the range via a small lookup table instead of calendar
    # arithmetic on every row.
    in_range = first + np.arange(span + 1, dtype=np.int64)
    lut = (_period_keys(in_range, granularity) - keys[0]) // _STEP[granularity]
    period_of = np.append(lut, len(keys))[day_of]
    return _Calendar(first, last, starts, stops, day_of, period_of)


def _frame(
    starts: np.ndarray, names: list[str], segments: pd.DataFrame, grid: np.ndarray
) -> pd.DataFrame:
    """The trend's period and segment columns: every segment in every period."""
    n_periods, n_segments = grid.shape[0], grid.shape[1]
    periods = np.repeat(starts.astype("datetime64[D]"), n_segments).astype("datetime64[ns]")
    out = pd.DataFrame({"period": periods})
    if names:
        rows = np.tile(np.arange(n_segments), n_periods)
        tiled = segments.iloc[rows].reset_index(drop=True)
        for name in names:
            out[name] = tiled[name]
    return out


def _rolling_counts(
    grid: np.ndarray,
    granularity: str,
    cal: _Calendar,
    codes: np.ndarray,
    groups: np.ndarray,
    rolling: int,
) -> np.ndarray:
    """Counts of the ``rolling`` days ending on each period's last day (clipped to the
    range), per period × segment of ``grid``, as a (k, 3) array."""
    if granularity == "D":
        daily = grid
    else:
        daily = count_grid([(cal.day_of, cal.span + 1), (codes, grid.shape[1])], groups)
    cum = np.concatenate([np.zeros((1, *daily.shape[1:]), np.int64), daily.cumsum(axis=0)])
    # Window in day offsets: (stop − rolling, stop].
    stop = np.minimum(cal.stops, cal.last) - cal.first + 1
    lo = np.maximum(stop - int(rolling), 0)
    return (cum[stop] - cum[lo]).reshape(-1, 3)


def trend(
    frame: pd.DataFrame,
    granularity: str,
    by: str | Sequence[str] | None = None,
    rolling: int | None = None,
    confidence: float = 0.95,
    small_n: int = SMALL_N,
    *,
    start: Day | None = None,
    end: Day | None = None,
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
    granularity = _check(granularity, rolling, confidence)
    names = by_list(by)
    days, groups = _days(frame), frame_groups(frame)
    day_range = _day_range(days, groups, start, end)
    if day_range is None:
        return _empty_trend(frame, names, rolling)
    cal = _calendar(days, *day_range, granularity)

    if names:
        codes, segments = segment_codes(frame, names)
    else:
        codes, segments = np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=[0])
    grid = count_grid([(cal.period_of, len(cal.starts)), (codes, len(segments))], groups)
    if names:  # keep only segments with a review in the range
        kept = np.flatnonzero(grid.sum(axis=(0, 2)))
        if (
            rolling is not None and granularity != "D"
        ):  # rows onto the kept segments, for daily counts
            remap = np.full(len(segments) + 1, len(kept), dtype=np.int64)
            remap[kept] = np.arange(len(kept))  # the others have no rows in the range
            codes = remap[codes]
        grid = grid[:, kept]
        segments = segments.iloc[kept].reset_index(drop=True)

    out = _frame(cal.starts, names, segments, grid)
    values = figures(grid.reshape(-1, 3), confidence, small_n)
    for name in FIGURE_COLUMNS:
        out[name] = values[name]
    if rolling is not None:
        window = _rolling_counts(grid, granularity, cal, codes, groups, rolling)
        rolled = figures(window, confidence, small_n)
        for name, figure in _ROLLING.items():
            out[name] = rolled[figure]
    return out


def _empty_trend(frame: pd.DataFrame, names: list[str], rolling: int | None) -> pd.DataFrame:
    """No dated review and no explicit range: no periods at all, but the same columns."""
    out = pd.DataFrame({"period": pd.Series([], dtype="datetime64[ns]")})
    for name in names:
        out[name] = column(frame, name).iloc[:0].reset_index(drop=True)
    for name in FIGURE_COLUMNS:
        out[name] = pd.Series([], dtype=bool if name == "small_sample" else np.float64)
    for name in ["n", "promoters", "passives", "detractors"]:
        out[name] = out[name].astype(np.int64)
    if rolling is not None:
        for name in _ROLLING:
            out[name] = pd.Series([], dtype=np.float64)
        out["rolling_n"] = out["rolling_n"].astype(np.int64)
        out["rolling_small_sample"] = out["rolling_small_sample"].astype(bool)
    return out
