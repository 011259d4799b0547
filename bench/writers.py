"""Concurrent writers: 50 clients posting distinct reviews for 30 s, on three set-ups.

    .venv/bin/python -m bench.writers [--writers 50] [--seconds 30] [--duplicates 5]
        [--only sqlite|postgresql|replicas]

Side by side: SQLite with one server process; PostgreSQL with one; PostgreSQL with two
replicas on the one database (the writers spread over both, the duplicate writers too).
Each server runs in its own process (`python -m nps_core.server serve`), as deployed;
the writers are threads with one HTTP connection each. Besides them, a few duplicate
writers post as one and the same person all along (the replace rule must keep one row).
PostgreSQL is a throwaway cluster (tests/support/postgres.py). Prints, per set-up,
errors, lost reviews (successful answers whose review is not in the database),
throughput and latency percentiles, with the load average of the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.postgres import pg_cluster, pg_database
from tests.support.writers import DUPLICATE_EMAIL, WriterReport, write_concurrently


@dataclass(frozen=True)
class Setup:
    key: str  # what --only names
    name: str
    replicas: int
    database: Callable[[], AbstractContextManager[str | Path]]


@contextmanager
def sqlite_file() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp) / "writers.sqlite3"


@dataclass(frozen=True)
class Result:
    setup: Setup
    report: WriterReport
    rows: list[dict[str, Any]]
    load: str

    @property
    def repeated(self) -> int:
        return sum(1 for row in self.rows if row["email"] == DUPLICATE_EMAIL)

    @property
    def lost(self) -> int:
        stored = {row["email"] for row in self.rows}
        return len(self.report.accepted - stored)

    @property
    def healthy(self) -> bool:
        days = len(self.report.duplicate_days)
        return not self.report.errors and self.lost == 0 and self.repeated == days


def run(setup: Setup, args: argparse.Namespace) -> Result:
    with setup.database() as db:
        report, rows = write_concurrently(
            db,
            writers=args.writers,
            seconds=args.seconds,
            duplicate_writers=args.duplicates,
            replica_count=setup.replicas,
        )
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    return Result(setup, report, rows, load)


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    print(f"writers: {args.writers} distinct + {args.duplicates} duplicate, {args.seconds:g} s")
    head = ("set-up", "requests", "errors", "accepted", "lost", "duplicates", "req/s")
    head += ("p50 ms", "p99 ms", "max ms", "load avg after")
    print(" | ".join(head))
    for r in results:
        rep = r.report
        print(
            f"{r.setup.name} | {rep.requests} | {len(rep.errors)} | {rep.successes} | "
            f"{r.lost} | {rep.duplicate_successes} -> {r.repeated} row(s) | "
            f"{rep.throughput:.0f} | {rep.percentile(50) * 1000:.1f} | "
            f"{rep.percentile(99) * 1000:.1f} | {max(rep.latencies) * 1000:.1f} | {r.load}"
        )
        for problem in rep.errors[:5]:
            print(f"  {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--duplicates", type=int, default=5, help="writers repeating one person")
    parser.add_argument("--only", choices=("sqlite", "postgresql", "replicas"), default=None)
    args = parser.parse_args()

    with pg_cluster() as cluster:
        setups = [
            Setup("sqlite", "SQLite, 1 process", 1, sqlite_file),
            Setup("postgresql", "PostgreSQL, 1 replica", 1, lambda: pg_database(cluster)),
            Setup("replicas", "PostgreSQL, 2 replicas", 2, lambda: pg_database(cluster)),
        ]
        chosen = [s for s in setups if args.only in (None, s.key)]
        results = [run(setup, args) for setup in chosen]
    print_table(results, args)
    return 0 if all(r.healthy for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
