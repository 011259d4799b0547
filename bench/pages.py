"""Page benchmark: time until the Overview's charts are visible in Chromium.

    .venv/bin/python -m bench.pages [--reviews 200000] [--loads 7]
    .venv/bin/python -m bench.pages --reviews 60000 --screenshots docs/screenshots

Starts Streamlit processes on free loopback ports: the dashboard in demo mode (its
bundled server over ``--reviews`` demo reviews, in a fresh data folder), a tiny empty
app, and for reference a tiny app with one three-point Plotly chart (both written to a
temporary folder). One Chromium; after a warm-up load of each (which builds the demo
database and fills the caches), they are loaded in turn, each load a new tab and so a
new Streamlit session. A load is timed from navigation until every Overview chart has
drawn its SVG and the script has finished (for the small apps: until their content
shows). Prints the median, min and max of each and the ratios to the empty page; the
target for the Overview is at most 3×. The one-chart app shows the part no dashboard
can avoid: the Plotly bundle any Plotly chart makes a fresh tab load and run.

``--screenshots DIR`` also saves the Overview and Segments pages (light theme, 1440 px
wide, full height, last 90 days with a target and a rolling line) as
``DIR/overview.png`` and ``DIR/segments.png``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from subprocess import Popen

from playwright.sync_api import Page, sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, charts_drawn, script_done_and
from tests.support.dashboards import run_streamlit
from tests.support.paths import APP
from tests.support.servers import stop

OVERVIEW_CHARTS = 3
TARGET_RATIO = 3.0
WIDTH = 1440
SCREENSHOT_QUERY = "?period=90d&target=35&rolling=28"
EMPTY_APP = 'import streamlit as st\n\nst.write("Empty page")\n'
ONE_CHART_APP = (
    "import plotly.graph_objects as go\nimport streamlit as st\n\n"
    "st.plotly_chart(go.Figure(go.Scatter(y=[1, 3, 2])))\n"
)
OVERVIEW_DRAWN = charts_drawn(OVERVIEW_CHARTS)
ONE_CHART_DRAWN = charts_drawn(1)
EMPTY_SHOWN = script_done_and(
    """[...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
    .some(block => block.innerText.includes('Empty page'))"""
)


def start_streamlit(script: Path, data_dir: Path, reviews: int) -> tuple[str, Popen[bytes]]:
    """``streamlit run script`` in demo mode over its own data folder; returns (url, process)."""
    return run_streamlit(script, NPS_DATA_DIR=str(data_dir), NPS_DEMO_REVIEWS=str(reviews))


def timed_load(new_page: Callable[[], Page], url: str, ready: str) -> float:
    """Seconds from navigation to ``ready`` in a new tab (a new Streamlit session)."""
    page = new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_function(ready, timeout=300_000, polling="raf")
        return time.perf_counter() - started
    finally:
        page.close()


def full_page_screenshot(page: Page, url: str, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to it."""
    page.goto(url)
    page.wait_for_function(OVERVIEW_DRAWN, timeout=120_000)
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": height})
    page.wait_for_timeout(1500)  # plotly redraws at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": WIDTH, "height": 1000})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviews", type=int, default=200_000)
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--screenshots", type=Path, help="save overview.png and segments.png here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        folder = Path(tmp)
        apps = {"empty": (EMPTY_APP, EMPTY_SHOWN), "one chart": (ONE_CHART_APP, ONE_CHART_DRAWN)}
        processes = []
        try:
            url, process = start_streamlit(APP, folder / "data", args.reviews)
            processes.append(process)
            targets = {"overview": (url, OVERVIEW_DRAWN)}
            for name, (code, ready) in apps.items():
                script = folder / f"{name.replace(' ', '_')}.py"
                script.write_text(code)
                url, process = start_streamlit(script, folder / "small-data", args.reviews)
                processes.append(process)
                targets[name] = (url, ready)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                # One context: the browser's own cache is warm too, as for a daily user.
                context = browser.new_context(viewport={"width": WIDTH, "height": 1000})
                for name, (url, ready) in targets.items():
                    warm_up = timed_load(context.new_page, url, ready)
                    print(f"warm-up of {name}: {warm_up:.1f} s")
                times: dict[str, list[float]] = {name: [] for name in targets}
                for _ in range(args.loads):  # in turn, so drifts in the machine hit all alike
                    for name, (url, ready) in targets.items():
                        times[name].append(timed_load(context.new_page, url, ready))
                if args.screenshots:
                    args.screenshots.mkdir(parents=True, exist_ok=True)
                    page = context.new_page()
                    dashboard = targets["overview"][0]
                    for name, path in (("overview", ""), ("segments", "segments")):
                        shot = args.screenshots / f"{name}.png"
                        full_page_screenshot(page, f"{dashboard}/{path}{SCREENSHOT_QUERY}", shot)
                        print(f"saved {shot}")
                browser.close()
        finally:
            for process in processes:
                stop(process)

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"\n{args.reviews:,} demo reviews, default view (last 30 days), {args.loads} loads each")
    for name, values in times.items():
        print(
            f"{name:>9}: median {1000 * medians[name]:6.0f} ms   min {1000 * min(values):6.0f}"
            f"   max {1000 * max(values):6.0f}   {medians[name] / medians['empty']:.2f}× empty"
        )
    ratio = medians["overview"] / medians["empty"]
    verdict = "within" if ratio <= TARGET_RATIO else "over"
    print(f"Overview: {ratio:.2f}× the empty page, {verdict} the {TARGET_RATIO:g}× target.")


if __name__ == "__main__":
    main()
