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

The cap is the documented one unless a smaller one shows (``nps_core.data.caps``):
once every window is in, answers that may have been cut are split and checked. Review
objects that break the contract are left out of each answer and recorded per window
(``Rejection``). Every request ends by the fetch's deadline (``until``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import astuple, dataclass, field, replace
from datetime import date, timedelta

import pyarrow as pa
import pyarrow.compute as pc

from nps_core.data.caps import CapCheck
from nps_core.data.client import NpsClient
from nps_core.data.windows import (
    Rejection,
    Traits,
    Truncation,
    Window,
    chunks,
    date_range,
    day_runs,
)
from nps_core.data.wire_table import Answer, store_table

__all__ = [
    "PAGE_LIMIT",
    "LegacyPlanner",
    "Planner",
    "Progress",
    "Rejection",
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


class _SwitchToLegacy(Exception):
    """Raised inside a worker when an answer turns out to carry no timestamps."""


@dataclass
class Planner:
    """Runs windows on a thread pool, splitting those that hit the cap."""

    client: NpsClient
    page_limit: int
    max_workers: int
    progress: Progress | None
    traits: Traits
    until: float | None = None  # the fetch's deadline (time.monotonic)
    # In the store's schema, converted in the workers while other requests are still on
    # the wire.
    results: list[tuple[Window, pa.Table]] = field(default_factory=list)
    truncated: list[Truncation] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    caps: CapCheck[Window] = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _probe_lock: threading.Lock = field(default_factory=threading.Lock)
    _codes: dict[str, set[str]] = field(
        default_factory=lambda: {"channel": set(), "category": set()}
    )
    _listed: bool = False
    _done: int = 0
    _total: int = 0

    def __post_init__(self) -> None:
        self.caps = CapCheck(self.page_limit, self.traits.cap)

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

    def check(self) -> None:
        """Split and check every answer that may have been cut, until none is left."""
        while suspects := self.caps.suspects():
            tables = dict(self.results)
            self.run([child for w in suspects for child in self._check_split(w, tables[w])])
        self.traits.cap = self.caps.learned

    def _check_split(self, window: Window, table: pa.Table) -> list[Window]:
        """Halves of a window whose answer may have been cut; its segments for one day."""
        if window.days > 1:
            children = chunks(window.first, window.last, (window.days + 1) // 2)
            children = [
                replace(c, channel=window.channel, category=window.category) for c in children
            ]
        else:
            children = self._split_segment(window, self.caps.size(window))
        self.caps.checking(window, table.column("id").to_numpy(), children)
        return children

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self._done, self._total)

    def _request(self, window: Window, inclusive: bool | None) -> Answer:
        # Unknown or exclusive: ask up to the day after, so the last day is in either way.
        date_to = window.last if inclusive else window.last + timedelta(days=1)
        return self._answer(window.first, date_to, window.channel, window.category)

    def _answer(
        self, first: date, last: date, channel: str | None = None, category: str | None = None
    ) -> Answer:
        return Answer(self.client.reviews_body(first, last, channel, category, until=self.until))

    def _keep(self, window: Window, answer: Answer) -> pa.Table:
        legacy = bool(self.traits.legacy)
        raw, malformed = answer.read(window.first if legacy else None, dated=not legacy)
        table = store_table(raw)
        seen = {key: pc.unique(table.column(key)).drop_null().to_pylist() for key in self._codes}
        with self._lock:
            self.results.append((window, table))
            self.rejected.extend(Rejection(window, *astuple(m)) for m in malformed)
            for key, codes in seen.items():
                self._codes[key].update(codes)
        self.caps.record(window, len(answer), table)
        return table

    # -- dated servers ----------------------------------------------------------------------

    def _process(self, window: Window) -> list[Window]:
        rule = self.traits.inclusive
        answer = self._request(window, rule)
        if len(answer) and self.traits.legacy is None:
            # One object without a time (a malformed one) does not make a legacy server.
            self.traits.legacy = not answer.dated
        if self.traits.legacy:
            raise _SwitchToLegacy
        table = self._keep(window, answer)
        if not self.caps.is_cut(len(answer)):
            return []
        self.caps.settle(window)
        if window.days > 1:
            return self._split_days(window, table)
        if rule is None:
            answer = self._learn_inclusive(window.first)
            if self.traits.inclusive:
                # The capped answer covered two days; this one covers exactly one.
                self._keep(window, answer)
                if not self.caps.is_cut(len(answer)):
                    return []
        return self._split_segment(window, len(answer))

    def _split_days(self, window: Window, table: pa.Table) -> list[Window]:
        # The days a capped answer spans show how dense the window is, whatever order
        # the server picks its 1000 in: a server that returns the earliest reviews
        # shows a dense span (split finely at once), a random sample a wide one (halve).
        span = window.days
        if table.num_rows:
            first, last = pc.min_max(table.column("created_at")).values()
            span = (last.as_py().date() - first.as_py().date()).days + 1
        size = max(1, min(window.days // 2, int(span * TARGET_FILL)))
        return [
            replace(piece, channel=window.channel, category=window.category)
            for piece in chunks(window.first, window.last, size)
        ]

    def _learn_inclusive(self, day: date) -> Answer:
        """Probe the ``date_to`` rule on a day whose padded window hit the cap.

        ``day..day`` holds that day under an inclusive rule and nothing under an
        exclusive one; if it is empty the capped answer came from the next day, which
        ``day+1..day+1`` then shows (inclusive) or not (exclusive).
        """
        with self._probe_lock:
            one_day = self._answer(day, day)
            if self.traits.inclusive is None:
                if len(one_day):
                    self.traits.inclusive = True
                else:
                    next_day = day + timedelta(days=1)
                    self.traits.inclusive = bool(len(self._answer(next_day, next_day)))
        return one_day

    def _segment_codes(self, key: str) -> list[str]:
        """Codes to split a day by: the API's active list plus every code seen so far.

        Inactive codes appear only in reviews; one never seen in any answer of this
        fetch cannot be asked for, which is why the lists are merged, not replaced. The
        codes seen are gathered as each answer is kept: reading every answer again at
        each split made a big shop's fetch quadratic.
        """
        with self._probe_lock:
            if not self._listed:
                listed = {
                    "channel": {c.code for c in self.client.channels(until=self.until)},
                    "category": {c.code for c in self.client.categories(until=self.until)},
                }
                with self._lock:
                    for name, codes in listed.items():
                        self._codes[name] |= codes
                self._listed = True
        with self._lock:
            return sorted(self._codes[key])

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
                self.traits.inclusive = bool(len(self._answer(after, after)))
            else:
                self.traits.inclusive = False if nonempty else None
            chosen = inclusive if self.traits.inclusive else exclusive
        self.results, self.truncated = chosen.results, chosen.truncated
        self.rejected, self.caps = chosen.rejected, chosen.caps
        self._codes, self._listed = chosen._codes, chosen._listed

    def _legacy_child(self, inclusive: bool) -> LegacyPlanner:
        """A planner of the same days under one ``date_to`` rule, on half the workers."""
        return LegacyPlanner(
            client=self.client,
            page_limit=self.page_limit,
            max_workers=max(1, self.max_workers // 2),
            progress=None,
            traits=Traits(legacy=True, inclusive=inclusive, cap=self.traits.cap),
            until=self.until,
        )

    def process_legacy(self, window: Window) -> list[Window]:
        answer = self._request(window, self.traits.inclusive)
        self._keep(window, answer)
        if not self.caps.is_cut(len(answer)):
            return []
        self.caps.settle(window)
        return self._split_segment(window, len(answer))


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
    until: float | None = None,
) -> Planner:
    """The windows that cover ``days``, run (and split) until every answer is in and
    none may have been cut unnoticed."""
    kind = LegacyPlanner if traits.legacy else Planner
    planner = kind(
        client=client,
        page_limit=page_limit,
        max_workers=max_workers,
        progress=progress,
        traits=traits,
        until=until,
    )
    if isinstance(planner, LegacyPlanner):
        planner.run_legacy(days)
        planner.check()
        return planner
    one_day = timedelta(days=1)
    windows = [
        window
        for first, last in day_runs(days)
        # A day either side: the server's day may start before or after UTC midnight.
        for window in chunks(first - one_day, last + one_day, MAX_WINDOW_DAYS)
    ]
    try:
        planner.run(windows)
    except _SwitchToLegacy:
        return planner  # a server that sends no timestamps: the caller plans again
    planner.check()
    return planner
