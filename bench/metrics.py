"""Benchmark of nps_core.analysis (NPS figures) on 1,000,000 synthetic reviews.

Times what one dashboard render asks of the metrics module — summarize, weekly trend
by channel, breakdown by channel × category, distribution and compare with the
previous period — all together, median of 7 runs, beside a naive per-row Python loop
computing the same summary. Target: under 250 ms in total.

Run from the repo root:  .venv/bin/python -m bench.metrics
"""

from __future__ import annotations

import math
import statistics
import time

import numpy as np
import pandas as pd

from nps_core import breakdown, compare, distribution, groups_of, summarize, trend

N = 1_000_000
RUNS = 7
TARGET_MS = 250.0
CHANNELS = ["web", "email", "sms", "push", "app", "offline"]
CATEGORIES = [f"cat-{i:02d}" for i in range(12)]


def reviews(n: int, first_day: str, days: int, seed: int) -> pd.DataFrame:
    """A review frame shaped like fetch_reviews' output (the columns metrics reads)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(first_day, tz="UTC").value // 1_000_000  # ms
    created_ms = start + rng.integers(0, days * 86_400_000, n)
    created_at = pd.to_datetime(np.sort(created_ms), unit="ms", utc=True)
    channel = rng.integers(0, len(CHANNELS), n)
    # Rates skewed per channel so segments really differ.
    tilt = np.array([0.0, -0.5, -1.0, 0.5, 0.8, -1.5])[channel]
    rate = np.clip(np.round(rng.normal(7.5 + tilt, 2.2)), 0, 10).astype(np.int8)
    frame = pd.DataFrame(
        {
            "id": np.arange(n, dtype=np.int64),
            "created_at": created_at,
            # `day` as the fetch gives it: python date objects in the shop's zone.
            "day": pd.Series(created_at.tz_convert("Europe/Moscow").date, dtype=object),
            "channel": pd.Categorical.from_codes(channel, categories=CHANNELS),
            "category": pd.Categorical.from_codes(
                rng.integers(0, len(CATEGORIES), n), categories=CATEGORIES
            ),
            "rate": rate,
        }
    )
    frame["group"] = groups_of(frame["rate"])  # ordered categorical, as the fetch gives it
    return frame


def dashboard(current: pd.DataFrame, previous: pd.DataFrame) -> None:
    summarize(current)
    trend(current, "W", by="channel")
    breakdown(current, ["channel", "category"])
    distribution(current)
    compare(current, previous)


def naive_summary(frame: pd.DataFrame) -> tuple[int, float, float, float]:
    """The same summary, one Python iteration per review row."""
    promoters = passives = detractors = 0
    for row in frame.itertuples(index=False):
        rate = row.rate
        if rate >= 9:
            promoters += 1
        elif rate >= 7:
            passives += 1
        else:
            detractors += 1
    n = promoters + passives + detractors
    nps = 100.0 * (promoters - detractors) / n
    n_adj = n + 3
    pp, pd_ = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
    var = pp + pd_ - (pp - pd_) ** 2
    margin = 100 * 1.959963984540054 * math.sqrt(var / n_adj)
    centre = 100 * (pp - pd_)
    return n, nps, max(centre - margin, -100.0), min(centre + margin, 100.0)


def time_ms(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t0) * 1000.0


def main() -> None:
    print(f"building {N:,} reviews (+ {N:,} for the previous period) …", flush=True)
    current = reviews(N, "2024-01-01", 365, seed=1)
    previous = reviews(N, "2023-01-01", 365, seed=2)

    dashboard(current, previous)  # warm-up: imports, first-call allocations
    parts = {
        "summarize": lambda: summarize(current),
        "trend W by channel": lambda: trend(current, "W", by="channel"),
        "breakdown channel×category": lambda: breakdown(current, ["channel", "category"]),
        "distribution": lambda: distribution(current),
        "compare with previous": lambda: compare(current, previous),
    }
    print(f"\nmedian of {RUNS} runs, {N:,} reviews")
    for name, fn in parts.items():
        median = statistics.median(time_ms(fn) for _ in range(RUNS))
        print(f"  {name:<28} {median:8.1f} ms")
    total = statistics.median(time_ms(dashboard, current, previous) for _ in range(RUNS))
    verdict = "OK" if total < TARGET_MS else "OVER TARGET"
    print(f"  {'all together':<28} {total:8.1f} ms   (target < {TARGET_MS:.0f} ms: {verdict})")

    loop_ms = time_ms(naive_summary, current)
    fast = summarize(current)
    slow = naive_summary(current)
    if slow[0] != fast.n or not all(
        math.isclose(a, b)
        for a, b in zip(slow[1:], (fast.nps, fast.ci_low, fast.ci_high), strict=True)
    ):
        raise SystemExit(f"naive loop disagrees with summarize: {slow} vs {fast}")
    summ = statistics.median(time_ms(summarize, current) for _ in range(RUNS))
    print(f"\nnaive per-row loop, summary only (1 run): {loop_ms:8.1f} ms")
    print(f"summarize, vectorised (median):            {summ:8.1f} ms")
    print(f"speed-up on the summary:                   {loop_ms / summ:8.0f}x")


if __name__ == "__main__":
    main()
