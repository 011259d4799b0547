"""The Themes section in Chromium: a click on a theme's bar lists its comments, in the link."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from nps_core import NpsClient, fetch_reviews, find_themes, parse_filters
from nps_core.present.filters import filter_frame
from nps_core.ui.filters import today_in
from tests.support.browser import assert_no_exception, wait_for_app
from tests.support.dashboards import Dashboard

pytestmark = pytest.mark.browser

CHART = ".st-key-cmt_theme_chart0"


def expected_themes(dashboard: Dashboard):
    """The themes of the page's default view, computed apart from the dashboard."""
    state = parse_filters({}, today_in("UTC"))[0]
    period = state.period(today_in("UTC"))
    with NpsClient(dashboard.api.url, dashboard.shop_id, dashboard.shop_secret) as client:
        frame = filter_frame(fetch_reviews(client, period.start, period.end).frame, state)
    return find_themes(frame)


def test_clicking_a_theme_bar_filters_the_comments(dashboard: Dashboard, page) -> None:
    page.goto(f"{dashboard.url}/comments")
    wait_for_app(page)
    page.wait_for_selector(f"{CHART} .main-svg .bars .point path")
    want = expected_themes(dashboard)
    row = want.table.iloc[1]  # the second costliest: not simply the first thing on the page
    bars = page.locator(f"{CHART} .bars .point path")
    assert bars.count() == len(want.table)
    # Plotly takes clicks on its drag layer above the bars: click where the bar is drawn.
    box = bars.nth(1).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    page.wait_for_function("() => location.search.includes('theme=')")
    wait_for_app(page)
    assert parse_qs(urlparse(page.url).query)["theme"] == [row["label"]]
    expect(
        page.get_by_text(re.compile(rf"^{int(row['mentions']):,} of [\d,]+ reviews$"))
    ).to_be_visible()
    # The chip shows the choice too, and the chosen bar is outlined on the new chart.
    chip = page.locator(".st-key-cmt_theme_pick").get_by_role("radio", name=row["label"])
    expect(chip).to_have_attribute("aria-checked", "true")
    assert_no_exception(page)

    # The link alone reproduces the view in a new session.
    page.goto(page.url)
    wait_for_app(page)
    expect(
        page.get_by_text(re.compile(rf"^{int(row['mentions']):,} of [\d,]+ reviews$"))
    ).to_be_visible()
