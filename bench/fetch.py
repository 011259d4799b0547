"""Fetch benchmark: every review of a year, four ways, side by side in one run.

    .venv/bin/python -m bench.fetch [--reviews 200000] [--runs 3] [--db PATH] [--peak-day N]
        [--latency 100] [--before DIR]

Against the bundled server (its own process, on a loopback port) holding 200,000 demo
reviews over 365 days, with sale days over the 1000 cap:

(a) naive: what a user would write — sequential, one request per day, list of dicts →
    DataFrame (and it silently loses the reviews of any day over the cap);
(b) raw floor: plain httpx pulling exactly the windows the planner chose, with the same
    concurrency, no parsing at all;
(c) fetch_reviews, cold (empty cache);
(d) fetch_reviews, warm, in a new process (disk cache only).

(b) and (c) also show the CPU seconds the client and the server process spent, and with
``--before DIR`` (another checkout, its ``.venv`` installed) that checkout's cold
``fetch_reviews`` runs in its own process against the same server, interleaved with (c).

Also prints the requests each made and the memory of the frame, at its size and, below a
million rows, at 1,000,000 (the rows replicated with fresh ids through the same
conversion). ``--peak-day``: a big shop's busiest days (see ``create_demo``).

Then the same year from a server across a network (``serve --latency 100``: every
answer waits 100 ms ±20%): (a) naive against ``fetch_reviews`` cold with 8 and with 24
workers, each beside its latency floor, requests ÷ concurrency × latency.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

import httpx
import pandas as pd
import pyarrow as pa

from nps_core import (
    NpsClient,
    ReviewCache,
    ReviewSet,
    fetch_reviews,
    rows_to_table,
    table_to_frame,
)
from nps_core.server import create_demo, demo_credentials
from tests.support.paths import ROOT
from tests.support.servers import serve

T = TypeVar("T")
WORKERS = 8
# Workers of the runs at a network's latency: the default, and enough to hide it.
LATENT_WORKERS = (WORKERS, 24)

WARM_SNIPPET = """
import time, json
from datetime import date
from nps_core import NpsClient, ReviewCache, fetch_reviews
times = []
for _ in range({runs}):
    cache = ReviewCache({cache!r})  # a fresh object: nothing in memory, all from disk
    with NpsClient({url!r}, {shop!r}, {secret!r}) as client:
        t0 = time.perf_counter()
        result = fetch_reviews(client, date.fromisoformat({start!r}), date.fromisoformat({end!r}), cache=cache)
        times.append(time.perf_counter() - t0)
print(json.dumps({{"times": times, "rows": len(result.frame), "requests": result.requests}}))
"""


def naive(url: str, shop: str, secret: str, start: date, end: date) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    records: list[dict] = []
    day, requests = start, 0
    while day <= end:
        params = {
            "shop_id": shop,
            "shop_secret": secret,
            "date_from": str(day),
            "date_to": str(day),
        }
        records.extend(httpx.get(f"{url}/nps/reviews", params=params, timeout=30).json())
        requests += 1
        day += timedelta(days=1)
    frame = pd.DataFrame(records)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return time.perf_counter() - t0, requests, len(frame)


class RecordingTransport(httpx.HTTPTransport):
    """Remembers every URL the planner asked for, so (b) can replay exactly those."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return super().handle_request(request)


COLD_SNIPPET = """
import time, json
from datetime import date
from nps_core import NpsClient, ReviewCache, fetch_reviews
with NpsClient({url!r}, {shop!r}, {secret!r}) as client:
    t0 = time.perf_counter()
    result = fetch_reviews(client, date.fromisoformat({start!r}), date.fromisoformat({end!r}),
                           cache=ReviewCache({cache!r}), max_workers={workers})
    print(json.dumps({{"time": time.perf_counter() - t0, "rows": len(result.frame)}}))
"""


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) a process has spent so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Timed:
    """One run: wall seconds, the client's and the server's CPU seconds."""

    wall: float
    client_cpu: float
    server_cpu: float


