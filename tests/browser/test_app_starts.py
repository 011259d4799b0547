"""The dashboard opens in Chromium and shows the NPS figure."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import PAGE_MENU, assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser


def test_overview_shows_nps(dashboard, page):
    page.goto(dashboard.url)
    wait_for_app(page)
    metric = page.locator("[data-testid='stMetric']").filter(has_text="NPS").first
    metric.wait_for()
    value = metric.locator("[data-testid='stMetricValue']").inner_text()
    assert re.fullmatch(r"[+−-]?\d+", value.strip()), value
    assert_no_exception(page)


def test_a_deep_link_as_first_request_runs_the_app_entry(dashboard_factory, page):
    # A fresh process whose first request is a deep link must still run app.py
    # (layout, navigation); a folder named pages/ would make Streamlit skip it.
    fresh = dashboard_factory()
    page.goto(f"{fresh.url}/segments")
    wait_for_app(page)
    nav = page.locator(PAGE_MENU)
    nav.wait_for()
    assert "Wallboard" in nav.inner_text()
    assert "app" not in [item.strip() for item in nav.inner_text().splitlines()]
    assert_no_exception(page)
