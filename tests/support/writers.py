"""Concurrent writers against servers: distinct reviews, plus one person repeating.

Shared by the concurrency test (20 writers, 3 s), the replicas test and
``bench/writers.py`` (50, 30 s), through ``write_concurrently``: the test shop served in
its own process (or several, ``replicas``, on one database), as deployed. Writers are
spread over the replicas in turn, the duplicate writers too, so that the same person's
reviews reach every replica at once.
Each distinct writer posts reviews by people of its own (one email per review), so every
success must add exactly one row. Duplicate writers post, all at once, as the same
person for the same channel and category: the replace rule must leave one row per day.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from nps_core.server import Store
from tests.support.servers import serve
from tests.support.shops import SHOP_ID, SHOP_SECRET, seed_shop

__all__ = [
    "DUPLICATE_EMAIL",
    "WriterLoad",
    "WriterReport",
    "replicas",
    "run_writers",
    "shop_load",
    "stored_rows",
    "write_concurrently",
]

DUPLICATE_EMAIL = "same.person@example.com"
OK = {"status": "success"}


@dataclass(frozen=True)
class WriterLoad:
    """Who writes where: the shop, its secret and one active channel and category."""

    urls: tuple[str, ...]
    shop_id: str
    shop_secret: str
    channel: str
    category: str
    writers: int
    seconds: float
    duplicate_writers: int = 0

    # (channel, category) of the distinct writers in turn; none: all on the one above.
    segments: tuple[tuple[str, str], ...] = ()

    def body(self, number: int, email: str, rate: int, comment: str) -> dict[str, object]:
        """The create body writer ``number`` sends (duplicates: on channel × category)."""
        duplicate = number >= self.writers
        channel, category = (
            self.segments[number % len(self.segments)]
            if self.segments and not duplicate
            else (self.channel, self.category)
        )
        return {
            "shop_id": self.shop_id,
            "shop_secret": self.shop_secret,
            "channel": channel,
            "category": category,
            "rate": rate,
            "email": email,
            "comment": comment,
        }


@dataclass
class WriterReport:
    successes: int = 0
    # Emails of the accepted distinct reviews: each must be stored.
    accepted: set[str] = field(default_factory=set)
    duplicate_successes: int = 0
    # UTC days on which a duplicate was accepted: one stored row each.
    duplicate_days: set[date] = field(default_factory=set)
    duplicate_rates: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: int) -> float:
        """Latency in seconds below which ``p`` percent of the requests finished."""
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]


def run_writers(load: WriterLoad) -> WriterReport:
    report = WriterReport()
    lock = threading.Lock()
    start = threading.Barrier(load.writers + load.duplicate_writers + 1)
    deadline = [0.0]

    def record(
        ok: bool, seconds: float, problem: str, email: str, duplicate_rate: int | None
    ) -> None:
        with lock:
            report.latencies.append(seconds)
            if not ok:
                report.errors.append(problem)
            elif duplicate_rate is None:
                report.successes += 1
                report.accepted.add(email)
            else:
                report.duplicate_successes += 1
                report.duplicate_days.add(datetime.now(UTC).date())
                report.duplicate_rates.add(duplicate_rate)

    def writer(number: int, duplicate: bool) -> None:
        url = load.urls[number % len(load.urls)]
        with httpx.Client(base_url=url, timeout=30) as http:
            start.wait()
            sent = 0
            while time.monotonic() < deadline[0]:
                rate = 1 + (number + sent) % 10
                email = DUPLICATE_EMAIL if duplicate else f"writer{number}-{sent}@example.com"
                body = load.body(number, email, rate, f"writer {number}, review {sent}")
                began = time.perf_counter()
                try:
                    answer = http.post("/nps/create", json=body)
                    ok = answer.status_code == 200 and answer.json() == OK
                    problem = f"{answer.status_code}: {answer.text[:200]}"
                except httpx.HTTPError as exc:
                    ok, problem = False, f"{type(exc).__name__}: {exc}"
                seconds = time.perf_counter() - began
                record(ok, seconds, problem, email, rate if duplicate else None)
                sent += 1

    threads = [
        threading.Thread(target=writer, args=(n, n >= load.writers), daemon=True)
        for n in range(load.writers + load.duplicate_writers)
    ]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + load.seconds
    start.wait()
    for thread in threads:
        thread.join()
    report.elapsed = time.monotonic() - began
    return report


def shop_load(
    urls: tuple[str, ...],
    writers: int,
    seconds: float,
    duplicate_writers: int,
    segments: tuple[tuple[str, str], ...] = (),
) -> WriterLoad:
    """Writers on the test shop (``seed_shop``), the duplicates on web × product."""
    return WriterLoad(
        urls,
        SHOP_ID,
        SHOP_SECRET,
        channel="web",
        category="product",
        writers=writers,
        seconds=seconds,
        duplicate_writers=duplicate_writers,
        segments=segments,
    )


@contextmanager
def replicas(db: str | Path, count: int, *options: str) -> Iterator[tuple[str, ...]]:
    """``count`` server processes over ``db``, each on its own port: their URLs."""
    with ExitStack() as stack:
        yield tuple(stack.enter_context(serve(db, *options)).url for _ in range(count))


def write_concurrently(
    db: str | Path,
    *,
    writers: int,
    seconds: float,
    duplicate_writers: int,
    replica_count: int = 1,
) -> tuple[WriterReport, list[dict[str, Any]]]:
    """The test shop in ``db``, served by ``replica_count`` processes, written to by
    ``writers`` and ``duplicate_writers`` (on web × product) for ``seconds``; the
    report, and every review then stored."""
    seed_shop(db).close()
    with replicas(db, replica_count) as urls:
        load = shop_load(urls, writers, seconds, duplicate_writers)
        report = run_writers(load)
    return report, stored_rows(db)


def stored_rows(db: str | Path) -> list[dict[str, Any]]:
    """Every review of the test shop in ``db``, ascending by id."""
    store = Store(db)
    try:
        return store.all_reviews(SHOP_ID)
    finally:
        store.close()
