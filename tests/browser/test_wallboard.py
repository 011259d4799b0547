"""The Wallboard in Chromium: it refreshes in place, says when it is stale, and shares fetches.

Real refresh intervals (15 s, the shortest allowed), so these take about two minutes.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest

from nps_core.data.client import NpsClient
from tests.support.browser import PAGE_MENU, assert_no_exception, open_board
from tests.support.dashboards import Dashboard

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REFRESH = 15
# Two refreshes, the fetch itself, and the client's retries when the API is gone.
TWO_REFRESHES_MS = (2 * REFRESH + 10) * 1000
BOARD = ".wb"


def open_fresh_board(page, dashboard: Dashboard, query: str) -> None:
    open_board(page, dashboard.url, query)
    assert_no_exception(page)


def headlines(page) -> dict[str, str]:
    """The big figure and its detail line of each headline panel."""
    return {
        panel: page.locator(f"[data-panel='{panel}']").inner_text()
        for panel in ("today", "week", "period")
    }


def today_count(page) -> int:
    detail = page.locator("[data-panel='today'] .wb-detail").inner_text()
    found = re.match(r"n = ([\d,]+)", detail)
    assert found, detail
    return int(found.group(1).replace(",", ""))


def test_a_new_review_appears_in_place_then_the_board_goes_stale(dashboard_factory, page):
    dashboard = dashboard_factory()
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_fresh_board(page, dashboard, f"refresh={REFRESH}&kiosk=1")

    # Kiosk: no sidebar, toolbar or page menu; the board fills the 1080p screen.
    for chrome in ("stSidebar", "stToolbar", "stHeader", "stSidebarNav"):
        assert not page.locator(f"[data-testid='{chrome}']").is_visible(), chrome
    assert not page.locator(PAGE_MENU).is_visible()
    box = page.locator(BOARD).bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 1080
    big = page.locator("[data-panel='period'] .wb-big").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert big >= 120  # px on a 1080-pixel screen

    page.evaluate("window.__wallboardMarker = 1")  # gone if the page reloads
    before = today_count(page)
    comment = f"Wallboard check {uuid.uuid4().hex[:8]}: the parcel was late"
    with NpsClient(dashboard.api.url, dashboard.shop_id, dashboard.shop_secret) as client:
        channel, category = client.channels()[0].code, client.categories()[0].code
        client.create_review(
            channel=channel, category=category, rate=2, comment=comment, email="tv@example.com"
        )
    added = time.monotonic()

    shown = page.locator(".wb-comment", has_text=comment)
    shown.wait_for(timeout=TWO_REFRESHES_MS)
    print(f"\nnew review shown {time.monotonic() - added:.0f} s after it was added")
    assert "detractor" in shown.inner_text()
    assert today_count(page) == before + 1
    assert page.evaluate("window.__wallboardMarker") == 1
    last_figures = headlines(page)

    dashboard.api.stop()
    page.wait_for_selector(f"{BOARD} [data-status='stale']", timeout=TWO_REFRESHES_MS)
    status = page.locator("[data-status='stale']").inner_text()
    assert re.fullmatch(r"stale since \d\d:\d\d", status), status
    assert headlines(page) == last_figures
    assert shown.is_visible()
    assert page.evaluate("window.__wallboardMarker") == 1
    assert_no_exception(page)


def wait_for_interval_start(offset: float = 0.5) -> None:
    """Sleep until ``offset`` seconds into the next refresh interval (of the wall clock)."""
    time.sleep(REFRESH - (time.time() % REFRESH) + offset)


def test_three_screens_cost_the_api_what_one_does(dashboard_factory, browser):
    screens = {1: dashboard_factory(), 3: dashboard_factory()}
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        for tabs, dashboard in screens.items():
            for _ in range(tabs):
                open_fresh_board(context.new_page(), dashboard, f"refresh={REFRESH}")
        # Two whole intervals, the same ones for both: each interval is one fetch.
        wait_for_interval_start()
        before = {tabs: dashboard.api.request_count for tabs, dashboard in screens.items()}
        wait_for_interval_start(offset=REFRESH)
        calls = {tabs: screens[tabs].api.request_count - before[tabs] for tabs in screens}
        for page in context.pages:
            assert_no_exception(page)
    finally:
        context.close()
    print(f"\nAPI calls over two {REFRESH} s intervals: one tab {calls[1]}, three tabs {calls[3]}")
    assert calls[1] > 0, "the board did not refresh"
    # A tick a hair past an interval's start may fall on either side of the reading.
    one_fetch = max(1, calls[1] // 2)
    assert calls[3] <= calls[1] + one_fetch
