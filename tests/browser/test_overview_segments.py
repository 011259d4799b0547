"""Overview and Segments in Chromium: charts drawn, links reproduce views, drill-down by click."""

from __future__ import annotations

import re

import pytest

from nps_core.analysis.nps import summarize
from nps_core.data.client import NpsClient
from nps_core.data.fetch import fetch_reviews
from nps_core.present.filters import filter_frame, parse_filters
from nps_core.present.formatting import format_count, format_nps
from nps_core.ui.filters import today_in
from tests.support.browser import PAGE_MENU, assert_no_exception, charts_drawn, metric_value

pytestmark = pytest.mark.browser

# Charts each page draws when its period has reviews and a comparison.
CHARTS = {"": 3, "segments": 3}


def wait_for_charts(page, count: int) -> None:
    """Until ``count`` plotly charts have drawn their SVG and the script has finished."""
    page.wait_for_function(charts_drawn(count), timeout=60_000)


def expected_summary(dashboard, query: dict[str, str]) -> tuple[str, str]:
    """(NPS, responses) as the Overview's cards should show them for ``query``."""
    state, _ = parse_filters(query, today_in("UTC"))
    period = state.period(today_in("UTC"))
    with NpsClient(dashboard.api.url, dashboard.shop_id, dashboard.shop_secret) as client:
        frame = fetch_reviews(client, period.start, period.end).frame
    summary = summarize(filter_frame(frame, state))
    return format_nps(summary.nps), format_count(summary.n)


def shown_summary(page) -> tuple[str, str]:
    return metric_value(page, "NPS"), metric_value(page, "Responses")


def chosen_channels(page) -> list[str]:
    box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    return [tag.get_attribute("aria-label") for tag in box.locator("span[data-tag]").all()]


@pytest.mark.parametrize("path", CHARTS, ids=["overview", "segments"])
def test_page_draws_its_charts_without_exception(dashboard, page, path):
    page.goto(f"{dashboard.url}/{path}")
    wait_for_charts(page, CHARTS[path])
    assert_no_exception(page)
    assert page.locator(".js-plotly-plot").count() == CHARTS[path]


def test_a_link_with_filters_reproduces_the_filtered_view(dashboard, page):
    query = {"period": "90d", "channel": "email"}
    page.goto(f"{dashboard.url}/?period=90d&channel=email")
    wait_for_charts(page, CHARTS[""])
    assert_no_exception(page)
    assert chosen_channels(page) == ["Email survey"]
    period_box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    assert period_box.locator("input").input_value() == "Last 90 days"
    assert shown_summary(page) == expected_summary(dashboard, query)
    # The filter narrowed the view: the unfiltered period holds more responses (its NPS
    # may coincide on some days' demo data, so the count is what must differ).
    assert shown_summary(page)[1] != expected_summary(dashboard, {"period": "90d"})[1]


def test_filters_survive_a_page_switch(dashboard, page):
    page.goto(f"{dashboard.url}/?period=90d&channel=email")
    wait_for_charts(page, CHARTS[""])
    page.locator(PAGE_MENU).get_by_text("Segments").click()
    page.wait_for_url(re.compile(r"/segments\?"))
    wait_for_charts(page, CHARTS["segments"])
    assert_no_exception(page)
    assert chosen_channels(page) == ["Email survey"]
    assert "period=90d" in page.url
    assert "channel=email" in page.url


def test_clicking_a_table_row_drills_down(dashboard, page):
    page.goto(f"{dashboard.url}/segments?period=90d")
    wait_for_charts(page, CHARTS["segments"])
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The first row's selection box: left column, just under the header row.
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    page.wait_for_url(re.compile(r"channel="))
    wait_for_charts(page, CHARTS["segments"])
    assert_no_exception(page)
    assert len(chosen_channels(page)) == 1
