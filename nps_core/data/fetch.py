"""Every review of a period, despite the API's cap of 1000 reviews per call.

The API has no pagination and leaves open whether ``date_to`` is inclusive, which time
zone draws a day's boundary, which reviews a capped answer drops, and (on old
deployments) whether a review carries a date at all. None of that changes the result:

* The planner (``nps_core.data.planner``) asks for windows padded by a day on each side
  and reviews are kept by ``created_at``, so neither the ``date_to`` rule nor the
  server's day boundary matters; duplicates from overlapping windows are dropped by
  ``id``. Windows that reach the cap are split; a day × channel × category still at the
  cap is reported in ``ReviewSet.truncated``: never dropped silently.
* Legacy servers (no ``created_at``) are read one day per request so each review gets
  its day from the window it came in.
* An answer may be cut shorter than the documented cap without a word: such answers
  are detected and split too (``nps_core.data.caps``), and a cap proven is remembered.
* Review objects that break the contract are left out, never coerced, and named in
  ``ReviewSet.rejected``; a result with any is not complete.
* Closed days (older than two days in UTC) fetched whole are kept in a ``ReviewCache``
  and never asked for again; when the API fails — any ``NpsApiError``: an outage, an
  unreadable answer, the fetch's deadline passing — the last good copy is served,
  marked stale. Auth errors are never masked.
"""

from __future__ import annotations

import time as clock
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa

from nps_core.contract.errors import AuthError, NpsApiError
from nps_core.data.cache import STORE_SCHEMA, ReviewCache, StoredDays, on_days
from nps_core.data.client import NpsClient
from nps_core.data.frame import empty_frame, interleave, ordered_unique, table_to_frame
from nps_core.data.planner import (
    PAGE_LIMIT,
    LegacyPlanner,
    Planner,
    Progress,
    Rejection,
    Traits,
    Truncation,
    date_range,
    run_plan,
)

__all__ = [
    "FETCH_DEADLINE",
    "Progress",
    "Rejection",
    "ReviewSet",
    "Truncation",
    "empty_frame",
    "fetch_reviews",
    "source_key",
]

# Days younger than this (in UTC) may still receive reviews: never cached as complete.
OPEN_DAYS = 3
# A settled day (closed, cut by the cap at the finest split) is asked again this often.
SETTLED_RECHECK = timedelta(hours=1)
# Seconds a fetch may take before it gives up (and serves the last good copy, if any).
FETCH_DEADLINE = 120.0


@dataclass(frozen=True, eq=False)
class ReviewSet:
    """The reviews of a period and what is known about their completeness."""

    frame: pd.DataFrame
    start: date
    end: date
    tz: str
    complete: bool
    truncated: tuple[Truncation, ...] = ()
    # Review objects the API sent that broke the contract, left out (never coerced).
    rejected: tuple[Rejection, ...] = ()
    stale: bool = False
    error: NpsApiError | None = None
    fetched_at: datetime | None = None
    requests: int = 0
    cached_days: int = 0
    legacy: bool = False

    def __len__(self) -> int:
        return len(self.frame)


