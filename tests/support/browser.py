"""Chromium and what the browser tests and benches wait for and read on a page."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "GRID_CELLS",
    "PAGES_DRAWN",
    "PAGE_MENU",
    "accessibility_violations",
    "assert_no_exception",
    "charts_drawn",
    "grid_cells",
    "keep_to_loopback",
    "metric_value",
    "open_board",
    "open_drawn",
    "require_tool",
    "script_done_and",
    "shown_text",
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
# The sidebar's page menu (``nps_core.ui.menu``; Streamlit's own is hidden).
PAGE_MENU = ".st-key-page_menu"
# The cells of a dataframe's accessible grid (its canvas draws the same).
GRID_CELLS = "[data-testid='stDataFrame'] table[role='grid'] td"
_SCRIPT_DONE = "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
# The text a reader sees or hears: every rendered text node, and the images' alt texts;
# not what is hidden from screen readers too, nor icon ligatures ("keyboard_arrow_down"),
# nor what matches ``skip`` (the caller's: text that is data, such as comments).
_SHOWN_TEXT = """skip => {
    const out = [];
    const hidden = '[aria-hidden="true"], script, style, noscript, ' +
        '[data-testid="stIconMaterial"]';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const element = walker.currentNode.parentElement;
        if (!element || element.closest(hidden) || (skip && element.closest(skip))) continue;
        if (!element.getClientRects().length) continue;
        const style = getComputedStyle(element);
        if (style.visibility === 'hidden' || style.fontFamily.includes('Material Symbols')) continue;
        out.push(walker.currentNode.textContent);
    }
    for (const image of document.querySelectorAll('img[alt]')) {
        if (!(skip && image.closest(skip))) out.push(image.alt);
    }
    out.push(document.title);
    return out.join('\\n');
}"""


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


# Each page of the dashboard by its path, and the page predicate saying it is drawn.
PAGES_DRAWN: dict[str, tuple[str, str]] = {
    "overview": ("", charts_drawn(3)),
    "segments": ("segments", charts_drawn(3)),
    "comments": ("comments", script_done_and(f'document.querySelector("{GRID_CELLS}")')),
    "submit": ("submit", script_done_and("document.querySelector('.st-key-sub_rate button')")),
    "followup": ("followup", script_done_and("document.querySelector('.st-key-fu_status')")),
}


def open_drawn(page: Page, url: str, name: str, query: str = "") -> None:
    """The dashboard at ``url`` on page ``name`` (of ``PAGES_DRAWN``) with ``query``,
    once it is drawn, without an exception."""
    path, drawn = PAGES_DRAWN[name]
    page.goto(f"{url}/{path}" + (f"?{query}" if query else ""))
    wait_for_app(page)
    page.wait_for_function(drawn)
    wait_for_app(page)
    assert_no_exception(page)


def shown_text(page: Page, skip: str = "") -> str:
    """Everything the page says to a reader (``_SHOWN_TEXT``), but what matches ``skip``."""
    return str(page.evaluate(_SHOWN_TEXT, skip or None))


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of the page as it is now (WCAG 2.x A/AA and best practices)."""
    from axe_playwright_python.sync_playwright import Axe

    return list(Axe().run(page).response["violations"])


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