def timed(server_pid: int, work: Callable[[], T]) -> tuple[Timed, T]:
    server0, client0, t0 = cpu_seconds(server_pid), time.process_time(), time.perf_counter()
    out = work()
    wall = time.perf_counter() - t0
    return Timed(wall, time.process_time() - client0, cpu_seconds(server_pid) - server0), out


def raw_floor(urls: list[str]) -> None:
    with httpx.Client(timeout=30) as http, ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda u: http.get(u).content, urls))


def cold(url, shop, secret, start, end, cache_dir: Path):
    transport = RecordingTransport()
    with NpsClient(url, shop, secret, transport=transport) as client:
        t0 = time.perf_counter()
        result = fetch_reviews(
            client, start, end, cache=ReviewCache(cache_dir), max_workers=WORKERS
        )
        elapsed = time.perf_counter() - t0
    return elapsed, result, transport.urls


def cold_before(before: Path, url, shop, secret, start, end, cache_dir: Path) -> float:
    """The other checkout's cold fetch_reviews, in its own process: its seconds."""
    snippet = COLD_SNIPPET.format(
        url=url, shop=shop, secret=secret, start=str(start), end=str(end),
        cache=str(cache_dir), workers=WORKERS,
    )  # fmt: skip
    python = before / ".venv" / "bin" / "python"
    out = subprocess.run(
        [str(python), "-c", snippet], capture_output=True, text=True, check=True, cwd=before
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["time"])


def warm(url, shop, secret, start, end, cache_dir: Path, runs: int) -> dict:
    snippet = WARM_SNIPPET.format(
        runs=runs, cache=str(cache_dir), url=url, shop=shop, secret=secret,
        start=str(start), end=str(end),
    )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", snippet], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def frame_megabytes(frame: pd.DataFrame) -> float:
    return frame.memory_usage(deep=True).sum() / 2**20