def source_key(client: NpsClient) -> str:
    """Names the API and the shop (never the secret): the cache's namespace."""
    return f"{client.base_url}|{client.shop_id}"


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
    deadline: float = FETCH_DEADLINE,
) -> ReviewSet:
    """Every review created from ``start`` to ``end`` (both inclusive, days in ``tz``).

    Channel and category filters are applied to whole fetched days, so that what is
    fetched once can be cached and reused under any filter. ``source`` names the cache
    namespace (default: base URL and shop id). ``page_limit`` is the longest answer the
    API is documented to send; ``deadline`` the seconds the fetch may take, after which
    it ends in ``DeadlineExceeded`` (or the stale copy).
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    fetch = _Fetch(
        client=client,
        period=_Period(start, end, tz, channels, categories),
        now=now or datetime.now(UTC),
        cache=cache,
        source=source or source_key(client),
        progress=progress,
        max_workers=max_workers,
        page_limit=page_limit,
        until=clock.monotonic() + deadline,
    )
    return fetch.run()


@dataclass(frozen=True)
class _Period:
    """What a caller asked for: days in a time zone, optionally some segments only."""

    start: date
    end: date
    tz: str
    channels: Iterable[str] | None
    categories: Iterable[str] | None

    def __post_init__(self) -> None:
        ZoneInfo(self.tz)  # an unknown zone fails here, before any request

    def server_days(self, *, legacy: bool) -> list[date]:
        """The UTC days the period touches (a legacy server's own days: no timestamps)."""
        if legacy:
            return date_range(self.start, self.end)
        zone = ZoneInfo(self.tz)
        lo = datetime.combine(self.start, time(), zone).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(UTC)
        return date_range(lo.date(), (hi - timedelta(microseconds=1)).date())

    def frame(self, table: pa.Table, *, legacy: bool) -> pd.DataFrame:
        """The period's reviews in the segments asked for, as the review frame."""
        frame = table_to_frame(table, self.tz, legacy=legacy)
        days = frame["day"]
        in_period = (days >= pd.Timestamp(self.start)) & (days <= pd.Timestamp(self.end))
        frame = frame[in_period.to_numpy()]
        if self.channels is not None:
            frame = frame[frame["channel"].isin(list(self.channels))]
        if self.categories is not None:
            frame = frame[frame["category"].isin(list(self.categories))]
        return frame.reset_index(drop=True)


@dataclass
class _Fetch:
    """One ``fetch_reviews`` call: the store's days first, the API for the rest."""

    client: NpsClient
    period: _Period
    now: datetime
    cache: ReviewCache | None
    source: str
    progress: Progress | None
    max_workers: int
    page_limit: int
    until: float
    traits: Traits = field(init=False)
    requests_before: int = field(init=False)

    def __post_init__(self) -> None:
        self.requests_before = self.client.request_count
        cache = self.cache
        self.traits = Traits(**cache.traits(self.source)) if cache is not None else Traits()

    def run(self) -> ReviewSet:
        # Twice at most: a server found mid-fetch to send no timestamps is planned again.
        for _ in range(2):
            days = self.period.server_days(legacy=bool(self.traits.legacy))
            stored = self._load(days)
            cached = _served_from_store(stored, self.now)
            missing = [d for d in days if d not in cached]
            if not missing:
                assert stored is not None
                cuts = _stored_truncations(stored, cached)
                return self._result(
                    stored.table,
                    complete=not cuts,
                    truncated=cuts,
                    fetched_at=stored.fetched_at,
                    cached_days=len(days),
                )
            try:
                planner = run_plan(
                    self.client,
                    missing,
                    self.traits,
                    self.page_limit,
                    self.max_workers,
                    self.progress,
                    self.until,
                )
            except AuthError:
                raise
            except NpsApiError as error:
                if stored is None or not (stored.complete or stored.provisional or stored.settled):
                    raise
                return self._stale(stored, error)
            if not self.traits.legacy or isinstance(planner, LegacyPlanner):
                break
        return self._fetched(planner, stored, cached, len(days), missing)

    def _load(self, days: list[date]) -> StoredDays | None:
        if self.cache is None:
            return None
        return self.cache.load(self.source, days[0], days[-1])

    def _stale(self, stored: StoredDays, error: NpsApiError) -> ReviewSet:
        """The last good copy, when the API failed."""
        return self._result(
            stored.table,
            complete=False,
            stale=True,
            error=error,
            fetched_at=stored.fetched_at,
            cached_days=len(stored.complete),
        )

    def _fetched(
        self,
        planner: Planner,
        stored: StoredDays | None,
        cached: frozenset[date],
        days: int,
        missing: list[date],
    ) -> ReviewSet:
        """The fetched days, saved, together with the days the store served."""
        fetched = ordered_unique(_fetched_table(planner, missing))
        fetched_at = datetime.now(UTC)
        truncated = sorted(
            (*_stored_truncations(stored, cached), *planner.truncated),
            key=lambda t: (t.day, t.channel or "", t.category or ""),
        )
        table = fetched
        if stored is not None and cached:
            table = interleave(on_days(stored.table, cached), fetched)
        # The store is written while the frame is built (Arrow's writes release the
        # interpreter lock); the result is returned once both are done.
        with ThreadPoolExecutor(1, thread_name_prefix="nps-save") as saver:
            saving = None
            if self.cache is not None:
                saving = saver.submit(self._save, self.cache, planner, fetched, missing, fetched_at)
            result = self._result(
                table,
                complete=not truncated and not planner.rejected,
                truncated=tuple(truncated),
                rejected=tuple(planner.rejected),
                fetched_at=fetched_at,
                cached_days=days - len(missing),
            )
            if saving is not None:
                saving.result()
        return result

    def _save(
        self,
        cache: ReviewCache,
        planner: Planner,
        fetched: pa.Table,
        missing: list[date],
        fetched_at: datetime,
    ) -> None:
        """Store the fetched days: closed ones as complete, or settled when cut. A day an
        answer with rejected objects may have covered stays provisional: asked again."""
        closed_before = self.now.date() - timedelta(days=OPEN_DAYS - 1)
        legacy = bool(self.traits.legacy)
        incomplete = _days_touched(planner.truncated, legacy=legacy)
        spoilt = _days_rejected(planner.rejected, legacy=legacy)
        closed = [d for d in missing if d < closed_before and d not in spoilt]
        cache.save(
            self.source,
            fetched,
            missing,
            complete=[d for d in closed if d not in incomplete],
            settled=[d for d in closed if d in incomplete],
            truncations=[{**asdict(t), "day": t.day.isoformat()} for t in planner.truncated],
            traits=self.traits.as_dict(),
            fetched_at=fetched_at,
        )

    def _result(self, table: pa.Table, **fields: Any) -> ReviewSet:
        legacy = bool(self.traits.legacy)
        return ReviewSet(
            frame=self.period.frame(table, legacy=legacy),
            start=self.period.start,
            end=self.period.end,
            tz=self.period.tz,
            requests=self.client.request_count - self.requests_before,
            legacy=legacy,
            **fields,
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


def _fetched_table(planner: Planner, wanted: Collection[date]) -> pa.Table:
    """The planner's answers (in the store's schema), only the rows of ``wanted`` days."""
    tables = [table for _, table in planner.results if table.num_rows]
    if not tables:
        return STORE_SCHEMA.empty_table()
    return on_days(pa.concat_tables(tables), wanted)


def _days_touched(truncated: Sequence[Truncation], *, legacy: bool) -> set[date]:
    """Stored days a truncated server day may have left incomplete."""
    spread = (0,) if legacy else (-1, 0, 1)
    return {t.day + timedelta(days=k) for t in truncated for k in spread}


def _days_rejected(rejected: Sequence[Rejection], *, legacy: bool) -> set[date]:
    """Stored days an answer with rejected objects may have covered (a malformed object
    has no reliable time: every day of its window, and on a dated server a day either
    side, for the server's day may begin before or after UTC midnight, and one more at
    the end, which the answer covers when ``date_to`` is exclusive or unknown)."""
    before, after = (0, 0) if legacy else (1, 2)
    return {
        r.window.first + timedelta(days=k)
        for r in rejected
        for k in range(-before, r.window.days + after)
    }
