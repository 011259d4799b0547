"""Faults survived: fetch a demo year again and again from a server spoiling 20% of answers.

    .venv/bin/python -m bench.faults [--rounds 10] [--rate 0.2] [--reviews 60000]

The bundled server (in this process, so its fault counters can be read) injects 500,
502, 429 (Retry-After: 1), slow answers past the client's 0.5 s timeout and dropped
connections, each round with another seed. Every round's frame must equal the fault-free
fetch exactly (same ids, same fields); prints the faults injected and survived per kind,
the requests made and the time taken, against the fault-free baseline.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from nps_core import NpsApiError, NpsClient, ReviewSet, fetch_reviews
from nps_core.server import ServerOptions, create_demo, start_server

CLIENT_TIMEOUT = 0.5
RETRIES = 8


def fetch(url: str, shop: str, secret: str, days: int) -> ReviewSet:
    end = datetime.now(UTC).date()
    with NpsClient(
        url, shop, secret, timeout=CLIENT_TIMEOUT, retries=RETRIES, backoff=0.05, max_backoff=1
    ) as client:
        return fetch_reviews(client, end - timedelta(days=days - 1), end)


def same_result(got: ReviewSet, want: ReviewSet) -> bool:
    try:
        pd.testing.assert_frame_equal(got.frame, want.frame)
    except AssertionError:
        return False
    return (got.complete, got.truncated, got.stale) == (want.complete, want.truncated, False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--reviews", type=int, default=60_000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()

    injected: Counter[str] = Counter()
    survived = requests = identical = 0
    elapsed = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.sqlite3"
        shop, secret = create_demo(db, reviews=args.reviews, days=args.days)
        with start_server(db) as clean:
            began = time.perf_counter()
            want = fetch(clean.url, shop, secret, args.days)
            baseline = time.perf_counter() - began
        print(f"fault-free: {len(want.frame)} reviews, {want.requests} requests, {baseline:.2f} s")

        for seed in range(args.rounds):
            options = ServerOptions(
                fault_rate=args.rate, fault_seed=seed, fault_delay=2 * CLIENT_TIMEOUT
            )
            with start_server(db, options) as faulty:
                began = time.perf_counter()
                try:
                    same = same_result(fetch(faulty.url, shop, secret, args.days), want)
                except NpsApiError as error:
                    same = False
                    print(f"round {seed}: raised {error!r}")
                elapsed += time.perf_counter() - began
                faults = faulty.app.faults.injected
                requests += faulty.request_count
            injected.update(faults)
            if same:
                identical += 1
                survived += sum(faults.values())
            else:
                print(f"round {seed}: the result differs from the fault-free one")

    every_kind = ServerOptions().fault_kinds  # the default: all of them
    kinds = ", ".join(f"{kind} {injected[kind]}" for kind in every_kind)
    print(f"rounds:              {args.rounds} at fault rate {args.rate:.0%}")
    print(f"requests:            {requests} ({requests / args.rounds:.0f} per fetch)")
    print(f"faults injected:     {sum(injected.values())} ({kinds})")
    print(f"faults survived:     {survived} (in rounds whose result was exact)")
    print(f"identical results:   {identical}/{args.rounds}")
    print(f"time per fetch:      {elapsed / args.rounds:.2f} s (fault-free {baseline:.2f} s)")
    return 0 if identical == args.rounds else 1


if __name__ == "__main__":
    sys.exit(main())
