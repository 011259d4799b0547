"""Concurrent writers: 50 clients posting distinct reviews for 30 s against one server.

    .venv/bin/python -m bench.writers [--writers 50] [--seconds 30] [--duplicates 5]

The bundled server runs in its own process (`python -m nps_core.server serve`), as
deployed; the writers are threads with one HTTP connection each. Besides them, a few
duplicate writers post as one and the same person all along (the replace rule must keep
one row). Prints errors, lost reviews (successful answers minus rows in the database),
throughput and latency percentiles.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.support.writers import DUPLICATE_EMAIL, write_concurrently


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--duplicates", type=int, default=5, help="writers repeating one person")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        report, rows = write_concurrently(
            Path(tmp) / "writers.sqlite3",
            writers=args.writers,
            seconds=args.seconds,
            duplicate_writers=args.duplicates,
        )

    repeated = sum(1 for row in rows if row["email"] == DUPLICATE_EMAIL)
    lost = report.successes - (len(rows) - repeated)
    print(f"writers:             {args.writers} distinct + {args.duplicates} duplicate")
    print(f"duration:            {report.elapsed:.1f} s")
    print(f"requests:            {report.requests}")
    print(f"errors:              {len(report.errors)}")
    for problem in report.errors[:5]:
        print(f"  {problem}")
    print(f"distinct accepted:   {report.successes}")
    print(f"distinct rows:       {len(rows) - repeated}")
    print(f"lost reviews:        {lost}")
    print(
        f"duplicates:          {report.duplicate_successes} accepted -> {repeated} row(s) "
        f"over {len(report.duplicate_days)} day(s)"
    )
    print(f"throughput:          {report.throughput:.0f} requests/s")
    print(
        f"latency:             p50 {report.percentile(50) * 1000:.1f} ms, "
        f"p99 {report.percentile(99) * 1000:.1f} ms, max {max(report.latencies) * 1000:.1f} ms"
    )
    healthy = not report.errors and lost == 0 and repeated == len(report.duplicate_days)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
