"""Every review of a period, despite the API's cap of 1000 reviews per call.

The API has no pagination and leaves open whether ``date_to`` is inclusive, which time
zone draws a day's boundary, which reviews a capped answer drops, and (on old
deployments) whether a review carries a date at all. This module plans request windows
so that none of that changes the result:

* Windows are padded by a day on each side and reviews are kept by ``created_at``, so
  neither the ``date_to`` rule nor the server's day boundary matters; duplicates from
  overlapping windows are dropped by ``id``.
* A window whose answer reaches the cap is split: into shorter spans of days (sized from
  the density the capped answer showed), then one day by channel, then by category. A
  day × channel × category still at the cap is reported in ``ReviewSet.truncated``:
  never dropped silently.
* Legacy servers (no ``created_at``) are read one day per request so each review gets
  its day from the window it came in; the ``date_to`` rule is probed once and remembered.
* Closed days (older than two days in UTC) fetched whole are kept in a ``ReviewCache``
  and never asked for again; when the API fails the last good copy is served, marked
  stale. Auth errors are never masked.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nps_core.contract.errors import AuthError, NpsApiError
from nps_core.contract.models import GROUPS, RATE_GROUP
from nps_core.data.cache import EPOCH_ORDINAL, STORE_SCHEMA, ReviewCache, StoredDays, keep_rows
from nps_core.data.client import NpsClient

__all__ = ["ReviewSet", "Truncation", "empty_frame", "fetch_reviews", "source_key"]

PAGE_LIMIT = 1000
# A quarter in one call when the shop is small enough.
MAX_WINDOW_DAYS = 92
# Days younger than this (in UTC) may still receive reviews: never cached as complete.
OPEN_DAYS = 3
# A settled day (closed, cut by the cap at the finest split) is asked again this often.
SETTLED_RECHECK = timedelta(hours=1)
# Split capped windows so each piece is expected to hold this share of the cap.
TARGET_FILL = 0.7

Progress = Callable[[int, int], None]

# Rate → group code (detractor 0, passive 1, promoter 2) for rates 0..10.
_GROUP_CODES = np.array(RATE_GROUP, dtype=np.int8)
_STRING = pd.StringDtype("pyarrow")


@dataclass(frozen=True)
class Truncation:
    """A finest-grained window that still hit the cap: some reviews are missing."""

    day: date
    channel: str | None
    category: str | None
    returned: int


@dataclass(frozen=True, eq=False)
class ReviewSet:
    """The reviews of a period and what is known about their completeness."""

    frame: pd.DataFrame
    start: date
    end: date
    tz: str
    complete: bool
    truncated: tuple[Truncation, ...] = ()
    stale: bool = False
    error: NpsApiError | None = None
    fetched_at: datetime | None = None
    requests: int = 0
    cached_days: int = 0
    legacy: bool = False

    def __len__(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class _Window:
    """Server days ``first..last`` (both meant inclusive), optionally one segment."""

    first: date
    last: date
    channel: str | None = None
    category: str | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass
class _Traits:
    """What a fetch learns about the server; remembered in the cache."""

    legacy: bool | None = None
    inclusive: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"legacy": self.legacy, "inclusive": self.inclusive}


class _SwitchToLegacy(Exception):
    """Raised inside a worker when an answer turns out to carry no timestamps."""


def source_key(client: NpsClient) -> str:
    """Names the API and the shop (never the secret): the cache's namespace."""
    return f"{client.base_url}|{client.shop_id}"