def million_row_frame(frame: pd.DataFrame, target: int = 1_000_000) -> pd.DataFrame:
    """The 200,000 reviews replicated with fresh ids, through the fetch layer's conversion."""
    base = pd.DataFrame(
        {
            "id": frame["id"],
            "created_at": frame["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z",
            "channel": frame["channel"].astype(str),
            "category": frame["category"].astype(str),
            "rate": frame["rate"].astype(int),
            "comment": frame["comment"].astype(object).where(frame["comment"].notna(), None),
            "client_id": frame["client_id"].astype(object),
            "email": frame["email"].astype(object).where(frame["email"].notna(), None),
            "phone": frame["phone"].astype(object).where(frame["phone"].notna(), None),
        }
    )
    records = base.to_dict("records")
    copies, tables = -(-target // len(records)), []
    for copy in range(copies):
        offset = copy * 10_000_000
        rows = [{**r, "id": r["id"] + offset} for r in records]
        tables.append(rows_to_table(rows))
    table = pa.concat_tables(tables).slice(0, target)
    return table_to_frame(table, "UTC", legacy=False)


@dataclass
class Figures:
    """What one run measured: (a) to (d) of the module's docstring."""

    start: date
    end: date
    naive: tuple[float, int, int]  # seconds, requests, rows
    raw_floor: float  # median seconds
    cold: float  # median seconds
    ratios: list[float]  # cold ÷ floor of each run
    floor_runs: list[Timed]
    cold_runs: list[Timed]
    before: list[float]  # the other checkout's cold seconds, if any
    result: ReviewSet  # of the last cold run
    urls: list[str]  # that run asked for
    warm_closed: dict  # times, rows, requests of the warm runs over a closed year
    warm_open: dict  # and over the year ending today


def measure(
    url: str, shop: str, secret: str, folder: Path, runs: int, pid: int, before: Path | None
) -> Figures:
    today = datetime.now(UTC).date()
    # A closed year (ending three days ago): the warm run needs no request at all.
    end = today - timedelta(days=3)
    start = end - timedelta(days=364)
    naive_figures = naive(url, shop, secret, start, end)
    cold_runs, floor_runs, before_times = [], [], []
    for run in range(runs):
        cache = folder / f"cache-{run}"
        spent, (_, result, urls) = timed(pid, partial(cold, url, shop, secret, start, end, cache))
        cold_runs.append(spent)
        floor_runs.append(timed(pid, partial(raw_floor, urls))[0])
        if before is not None:
            cache = folder / f"before-{run}"
            before_times.append(cold_before(before, url, shop, secret, start, end, cache))
    cache = folder / "cache-0"
    warm_closed = warm(url, shop, secret, start, end, cache, runs + 2)
    # The dashboard's usual view ends today: open days are always asked again.
    cold(url, shop, secret, today - timedelta(days=364), today, cache)
    warm_open = warm(url, shop, secret, today - timedelta(days=364), today, cache, runs + 2)
    return Figures(
        start, end, naive_figures,
        statistics.median(r.wall for r in floor_runs), statistics.median(r.wall for r in cold_runs),
        [c.wall / f.wall for c, f in zip(cold_runs, floor_runs, strict=True)],
        floor_runs, cold_runs, before_times, result, urls, warm_closed, warm_open,
    )  # fmt: skip


def report_cpu(figures: Figures) -> None:
    """CPU seconds beside the times: what the two cores had to do."""
    for label, runs in (("(b) raw floor", figures.floor_runs), ("(c) cold", figures.cold_runs)):
        client = statistics.median(r.client_cpu for r in runs)
        server = statistics.median(r.server_cpu for r in runs)
        print(f"{label:14} CPU: client {client:.2f} s, server {server:.2f} s (medians)")
    ratios = ", ".join(f"{r:.2f}" for r in figures.ratios)
    print(f"(c)/(b) of each run: {ratios}; median {statistics.median(figures.ratios):.2f}x")
    if figures.before:
        before = statistics.median(figures.before)
        print(
            f"--before's cold fetch_reviews, interleaved: {before * 1000:.0f} ms median "
            f"({before / figures.raw_floor:.2f}x the floor); this one {figures.cold * 1000:.0f} ms"
        )
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


def report(figures: Figures) -> None:
    (a, a_requests, a_rows), b, c = figures.naive, figures.raw_floor, figures.cold
    result, warm_closed, warm_open = figures.result, figures.warm_closed, figures.warm_open
    d = statistics.median(warm_closed["times"])
    d_open = statistics.median(warm_open["times"])
    print(f"period {figures.start} .. {figures.end} (365 days), {len(result.frame):,} reviews")
    print(f"truncated cells: {len(result.truncated)}; complete: {result.complete}")
    print()
    print(f"{'':34}{'time':>10}{'requests':>10}{'rows':>10}")
    print(f"{'(a) naive, sequential per day':34}{a * 1000:>8.0f}ms{a_requests:>10}{a_rows:>10,}")
    print(
        f"{'(b) raw floor, planner windows':34}{b * 1000:>8.0f}ms{len(figures.urls):>10}{'-':>10}"
    )
    print(
        f"{'(c) fetch_reviews cold':34}{c * 1000:>8.0f}ms{result.requests:>10}{len(result.frame):>10,}"
    )
    print(
        f"{'(d) warm, new process, closed year':34}{d * 1000:>8.1f}ms{warm_closed['requests']:>10}{warm_closed['rows']:>10,}"
    )
    print(
        f"{'    warm, year ending today':34}{d_open * 1000:>8.1f}ms{warm_open['requests']:>10}{warm_open['rows']:>10,}"
    )
    print()
    print(f"(a)/(c) = {a / c:.1f}x   (target >= 5x)")
    print(f"(c)/(b) = {c / b:.2f}x  (target <= 1.3x)")
    print(f"(c)/(d) = {c / d:.0f}x   (target >= 50x; year ending today: {c / d_open:.0f}x)")
    print(f"naive lost {len(result.frame) - a_rows:,} reviews to the cap without a word")
    report_cpu(figures)
    print()
    megabytes = frame_megabytes(result.frame)
    rows = len(result.frame)
    print(
        f"frame memory, {rows:,} rows: {megabytes:.1f} MB, {megabytes / rows * 1e6:.1f} MB per million"
    )
    if rows < 1_000_000:
        big = million_row_frame(result.frame)
        print(f"frame memory, {len(big):,} rows: {frame_megabytes(big):.1f} MB (target <= 250 MB)")


@dataclass
class LatentFigures:
    """The runs against a server with latency: naive, and cold per number of workers."""

    latency: float  # seconds
    naive: tuple[float, int, int]  # seconds, requests, rows
    cold: list[tuple[int, float, int, int]]  # workers, median seconds, requests, rows


def measure_latent(url: str, shop: str, secret: str, runs: int, latency: float) -> LatentFigures:
    end = datetime.now(UTC).date() - timedelta(days=3)
    start = end - timedelta(days=364)
    naive_figures = naive(url, shop, secret, start, end)
    cold_figures = []
    for workers in LATENT_WORKERS:
        times = []
        for _ in range(runs):
            with NpsClient(url, shop, secret) as client:
                t0 = time.perf_counter()
                result = fetch_reviews(client, start, end, max_workers=workers)
                times.append(time.perf_counter() - t0)
        cold_figures.append((workers, statistics.median(times), result.requests, len(result.frame)))
    return LatentFigures(latency, naive_figures, cold_figures)


def report_latent(figures: LatentFigures) -> None:
    naive_s, naive_requests, naive_rows = figures.naive
    ms = figures.latency * 1000
    print()
    print(f"at {ms:.0f} ms latency (±20%) per answer, the same year:")
    print(f"{'':34}{'time':>10}{'requests':>10}{'rows':>10}{'floor':>10}{'÷ floor':>9}")
    print(
        f"{'(a) naive, sequential per day':34}{naive_s:>9.1f}s{naive_requests:>10}{naive_rows:>10,}"
    )
    for workers, seconds, requests, rows in figures.cold:
        floor = requests / workers * figures.latency
        label = f"(c) fetch_reviews cold, {workers} workers"
        print(
            f"{label:34}{seconds:>9.2f}s{requests:>10}{rows:>10,}{floor:>9.2f}s"
            f"{seconds / floor:>8.2f}x   naive ÷ this {naive_s / seconds:.1f}x"
        )
    print("targets: naive ÷ cold >= 20x; cold ÷ floor <= 1.3x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=100, help="ms; 0 skips that part")
    parser.add_argument("--before", type=Path, help="another checkout timed alongside (c)")
    parser.add_argument("--peak-day", type=int, help="about this many reviews on the busiest day")
    parser.add_argument(
        "--db", type=Path, help="a demo database made already (--reviews: its size)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = args.db or folder / "api.sqlite3"
        t0 = time.perf_counter()
        if args.db:
            shop, secret = demo_credentials(db) or ("", "")
        else:
            shop, secret = create_demo(db, args.reviews, 365, peak_day=args.peak_day)
            print(f"demo database: {args.reviews:,} reviews in {time.perf_counter() - t0:.1f} s")
        with serve(db) as server:
            pid = server.process.pid
            figures = measure(server.url, shop, secret, folder, args.runs, pid, args.before)
        latent = None
        if args.latency > 0:
            with serve(db, "--latency", f"{args.latency:g}") as server:
                latent = measure_latent(server.url, shop, secret, args.runs, args.latency / 1000)
    report(figures)
    if latent is not None:
        report_latent(latent)


if __name__ == "__main__":
    main()
