"""Chromium and what the browser tests and benches wait for and read on a page."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "GRID_CELLS",
    "assert_no_exception",
    "charts_drawn",
    "grid_cells",
    "keep_to_loopback",
    "metric_value",
    "open_board",
    "require_tool",
    "script_done_and",
    "wait_for_app",
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The cells of a dataframe's accessible grid (its canvas draws the same).
GRID_CELLS = "[data-testid='stDataFrame'] table[role='grid'] td"
_SCRIPT_DONE = "!document.querySelector('[data-testid=\"stStatusWidget\"]')"


def keep_to_loopback(context: BrowserContext) -> None:
    """Abort every request of ``context`` to an address off this machine (a provider's
    page may ask a CDN for its style sheet): tests reach loopback servers only."""

    def route(route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)


def require_tool(path: str) -> None:
    """Skip without a tool locally; under CI a missing tool is a failure."""
    if not os.path.exists(path):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is required under CI (make test installs it)")
        pytest.skip(f"{path} is not installed")


def charts_drawn(count: int) -> str:
    """A page predicate: ``count`` plotly charts have drawn their SVG and the script has
    finished."""
    return f"""() => {{
        const plots = [...document.querySelectorAll('.js-plotly-plot')];
        return plots.length >= {count}
            && plots.every(plot => plot.querySelector('.main-svg'))
            && {_SCRIPT_DONE};
    }}"""


def script_done_and(condition: str) -> str:
    """A page predicate: the JavaScript ``condition`` holds and the script has finished."""
    return f"() => ({condition}) && {_SCRIPT_DONE}"


def wait_for_app(page: Page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no spinner, no 'running')."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(f"() => {_SCRIPT_DONE}", timeout=timeout)


def assert_no_exception(page: Page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator(
        "[data-testid='stException']"
    ).first.inner_text()


def grid_cells(page: Page) -> list[str]:
    """The table's cells as its accessible grid holds them."""
    page.wait_for_selector(GRID_CELLS, state="attached")
    return page.locator(GRID_CELLS).all_text_contents()


def metric_value(page: Page, label: str) -> str:
    """The value of the first metric card whose text holds ``label``."""
    metric = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def open_board(
    page: Page, url: str, query: str, *, fresh: bool = True, timeout: float = 60_000
) -> None:
    """The dashboard at ``url`` on its wallboard with ``query``, once its board shows a
    status (``fresh``: a fresh one). The board redraws itself on a timer: wait for its
    status, not for an idle app."""
    status = "[data-status='fresh']" if fresh else "[data-status]"
    page.goto(f"{url}/wallboard?{query}")
    page.wait_for_selector(f".wb {status}", timeout=timeout)