def _day_runs(days: Sequence[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _date_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _chunks(first: date, last: date, size: int) -> list[_Window]:
    windows = []
    while first <= last:
        end = min(last, first + timedelta(days=size - 1))
        windows.append(_Window(first, end))
        first = end + timedelta(days=1)
    return windows


@dataclass
class _Planner:
    """Runs windows on a thread pool, splitting those that hit the cap."""

    client: NpsClient
    page_limit: int
    max_workers: int
    progress: Progress | None
    traits: _Traits
    # Converted in the workers, while other requests are still on the wire.
    results: list[tuple[_Window, pa.Table]] = field(default_factory=list)
    truncated: list[Truncation] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _probe_lock: threading.Lock = field(default_factory=threading.Lock)
    _codes: dict[str, set[str]] = field(
        default_factory=lambda: {"channel": set(), "category": set()}
    )
    _listed: bool = False
    _done: int = 0
    _total: int = 0

    # -- running ------------------------------------------------------------------------

    def run(self, windows: Iterable[_Window]) -> None:
        # Finished futures arrive on a queue: O(1) per window, where waiting on the
        # whole pending set again after each one would be quadratic.
        finished: queue.SimpleQueue[Future[list[_Window]]] = queue.SimpleQueue()
        with ThreadPoolExecutor(self.max_workers, thread_name_prefix="nps-fetch") as pool:
            running = 0

            def submit(batch: Iterable[_Window]) -> None:
                nonlocal running
                for window in batch:
                    pool.submit(self._process, window).add_done_callback(finished.put)
                    running += 1
                    self._total += 1
                self._report()

            submit(windows)
            try:
                while running:
                    children = finished.get().result()
                    running -= 1
                    self._done += 1
                    submit(children)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self._done, self._total)

    def _request(self, window: _Window, inclusive: bool | None) -> list[dict[str, Any]]:
        # Unknown or exclusive: ask up to the day after, so the last day is in either way.
        date_to = window.last if inclusive else window.last + timedelta(days=1)
        return self.client.raw_reviews(window.first, date_to, window.channel, window.category)

    def _keep(self, window: _Window, rows: list[dict[str, Any]]) -> None:
        table = _raw_table(rows, window.first if self.traits.legacy else None)
        with self._lock:
            self.results.append((window, table))

    # -- dated servers ----------------------------------------------------------------------

    def _process(self, window: _Window) -> list[_Window]:
        rule = self.traits.inclusive
        rows = self._request(window, rule)
        if rows and self.traits.legacy is None:
            self.traits.legacy = "created_at" not in rows[0]
        if self.traits.legacy:
            raise _SwitchToLegacy
        self._keep(window, rows)
        if len(rows) < self.page_limit:
            return []
        if window.days > 1:
            return self._split_days(window, rows)
        if rule is None:
            rows = self._learn_inclusive(window.first)
            if self.traits.inclusive:
                # The capped answer covered two days; this one covers exactly one.
                self._keep(window, rows)
                if len(rows) < self.page_limit:
                    return []
        return self._split_segment(window, len(rows))

    def _split_days(self, window: _Window, rows: list[dict[str, Any]]) -> list[_Window]:
        # The days a capped answer spans show how dense the window is, whatever order
        # the server picks its 1000 in: a server that returns the earliest reviews
        # shows a dense span (split finely at once), a random sample a wide one (halve).
        stamps = sorted(r["created_at"][:10] for r in rows if r.get("created_at"))
        span = (date.fromisoformat(stamps[-1]) - date.fromisoformat(stamps[0])).days + 1
        size = max(1, min(window.days // 2, int(span * TARGET_FILL)))
        return [
            replace(piece, channel=window.channel, category=window.category)
            for piece in _chunks(window.first, window.last, size)
        ]

    def _learn_inclusive(self, day: date) -> list[dict[str, Any]]:
        """Probe the ``date_to`` rule on a day whose padded window hit the cap.

        ``day..day`` holds that day under an inclusive rule and nothing under an
        exclusive one; if it is empty the capped answer came from the next day, which
        ``day+1..day+1`` then shows (inclusive) or not (exclusive).
        """
        with self._probe_lock:
            one_day = self.client.raw_reviews(day, day)
            if self.traits.inclusive is None:
                if one_day:
                    self.traits.inclusive = True
                else:
                    next_day = day + timedelta(days=1)
                    self.traits.inclusive = bool(self.client.raw_reviews(next_day, next_day))
        return one_day

    def _segment_codes(self, key: str) -> list[str]:
        """Codes to split a day by: the API's active list plus every code seen so far.

        Inactive codes appear only in reviews; one never seen in any answer of this
        fetch cannot be asked for, which is why the lists are merged, not replaced.
        """
        with self._probe_lock:
            if not self._listed:
                listed = {
                    "channel": {c.code for c in self.client.channels()},
                    "category": {c.code for c in self.client.categories()},
                }
                with self._lock:
                    for name, codes in listed.items():
                        self._codes[name] |= codes
                self._listed = True
        with self._lock:
            seen = [t.column(key) for _, t in self.results if t.num_rows]
        codes = set(self._codes[key])
        for column in seen:
            codes.update(pc.unique(column).drop_null().to_pylist())
        return sorted(codes)

    def _split_segment(self, window: _Window, returned: int) -> list[_Window]:
        if window.channel is None:
            return [replace(window, channel=c) for c in self._segment_codes("channel")]
        if window.category is None:
            return [replace(window, category=c) for c in self._segment_codes("category")]
        with self._lock:
            self.truncated.append(
                Truncation(window.first, window.channel, window.category, returned)
            )
        return []

    # -- legacy servers -----------------------------------------------------------------------

    def run_legacy(self, days: Sequence[date]) -> None:
        """One request per day; learns the ``date_to`` rule first when unknown.

        Under an inclusive rule ``d..d`` is day d and ``d..d+1`` two days; under an
        exclusive one ``d..d`` is always empty and ``d..d+1`` is day d.
        """
        if self.traits.inclusive is None and days:
            self._learn_legacy_rule(days)
        else:
            self.run(_Window(d, d) for d in days)

    def _learn_legacy_rule(self, days: Sequence[date]) -> None:
        inclusive = _LegacyPlanner(**self._child_args())
        exclusive = _LegacyPlanner(**self._child_args())
        inclusive.traits = _Traits(legacy=True, inclusive=True)
        exclusive.traits = _Traits(legacy=True, inclusive=False)
        both = threading.Thread(target=exclusive.run, args=([_Window(d, d) for d in days],))
        both.start()
        inclusive.run(_Window(d, d) for d in days)
        both.join()
        if any(table.num_rows for _, table in inclusive.results):
            chosen, self.traits.inclusive = inclusive, True
        else:
            nonempty = {w.first for w, table in exclusive.results if table.num_rows}
            # Under an inclusive rule with an empty period, only the last day's window
            # can show reviews (of the day after): ask for that day alone to tell.
            if nonempty == {days[-1]}:
                after = days[-1] + timedelta(days=1)
                self.traits.inclusive = bool(self.client.raw_reviews(after, after))
            else:
                self.traits.inclusive = False if nonempty else None
            chosen = inclusive if self.traits.inclusive else exclusive
        self.results = chosen.results
        self.truncated = chosen.truncated

    def _child_args(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "page_limit": self.page_limit,
            "max_workers": max(1, self.max_workers // 2),
            "progress": None,
            "traits": self.traits,
        }

    def process_legacy(self, window: _Window) -> list[_Window]:
        rows = self._request(window, self.traits.inclusive)
        self._keep(window, rows)
        if len(rows) < self.page_limit:
            return []
        return self._split_segment(window, len(rows))


class _LegacyPlanner(_Planner):
    def _process(self, window: _Window) -> list[_Window]:
        return self.process_legacy(window)


# A review as most answers send it: read in one C++ pass by `Table.from_pylist`.
_CURRENT_SHAPE = pa.schema(
    [
        ("id", pa.int64()),
        ("created_at", pa.string()),
        ("channel", pa.string()),
        ("category", pa.string()),
        ("rate", pa.int8()),
        ("comment", pa.string()),
        ("client_id", pa.int64()),
        ("email", pa.string()),
        ("phone", pa.string()),
    ]
)
# What a window's answer becomes in the worker; `_store_table` finishes it once for all.
_RAW_SCHEMA = pa.schema(
    [
        *(f.with_type(pa.string()) if f.name == "client_id" else f for f in _CURRENT_SHAPE),
        ("day", pa.date32()),
    ]
)


def _values(rows: list[dict[str, Any]], key: str, older: str) -> list[Any]:
    """A field of every row under its current name, or its older one (rate/score)."""
    if rows and key not in rows[0] and older in rows[0]:
        key, older = older, key
    return [r[key] if key in r else r.get(older) for r in rows]


def _array(values: list[Any], arrow_type: pa.DataType) -> pa.Array:
    """Values as ``arrow_type``: directly when they are clean, per value when not
    (ids sent as text, client ids mixing numbers and text)."""
    try:
        return pa.array(values, arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if arrow_type == pa.string():
            return pa.array(
                [None if v is None or isinstance(v, bool) else str(v) for v in values], arrow_type
            )
        return pa.array([None if v is None else int(v) for v in values], arrow_type)


def _raw_table(rows: list[dict[str, Any]], day: date | None) -> pa.Table:
    """One answer's review objects (any variant in the contract) as a raw table.

    Cheap on purpose — it runs per window in the workers; parsing dates and blanking
    empty strings happen once, on the whole result, in ``_store_table``. ``day`` is the
    window's day on legacy servers, whose reviews carry no date.
    """
    table = None
    if rows and "rate" in rows[0] and "client_id" in rows[0]:
        try:
            table = pa.Table.from_pylist(rows, schema=_CURRENT_SHAPE)
            table = table.set_column(6, "client_id", pc.cast(table.column(6), pa.string()))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            table = None
    if table is None:
        table = pa.table(
            {
                "id": _array([r["id"] for r in rows], pa.int64()),
                "created_at": _array([r.get("created_at") for r in rows], pa.string()),
                "channel": _array([r.get("channel") for r in rows], pa.string()),
                "category": _array([r.get("category") for r in rows], pa.string()),
                "rate": _array(_values(rows, "rate", "score"), pa.int8()),
                "comment": _array([r.get("comment") for r in rows], pa.string()),
                "client_id": _array(_values(rows, "client_id", "client"), pa.string()),
                "email": _array([r.get("email") for r in rows], pa.string()),
                "phone": _array([r.get("phone") for r in rows], pa.string()),
            }
        )
    return table.append_column("day", pa.array([day] * len(rows), pa.date32()))


def _timestamps(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """ISO 8601 strings as UTC timestamps; Arrow's parser is fast, pandas' more lenient."""
    try:
        return pc.cast(values, pa.timestamp("ms", tz="UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        parsed = pd.to_datetime(values.to_pandas(), format="ISO8601", utc=True)
        return pa.chunked_array([pa.array(parsed.dt.as_unit("ms"), pa.timestamp("ms", tz="UTC"))])


def _blank_as_null(values: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def _store_table(raw: pa.Table) -> pa.Table:
    """Raw answers as the store's schema: timestamps parsed, a day for every row (its
    UTC day, unless a legacy window gave it one), empty strings as missing."""
    created_at = _timestamps(raw.column("created_at"))
    day = raw.column("day")
    if day.null_count:
        day = pc.coalesce(day, pc.cast(created_at, pa.date32()))
    columns = {name: raw.column(name) for name in STORE_SCHEMA.names if name in raw.schema.names}
    columns.update({"created_at": created_at, "day": day})
    for name in ("comment", "client_id", "email", "phone"):
        columns[name] = _blank_as_null(columns[name])
    return pa.table(columns, schema=STORE_SCHEMA)


def rows_to_table(rows: list[dict[str, Any]], day: date | None = None) -> pa.Table:
    """API review objects as a table in the store's schema (for tools and benchmarks)."""
    return _store_table(_raw_table(rows, day))


def _exact_ids(column: pa.ChunkedArray) -> pd.Series:
    """Client ids as Int64, else UInt64, else text: never through a float."""
    for arrow_type, dtype in ((pa.int64(), pd.Int64Dtype()), (pa.uint64(), pd.UInt64Dtype())):
        try:
            # The types mapper keeps nulls as NA: a plain to_pandas would make floats.
            return pc.cast(column, arrow_type).to_pandas(types_mapper={arrow_type: dtype}.get)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return pd.Series(column.to_pandas(types_mapper={pa.string(): _STRING}.get), dtype=_STRING)


def _sort_key(table: pa.Table) -> np.ndarray:
    """Rows in frame order (time, then id; legacy rows by day), as one int64 per row."""
    created = table.column("created_at")
    if created.null_count == 0:
        return created.cast(pa.int64()).to_numpy()
    return table.column("day").cast(pa.int32()).to_numpy().astype(np.int64)


def _ordered_unique(table: pa.Table) -> pa.Table:
    """One row per review id (the last copy wins: later answers are newer) in frame order.

    Copies come from padded, overlapping windows. A store read is already in order and
    unique, so the common warm path skips the copy of every column that a take costs.
    """
    if table.num_rows == 0:
        return table
    ids = table.column("id").to_numpy()
    key = _sort_key(table)
    _, last_in_reversed = np.unique(ids[::-1], return_index=True)
    keep = len(ids) - 1 - last_in_reversed
    order = keep[np.lexsort((ids[keep], key[keep]))]
    if len(order) == len(ids) and np.array_equal(order, np.arange(len(ids))):
        return table
    return table.take(pa.array(order))


def empty_frame() -> pd.DataFrame:
    """A review frame with no rows and every column's dtype."""
    return _table_to_frame(STORE_SCHEMA.empty_table(), "UTC", legacy=False)


def _table_to_frame(table: pa.Table, tz: str, *, legacy: bool) -> pd.DataFrame:
    """The store's rows as the review frame (see ARCHITECTURE.md for its columns)."""
    table = _ordered_unique(table)
    for name in ("channel", "category"):
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pc.dictionary_encode(table.column(name)))
    frame = table.drop_columns(["day", "client_id"]).to_pandas(
        types_mapper={pa.string(): _STRING}.get
    )
    created = frame["created_at"]
    if legacy:
        day = pd.Series(table.column("day").to_numpy().astype("datetime64[ns]"))
    elif tz == "UTC":
        day = created.dt.tz_localize(None).dt.floor("D")
    else:
        day = created.dt.tz_convert(tz).dt.tz_localize(None).dt.floor("D")
    rate = frame["rate"].to_numpy(np.int8)
    codes = _GROUP_CODES[np.clip(rate, 0, 10)]
    frame.insert(2, "day", day.to_numpy().astype("datetime64[ns]"))
    frame.insert(
        6, "group", pd.Categorical.from_codes(codes, categories=list(GROUPS), ordered=True)
    )
    frame.insert(8, "client_id", _exact_ids(table.column("client_id")))
    frame["created_at"] = created.dt.as_unit("ns")
    frame["id"] = frame["id"].astype(np.int64)
    frame["rate"] = rate
    return frame


def fetch_reviews(
    client: NpsClient,
    start: date,
    end: date,
    *,
    channels: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    tz: str = "UTC",
    cache: ReviewCache | None = None,
    progress: Progress | None = None,
    max_workers: int = 8,
    page_limit: int = PAGE_LIMIT,
    source: str | None = None,
    now: datetime | None = None,
) -> ReviewSet:
    """Every review created from ``start`` to ``end`` (both inclusive, days in ``tz``).

    Channel and category filters are applied to whole fetched days, so that what is
    fetched once can be cached and reused under any filter. ``source`` names the cache
    namespace (default: base URL and shop id).
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    now = now or datetime.now(UTC)
    zone = ZoneInfo(tz)
    source = source or source_key(client)
    requests_before = client.request_count
    traits = _Traits(**cache.traits(source)) if cache is not None else _Traits()

    def plan_days() -> list[date]:
        if traits.legacy:
            return _date_range(start, end)  # the server's own days: no timestamps to move
        lo = datetime.combine(start, time(), zone).astimezone(UTC)
        hi = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
        return _date_range(lo.date(), (hi - timedelta(microseconds=1)).date())

    def finish(table: pa.Table, **fields: Any) -> ReviewSet:
        frame = _table_to_frame(table, tz, legacy=bool(traits.legacy))
        frame = _in_period(frame, start, end)
        if channels is not None:
            frame = frame[frame["channel"].isin(list(channels))]
        if categories is not None:
            frame = frame[frame["category"].isin(list(categories))]
        return ReviewSet(
            frame=frame.reset_index(drop=True),
            start=start,
            end=end,
            tz=tz,
            requests=client.request_count - requests_before,
            legacy=bool(traits.legacy),
            **fields,
        )

    closed_before = now.date() - timedelta(days=OPEN_DAYS - 1)
    # Twice at most: a server found mid-fetch to send no timestamps is planned again.
    for _ in range(2):
        days = plan_days()
        stored = cache.load(source, days[0], days[-1]) if cache is not None else None
        cached = _served_from_store(stored, now)
        missing = [d for d in days if d not in cached]
        kept_cuts = _stored_truncations(stored, cached)
        if not missing:
            assert stored is not None
            return finish(
                stored.table,
                complete=not kept_cuts,
                truncated=kept_cuts,
                fetched_at=stored.fetched_at,
                cached_days=len(days),
            )
        try:
            planner = _run_plan(client, missing, traits, page_limit, max_workers, progress)
        except AuthError:
            raise
        except NpsApiError as error:
            if stored is None or not (stored.complete or stored.provisional or stored.settled):
                raise
            return finish(
                stored.table,
                complete=False,
                stale=True,
                error=error,
                fetched_at=stored.fetched_at,
                cached_days=len(stored.complete),
            )
        if not traits.legacy or isinstance(planner, _LegacyPlanner):
            break

    fetched = _ordered_unique(_fetched_table(planner, set(missing)))
    fetched_at = datetime.now(UTC)
    incomplete = _days_touched(planner.truncated, legacy=bool(traits.legacy))
    closed = [d for d in missing if d < closed_before]
    if cache is not None:
        cache.save(
            source,
            fetched,
            missing,
            complete=[d for d in closed if d not in incomplete],
            settled=[d for d in closed if d in incomplete],
            truncations=[{**asdict(t), "day": t.day.isoformat()} for t in planner.truncated],
            traits=traits.as_dict(),
            fetched_at=fetched_at,
        )
    truncated = sorted(
        (*kept_cuts, *planner.truncated), key=lambda t: (t.day, t.channel or "", t.category or "")
    )
    table = fetched
    if stored is not None and cached:
        table = _interleave(_only_days(stored.table, cached), fetched)
    return finish(
        table,
        complete=not truncated,
        truncated=tuple(truncated),
        fetched_at=fetched_at,
        cached_days=len(days) - len(missing),
    )


def _served_from_store(stored: StoredDays | None, now: datetime) -> frozenset[date]:
    """Days the store answers for: complete ones, and settled ones checked lately."""
    if stored is None:
        return frozenset()
    fresh = {day for day, at in stored.settled.items() if now - at < SETTLED_RECHECK}
    return stored.complete | fresh


def _stored_truncations(stored: StoredDays | None, days: frozenset[date]) -> tuple[Truncation, ...]:
    if stored is None:
        return ()
    cuts = (
        Truncation(date.fromisoformat(str(c["day"])), c["channel"], c["category"], c["returned"])
        for c in stored.truncations
    )
    return tuple(cut for cut in cuts if cut.day in days)


def _only_days(table: pa.Table, days: frozenset[date]) -> pa.Table:
    numbers = table.column("day").cast(pa.int32()).to_numpy()
    wanted = np.array([d.toordinal() - EPOCH_ORDINAL for d in days], dtype=np.int32)
    return keep_rows(table, np.isin(numbers, wanted))


def _interleave(stored: pa.Table, fetched: pa.Table) -> pa.Table:
    """Two ordered tables of disjoint days as one ordered table, from zero-copy slices."""
    if fetched.num_rows == 0 or stored.num_rows == 0:
        return fetched if stored.num_rows == 0 else stored
    at = np.searchsorted(_sort_key(stored), _sort_key(fetched), side="right")
    cuts, starts = np.unique(at, return_index=True)
    pieces, previous = [], 0
    for cut, begin, end in zip(cuts, starts, [*starts[1:], len(at)], strict=True):
        pieces += [stored.slice(previous, cut - previous), fetched.slice(begin, end - begin)]
        previous = cut
    pieces.append(stored.slice(previous))
    return pa.concat_tables(pieces)


def _run_plan(
    client: NpsClient,
    days: list[date],
    traits: _Traits,
    page_limit: int,
    max_workers: int,
    progress: Progress | None,
) -> _Planner:
    args = {
        "client": client,
        "page_limit": page_limit,
        "max_workers": max_workers,
        "progress": progress,
        "traits": traits,
    }
    if traits.legacy:
        planner: _Planner = _LegacyPlanner(**args)
        planner.run_legacy(days)
        return planner
    planner = _Planner(**args)
    one_day = timedelta(days=1)
    windows = [
        window
        for first, last in _day_runs(days)
        # A day either side: the server's day may start before or after UTC midnight.
        for window in _chunks(first - one_day, last + one_day, MAX_WINDOW_DAYS)
    ]
    # The planner stops early on a server that sends no timestamps; the caller replans.
    with contextlib.suppress(_SwitchToLegacy):
        planner.run(windows)
    return planner


def _fetched_table(planner: _Planner, wanted: set[date]) -> pa.Table:
    tables = [table for _, table in planner.results if table.num_rows]
    if not tables:
        return STORE_SCHEMA.empty_table()
    table = _store_table(pa.concat_tables(tables))
    numbers = table.column("day").cast(pa.int32()).to_numpy()
    keep = np.array([d.toordinal() - EPOCH_ORDINAL for d in wanted], dtype=np.int32)
    return table.filter(pa.array(np.isin(numbers, keep)))


def _days_touched(truncated: Sequence[Truncation], *, legacy: bool) -> set[date]:
    """Stored days a truncated server day may have left incomplete."""
    spread = (0,) if legacy else (-1, 0, 1)
    return {t.day + timedelta(days=k) for t in truncated for k in spread}


def _in_period(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    days = frame["day"]
    mask = (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))
    return frame[mask.to_numpy()]
