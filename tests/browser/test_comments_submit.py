"""Comments and Submit in Chromium: comments render literally; a review sent shows at once.

These tests write reviews, so they run on a dashboard and database of their own rather
than the shared read-only one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from nps_core.data.client import NpsClient
from nps_core.ui.filters import today_in
from tests.support.browser import assert_no_exception, grid_cells, wait_for_app
from tests.support.dashboards import Dashboard, own_dashboard

pytestmark = pytest.mark.browser

HOSTILE = "<script>window.__x=1</script> **bold** [link](https://example.com) ![img](x.png)"


@pytest.fixture(scope="module")
def writable_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    with own_dashboard(tmp_path_factory.mktemp("writable"), reviews=3000) as dashboard:
        yield dashboard


def client(dashboard: Dashboard) -> NpsClient:
    return NpsClient(dashboard.api.url, dashboard.shop_id, dashboard.shop_secret)


def open_page(page, dashboard: Dashboard, path: str) -> None:
    page.goto(f"{dashboard.url}/{path}")
    wait_for_app(page)


def expect_count(page, shown: int) -> None:
    """Wait for the "1 of 450 reviews" line to say ``shown``."""
    expect(page.get_by_text(re.compile(rf"^{shown} of [\d,]+ reviews?$"))).to_be_visible()


def test_comments_are_shown_literally(writable_dashboard: Dashboard, page) -> None:
    token = f"lit{uuid.uuid4().hex[:8]}"
    comment = f"{token} {HOSTILE}"
    with client(writable_dashboard) as api:
        api.create_review(
            channel="web", category="delivery", rate=2, comment=comment, email=f"{token}@x.org"
        )

    open_page(page, writable_dashboard, f"comments?q={token}")
    expect_count(page, 1)
    assert comment in grid_cells(page)
    assert page.evaluate("() => typeof window.__x") == "undefined"
    assert page.locator("strong", has_text="bold").count() == 0
    assert page.locator("a[href='https://example.com']").count() == 0
    assert page.locator("img[src='x.png']").count() == 0
    scripts = page.evaluate(
        "() => [...document.scripts].filter(s => s.textContent.includes('__x')).length"
    )
    assert scripts == 0
    assert_no_exception(page)


def test_a_review_sent_from_the_page_shows_on_comments(writable_dashboard: Dashboard, page) -> None:
    token = f"sub{uuid.uuid4().hex[:8]}"
    # Comments first, so today's reviews are cached: the submit must refresh them.
    open_page(page, writable_dashboard, f"comments?q={token}")
    expect_count(page, 0)

    page.goto(f"{writable_dashboard.url}/submit")
    wait_for_app(page)
    page.locator(".st-key-sub_rate button", has_text=re.compile(r"^4$")).click()
    # The comment's prompt becomes the category's question for a detractor.
    expect(page.locator(".st-key-sub_comment label")).to_have_text(
        "We're sorry. What went wrong with your delivery?"
    )
    page.locator(".st-key-sub_comment textarea").fill(f"{token} **the courier** was late")
    page.locator(".st-key-sub_email input").fill(f"{token}@example.com")
    page.get_by_role("button", name=re.compile("Send review")).dblclick()
    expect(page.locator("[data-testid='stAlertContentSuccess']")).to_contain_text(
        "Thank you for telling us. Our delivery team will look into it."
    )
    assert_no_exception(page)

    today = today_in("UTC")
    with client(writable_dashboard) as api:
        sent = api.reviews(today - timedelta(days=1), today + timedelta(days=1))
    assert [r.comment for r in sent if r.email == f"{token}@example.com"] == [
        f"{token} **the courier** was late"
    ]

    page.goto(f"{writable_dashboard.url}/comments?q={token}")
    wait_for_app(page)
    expect_count(page, 1)
    assert f"{token} **the courier** was late" in grid_cells(page)
    assert_no_exception(page)
