"""The dashboard opens in Chromium and shows the NPS figure."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser


def test_overview_shows_nps(dashboard, page):
    page.goto(dashboard.url)
    wait_for_app(page)
    metric = page.locator("[data-testid='stMetric']").filter(has_text="NPS").first
    metric.wait_for()
    value = metric.locator("[data-testid='stMetricValue']").inner_text()
    assert re.fullmatch(r"[+−-]?\d+", value.strip()), value
    assert_no_exception(page)
