"""Page benchmark: each page's load in Chromium, warm, against an empty page; and the
server's time for each page and for a wallboard tick.

    .venv/bin/python -m bench.pages [--reviews 200000] [--peak-day N] [--loads 7] [--ticks 4]
    .venv/bin/python -m bench.pages --reviews 60000 --screenshots docs/screenshots

A demo shop of ``--reviews`` over a year (``--peak-day``: about that many reviews on its
busiest sale day) is served by the bundled server in its own process; the dashboard
reads it over HTTP (``streamlit run app.py``, run under ``bench.probe``, which notes the
server's time of every script run). Beside it run a tiny empty app and, for reference,
a tiny app with one three-point Plotly chart. One Chromium; after a warm-up load of each
(which fills the caches), they are loaded in turn, each load a new tab and so a new
Streamlit session. A load is timed from navigation until the page is complete: the
Overview's three charts drawn; the Segments' three charts and its table; the Comments'
table; the small apps' content; the script finished. Prints the median, min and max of
each, the ratios to the empty page (target: at most 2.5× for each page), and the
server's time of each page's script runs (median).

Then a wallboard (``refresh=15``) stays open for ``--ticks`` refreshes: the server's time
of each tick (a rerun of the board's fragment, its fetch included; target under 100 ms).

``--screenshots DIR`` also saves the Overview and Segments pages (light theme, 1440 px
wide, full height, last 90 days with a target and a rolling line) as
``DIR/overview.png`` and ``DIR/segments.png``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen

from playwright.sync_api import BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from nps_core.server import create_demo, demo_credentials
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    GRID_CELLS,
    charts_drawn,
    open_board,
    script_done_and,
)
from tests.support.dashboards import run_streamlit
from tests.support.paths import APP
from tests.support.servers import serve, stop

TARGET_RATIO = 2.5
LOAD_TIMEOUT_MS = 300_000
TICK_TARGET_MS = 100
WALLBOARD_REFRESH = 15
WIDTH = 1440
SCREENSHOT_QUERY = "?period=90d&target=35&rolling=28"
EMPTY_APP = 'import streamlit as st\n\nst.write("Empty page")\n'
ONE_CHART_APP = (
    "import plotly.graph_objects as go\nimport streamlit as st\n\n"
    "st.plotly_chart(go.Figure(go.Scatter(y=[1, 3, 2])))\n"
)
_CHARTS = """(count => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length >= count && plots.every(plot => plot.querySelector('.main-svg'));
})"""
_GRID = f"document.querySelector({json.dumps(GRID_CELLS)})"
OVERVIEW_DRAWN = charts_drawn(3)
# The dashboard's pages: path and what shows that the page is complete.
PAGES = {
    "overview": ("", OVERVIEW_DRAWN),
    "segments": ("segments", script_done_and(f"{_CHARTS}(3) && {_GRID}")),
    "comments": ("comments", script_done_and(_GRID)),
}
SMALL_APPS = {
    "empty": (
        EMPTY_APP,
        script_done_and(
            """[...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
            .some(block => block.innerText.includes('Empty page'))"""
        ),
    ),
    "one chart": (ONE_CHART_APP, charts_drawn(1)),
}


@dataclass
class Target:
    url: str
    ready: str
    log: Path | None = None  # its dashboard's probe log
    times: list[float] = field(default_factory=list)  # seconds per load, in the browser
    windows: list[tuple[float, float]] = field(default_factory=list)  # wall clock


def timed_load(new_page: Callable[[], Page], url: str, ready: str) -> tuple[float, float, float]:
    """(seconds, start, end) from navigation to ``ready`` in a new tab (a new session)."""
    page = new_page()
    try:
        wall, started = time.time(), time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_function(ready, timeout=LOAD_TIMEOUT_MS, polling="raf")
        return time.perf_counter() - started, wall, time.time()
    except PlaywrightError:
        print(f"{url} did not get ready; the page says:\n{page.inner_text('body')[:2000]}")
        raise
    finally:
        page.close()


def script_runs(log: Path) -> list[tuple[float, float]]:
    """(start, seconds) of every script run (fragment reruns too) the probe noted."""
    events = (json.loads(line) for line in log.read_text().splitlines())
    return [(e["start"], e["end"] - e["start"]) for e in events if e["what"] == "script run"]


def server_time(runs: list[tuple[float, float]], window: tuple[float, float]) -> float:
    """Seconds of script runs that started within ``window``."""
    return sum(seconds for start, seconds in runs if window[0] <= start <= window[1])


def full_page_screenshot(page: Page, url: str, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to it."""
    page.goto(url)
    page.wait_for_function(OVERVIEW_DRAWN, timeout=120_000)
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": height})
    page.wait_for_timeout(1500)  # plotly redraws at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": WIDTH, "height": 1000})


def screenshots(context: BrowserContext, dashboard: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    for name, path in (("overview", ""), ("segments", "segments")):
        shot = folder / f"{name}.png"
        full_page_screenshot(page, f"{dashboard}/{path}{SCREENSHOT_QUERY}", shot)
        print(f"saved {shot}")


def wallboard_ticks(context: BrowserContext, dashboard: str, ticks: int) -> tuple[float, float]:
    """The wall clock window of ``ticks`` refreshes of an open wallboard."""
    page = context.new_page()
    open_board(page, dashboard, f"refresh={WALLBOARD_REFRESH}", timeout=600_000)
    started = time.time()
    page.wait_for_timeout((ticks + 0.5) * WALLBOARD_REFRESH * 1000)
    page.close()
    return started, time.time()


def start_dashboard(
    script: Path, suffix: str, env: dict[str, str], log: Path
) -> tuple[dict[str, Target], Popen[bytes]]:
    """The dashboard at ``script`` under the probe: its pages as targets."""
    url, process = run_streamlit(script, python_args=["-m", "bench.probe", str(log)], **env)
    pages = {
        f"{name}{suffix}": Target(f"{url}/{path}", ready, log)
        for name, (path, ready) in PAGES.items()
    }
    return pages, process


def start_all(
    folder: Path, api: dict[str, str], before: Path | None
) -> tuple[dict[str, Target], list[Popen[bytes]]]:
    """The dashboard (and the one of ``before``) and the small apps, on their own ports."""
    dashboards = {"": APP} | ({" before": before.resolve() / "app.py"} if before else {})
    targets: dict[str, Target] = {}
    processes = []
    for suffix, script in dashboards.items():
        env = {**api, "NPS_DATA_DIR": str(folder / f"data{suffix.strip()}")}
        log = folder / f"probe{suffix.strip()}.jsonl"
        pages, process = start_dashboard(script, suffix, env, log)
        targets |= pages
        processes.append(process)
    for name, (code, ready) in SMALL_APPS.items():
        script = folder / f"{name.replace(' ', '_')}.py"
        script.write_text(code)
        app_url, process = run_streamlit(script, NPS_DATA_DIR=str(folder / "small-data"))
        processes.append(process)
        targets[name] = Target(app_url, ready)
    return targets, processes


def measure(targets: dict[str, Target], args: argparse.Namespace) -> dict[str, tuple]:
    """Fill each target's times and windows; returns each wallboard's window by the name
    of its dashboard's Overview."""
    boards = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # One context: the browser's own cache is warm too, as for a daily user.
        context = browser.new_context(viewport={"width": WIDTH, "height": 1000})
        for name, target in targets.items():
            seconds, _, _ = timed_load(context.new_page, target.url, target.ready)
            print(f"warm-up of {name}: {seconds:.1f} s")
        for _ in range(args.loads):  # in turn, so drifts in the machine hit all alike
            for target in targets.values():
                seconds, *window = timed_load(context.new_page, target.url, target.ready)
                target.times.append(seconds)
                target.windows.append((window[0], window[1]))
        for name, target in targets.items():
            if name.startswith("overview"):
                boards[name] = wallboard_ticks(context, target.url.rstrip("/"), args.ticks)
        if args.screenshots:
            screenshots(context, targets["overview"].url.rstrip("/"), args.screenshots)
        browser.close()
    return boards


def report(targets: dict[str, Target], boards: dict[str, tuple]) -> None:
    runs = {t.log: script_runs(t.log) for t in targets.values() if t.log is not None}
    medians = {name: statistics.median(target.times) for name, target in targets.items()}
    empty = medians["empty"]
    print(f"\n{'':17}{'median':>9}{'min':>9}{'max':>9}{'ratio':>9}{'server':>10}")
    for name, target in targets.items():
        times = target.times
        server = ""
        if target.log is not None:
            seconds = [server_time(runs[target.log], window) for window in target.windows]
            server = f"{1000 * statistics.median(seconds):7.0f} ms"
        print(
            f"{name:>17}{1000 * medians[name]:7.0f} ms{1000 * min(times):6.0f} ms"
            f"{1000 * max(times):6.0f} ms{medians[name] / empty:8.2f}×{server:>10}"
        )
    for name, target in targets.items():
        if target.log is not None:
            ratio = medians[name] / empty
            verdict = "within" if ratio <= TARGET_RATIO else "over"
            print(f"{name}: {ratio:.2f}× the empty page, {verdict} the {TARGET_RATIO:g}× target")
    for name, board in boards.items():
        log = targets[name].log
        assert log is not None
        ticks = [seconds for start, seconds in runs[log] if board[0] <= start <= board[1]]
        if ticks:
            print(
                f"wallboard{name.removeprefix('overview')} tick (refresh={WALLBOARD_REFRESH}), "
                f"server time over {len(ticks)} ticks: median "
                f"{1000 * statistics.median(ticks):.0f} ms, max {1000 * max(ticks):.0f} ms "
                f"(target under {TICK_TARGET_MS} ms)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--peak-day", type=int, help="about this many reviews on the busiest day")
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--ticks", type=int, default=4, help="wallboard refreshes to time")
    parser.add_argument("--screenshots", type=Path, help="save overview.png and segments.png here")
    parser.add_argument(
        "--db", type=Path, help="a demo database made already (--reviews: its size)"
    )
    parser.add_argument(
        "--before", type=Path, help="another checkout (e.g. a worktree of main) timed alongside"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        folder = Path(tmp)
        db = args.db or folder / "api.sqlite3"
        started = time.perf_counter()
        if args.db:
            shop, secret = demo_credentials(db) or ("", "")
        else:
            shop, secret = create_demo(db, reviews=args.reviews, peak_day=args.peak_day)
            print(
                f"demo database: {args.reviews:,} reviews in {time.perf_counter() - started:.0f} s"
            )
        with serve(db) as server:
            api = {"NPS_API_URL": server.url, "NPS_SHOP_ID": shop, "NPS_SHOP_SECRET": secret}
            targets, processes = start_all(folder, api, args.before)
            try:
                boards = measure(targets, args)
            finally:
                for process in processes:
                    stop(process)
        print(f"\n{args.reviews:,} reviews, default view (last 30 days), {args.loads} loads each")
        report(targets, boards)


if __name__ == "__main__":
    main()
