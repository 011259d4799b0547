"""Signed wall-screen links in Chromium: a valid one shows the board without sign-in, and
a tampered, wrongly signed, expired or revoked one is refused with a plain message.

The links are signed here with the dashboard's key, as the "Share a screen" dialog signs
them (that dialog is driven in ``test_sign_in.py``).
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from nps_core.access.links import new_link_id, sign, signature
from nps_core.access.registry import JsonLinkRegistry
from nps_core.contract.wire import REVIEW_CONTACT_FIELDS
from nps_core.data.client import NpsClient
from nps_core.data.fetch import fetch_reviews
from nps_core.ui.filters import today_in
from nps_core.ui.screens import CHECK_SECONDS
from tests.support.browser import PAGE_MENU, assert_no_exception, wait_for_app
from tests.support.oidc import LINK_KEY, SignInDashboard

pytestmark = pytest.mark.browser

BOARD = {"period": "7d", "panels": "today,week,period,comments", "refresh": "30", "kiosk": "1"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def link(dashboard: SignInDashboard, query: dict[str, str]) -> str:
    return f"{dashboard.url}/wallboard?{urlencode(query)}"


def signed(**changes: str) -> dict[str, str]:
    expires = int(time.time()) + 3600
    return {**sign(BOARD, LINK_KEY, link_id=new_link_id(), expires=expires), **changes}


def html_of(page: Page) -> str:
    return "\n".join(frame.content() for frame in page.frames)


def expect_refused(page: Page, url: str, words: str) -> None:
    page.goto(url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Not available")).to_be_visible()
    expect(page.get_by_text(words)).to_be_visible()
    assert page.locator(".wb").count() == 0
    assert page.get_by_role("button", name="Sign in").count() == 0
    assert_no_exception(page)


def test_a_signed_link_shows_the_board_alone_without_contacts(
    signin_dashboard: SignInDashboard, guarded_page: Page
) -> None:
    dashboard = signin_dashboard.dashboard
    guarded_page.goto(link(signin_dashboard, signed()))
    guarded_page.wait_for_selector(".wb [data-status='fresh']", timeout=60_000)
    assert guarded_page.locator("[data-panel='comments']").count() == 1
    assert guarded_page.locator(PAGE_MENU).count() == 0
    assert guarded_page.get_by_role("button", name="Sign out").count() == 0
    today = today_in("UTC")
    with NpsClient(dashboard.api.url, dashboard.shop_id, dashboard.shop_secret) as client:
        frame = fetch_reviews(client, today - timedelta(days=14), today).frame  # the board's span
    held = {str(v) for name in REVIEW_CONTACT_FIELDS for v in frame[name].dropna()}
    assert len(held) > 100
    html = html_of(guarded_page)
    assert EMAIL.findall(html) == []
    assert [value for value in held if value in html] == []
    assert_no_exception(guarded_page)


def test_a_tampered_parameter_is_refused(
    signin_dashboard: SignInDashboard, guarded_page: Page
) -> None:
    for change in ({"period": "12m"}, {"panels": "comments"}, {"kiosk": "0"}):
        expect_refused(guarded_page, link(signin_dashboard, signed(**change)), "not valid")
    added = {**signed(), "channel": "web"}
    expect_refused(guarded_page, link(signin_dashboard, added), "not valid")


def test_a_wrong_signature_is_refused(
    signin_dashboard: SignInDashboard, guarded_page: Page
) -> None:
    query = signed()
    forged = signature([(k, v) for k, v in query.items() if k != "sig"], "x" * 40)
    expect_refused(guarded_page, link(signin_dashboard, {**query, "sig": forged}), "not valid")


def test_an_expired_link_is_refused(signin_dashboard: SignInDashboard, guarded_page: Page) -> None:
    expired = sign(BOARD, LINK_KEY, link_id=new_link_id(), expires=int(time.time()) - 60)
    expect_refused(guarded_page, link(signin_dashboard, expired), "expired on")


def test_a_revoked_link_is_refused_and_leaves_the_screen_showing_it(
    signin_dashboard: SignInDashboard, guarded_page: Page
) -> None:
    query = signed()
    guarded_page.goto(link(signin_dashboard, query))
    guarded_page.wait_for_selector(".wb [data-status]", timeout=60_000)
    JsonLinkRegistry(signin_dashboard.data_dir / "screen-links.json").revoke(query["link"])
    # The board already on the wall goes within its check interval, without a reload.
    wait = (CHECK_SECONDS + 15) * 1000
    expect(guarded_page.get_by_text("was revoked")).to_be_visible(timeout=wait)
    assert guarded_page.locator(".wb").count() == 0
    expect_refused(guarded_page, link(signin_dashboard, query), "revoked")
