"""Wallboard API cost: requests made by several browser tabs on the wallboard, vs one tab.

    .venv/bin/python -m bench.wallboard_calls [--tabs 1 3 10] [--intervals 4] [--refresh 15]
    .venv/bin/python -m bench.wallboard_calls --tabs 1 --intervals 1 \
        --screenshot docs/screenshots/wallboard.png

One demo database (``--reviews``); for each tab count its own API server and Streamlit
process, so each server's request counter sees one configuration only. Every tab is a
new Streamlit session on ``/wallboard?refresh=…``. Once all have shown their board, the
requests are counted over the same whole refresh intervals of the wall clock for every
configuration; the target is the same figure whatever the number of tabs (one fetch per
interval, shared). ``--screenshot`` also saves the kiosk board at 1920×1080.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from nps_core.server import create_demo, start_server
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, open_board
from tests.support.dashboards import start_dashboard, stop_dashboard

# A first board over a large demo database takes a while to draw.
BOARD_TIMEOUT_MS = 120_000


def sleep_to_interval(refresh: int, offset: float = 0.5) -> None:
    """Until ``offset`` seconds into the next refresh interval of the wall clock."""
    time.sleep(refresh - time.time() % refresh + offset)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tabs", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--intervals", type=int, default=4)
    parser.add_argument("--refresh", type=int, default=15)
    parser.add_argument("--reviews", type=int, default=60_000)
    parser.add_argument("--screenshot", type=Path, help="save the kiosk board (1920×1080) here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-wallboard-") as tmp:
        folder = Path(tmp)
        db_path = folder / "demo.sqlite3"
        shop_id, secret = create_demo(db_path, reviews=args.reviews)
        servers, dashboards = [], {}
        try:
            for tabs in args.tabs:
                servers.append(start_server(db_path))
                dashboards[tabs] = start_dashboard(
                    servers[-1], shop_id, secret, folder / f"data-{tabs}"
                )
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                for tabs, dashboard in dashboards.items():
                    for _ in range(tabs):
                        open_board(
                            context.new_page(),
                            dashboard.url,
                            f"refresh={args.refresh}",
                            timeout=BOARD_TIMEOUT_MS,
                        )
                sleep_to_interval(args.refresh)
                before = {tabs: d.api.request_count for tabs, d in dashboards.items()}
                sleep_to_interval(args.refresh, offset=0.5 + (args.intervals - 1) * args.refresh)
                calls = {tabs: d.api.request_count - before[tabs] for tabs, d in dashboards.items()}
                context.close()
                if args.screenshot:
                    page = browser.new_page(viewport={"width": 1920, "height": 1080})
                    first = next(iter(dashboards.values()))
                    open_board(page, first.url, "kiosk=1", timeout=BOARD_TIMEOUT_MS)
                    page.wait_for_timeout(1000)  # web fonts
                    args.screenshot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(args.screenshot))
                    print(f"saved {args.screenshot}")
                browser.close()
        finally:
            for dashboard in dashboards.values():
                stop_dashboard(dashboard)
            for server in servers:
                server.stop()

    print(
        f"\n{args.reviews:,} demo reviews, refresh {args.refresh} s, "
        f"requests over {args.intervals} intervals"
    )
    for tabs, count in calls.items():
        print(f"{tabs:>3} tab{'s' if tabs > 1 else ' '}: {count:4d} requests")


if __name__ == "__main__":
    main()
