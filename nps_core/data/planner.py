"""Request windows for a period, and the planner that splits those hitting the cap.

The API has no pagination and leaves open whether ``date_to`` is inclusive, which time
zone draws a day's boundary and which reviews a capped answer drops. The planner asks
for windows of server days padded by a day on each side (the fetch layer keeps reviews
by ``created_at``), and splits a window whose answer reaches the cap: into shorter
spans of days (sized from the density the capped answer showed), then one day by
channel, then by category. A day × channel × category still at the cap is recorded as a
``Truncation``: never dropped silently.

Legacy servers (no ``created_at``) are read one day per request so each review gets its
day from the window it came in; the ``date_to`` rule is probed once and remembered.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from nps_core.data.client import NpsClient
from nps_core.data.wire_table import raw_table

__all__ = [
    "PAGE_LIMIT",
    "LegacyPlanner",
    "Planner",
    "Progress",
    "Traits",
    "Truncation",
    "Window",
    "date_range",
    "run_plan",
]

PAGE_LIMIT = 1000
# A quarter in one call when the shop is small enough.
MAX_WINDOW_DAYS = 92
# Split capped windows so each piece is expected to hold this share of the cap.
TARGET_FILL = 0.7

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Truncation:
    """A finest-grained window that still hit the cap: some reviews are missing."""

    day: date
    channel: str | None
    category: str | None
    returned: int


@dataclass(frozen=True)
class Window:
    """Server days ``first..last`` (both meant inclusive), optionally one segment."""

    first: date
    last: date
    channel: str | None = None
    category: str | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass
class Traits:
    """What a fetch learns about the server; remembered in the cache."""

    legacy: bool | None = None
    inclusive: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"legacy": self.legacy, "inclusive": self.inclusive}


class _SwitchToLegacy(Exception):
    """Raised inside a worker when an answer turns out to carry no timestamps."""


def _day_runs(days: Sequence[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def date_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _chunks(first: date, last: date, size: int) -> list[Window]:
    windows = []
    while first <= last:
        end = min(last, first + timedelta(days=size - 1))
        windows.append(Window(first, end))
        first = end + timedelta(days=1)
    return windows


@dataclass
class Planner:
    """Runs windows on a thread pool, splitting those that hit the cap."""

    client: NpsClient
    page_limit: int
    max_workers: int
    progress: Progress | None
    traits: Traits
    # Converted in the workers, while other requests are still on the wire.
    results: list[tuple[Window, pa.Table]] = field(default_factory=list)
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

    def run(self, windows: Iterable[Window]) -> None:
        # Finished futures arrive on a queue: O(1) per window, where waiting on the
        # whole pending set again after each one would be quadratic.
        finished: queue.SimpleQueue[Future[list[Window]]] = queue.SimpleQueue()
        with ThreadPoolExecutor(self.max_workers, thread_name_prefix="nps-fetch") as pool:
            running = 0

            def submit(batch: Iterable[Window]) -> None:
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

    def _request(self, window: Window, inclusive: bool | None) -> list[dict[str, Any]]:
        # Unknown or exclusive: ask up to the day after, so the last day is in either way.
        date_to = window.last if inclusive else window.last + timedelta(days=1)
        return self.client.raw_reviews(window.first, date_to, window.channel, window.category)

    def _keep(self, window: Window, rows: list[dict[str, Any]]) -> None:
        table = raw_table(rows, window.first if self.traits.legacy else None)
        with self._lock:
            self.results.append((window, table))

    # -- dated servers ----------------------------------------------------------------------

    def _process(self, window: Window) -> list[Window]:
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

    def _split_days(self, window: Window, rows: list[dict[str, Any]]) -> list[Window]:
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

    def _split_segment(self, window: Window, returned: int) -> list[Window]:
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
            self.run(Window(d, d) for d in days)

    def _learn_legacy_rule(self, days: Sequence[date]) -> None:
        inclusive, exclusive = self._legacy_child(True), self._legacy_child(False)
        both = threading.Thread(target=exclusive.run, args=([Window(d, d) for d in days],))
        both.start()
        inclusive.run(Window(d, d) for d in days)
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

    def _legacy_child(self, inclusive: bool) -> LegacyPlanner:
        """A planner of the same days under one ``date_to`` rule, on half the workers."""
        return LegacyPlanner(
            client=self.client,
            page_limit=self.page_limit,
            max_workers=max(1, self.max_workers // 2),
            progress=None,
            traits=Traits(legacy=True, inclusive=inclusive),
        )

    def process_legacy(self, window: Window) -> list[Window]:
        rows = self._request(window, self.traits.inclusive)
        self._keep(window, rows)
        if len(rows) < self.page_limit:
            return []
        return self._split_segment(window, len(rows))


class LegacyPlanner(Planner):
    def _process(self, window: Window) -> list[Window]:
        return self.process_legacy(window)


def run_plan(
    client: NpsClient,
    days: list[date],
    traits: Traits,
    page_limit: int,
    max_workers: int,
    progress: Progress | None,
) -> Planner:
    """The windows that cover ``days``, run (and split) until every answer is in."""
    kind = LegacyPlanner if traits.legacy else Planner
    planner = kind(
        client=client,
        page_limit=page_limit,
        max_workers=max_workers,
        progress=progress,
        traits=traits,
    )
    if isinstance(planner, LegacyPlanner):
        planner.run_legacy(days)
        return planner
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
