"""Sign-in in Chromium, through a real OpenID Connect flow against a provider on loopback.

The dashboard redirects to the provider, the provider to the dashboard's callback, and
Streamlit keeps the account in a signed cookie: nothing is stubbed on the way. Each
test starts from a fresh browser context, so no one is signed in.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import Page, expect

from nps_core.access.links import verify
from nps_core.access.log import JsonAccessLog
from nps_core.access.registry import JsonLinkRegistry
from nps_core.contract.wire import REVIEW_CONTACT_FIELDS
from nps_core.present.contacts import MASK
from nps_core.present.filters import parse_filters
from nps_core.ui.filters import today_in
from tests.support.browser import PAGE_MENU, assert_no_exception, grid_cells, wait_for_app
from tests.support.oidc import (
    ADMIN,
    COOKIE_SECRET,
    LINK_KEY,
    MANAGER,
    VIEWER,
    SignInDashboard,
    sign_in,
    sign_out,
)
from tests.support.shown import expected_frames

pytestmark = pytest.mark.browser

NAV = PAGE_MENU
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture(scope="module")
def held(signin_dashboard: SignInDashboard) -> dict[str, set[str]]:
    """Every contact of the default period and its comparison period, by field, read
    from the API apart from the dashboard: what a viewer must never get."""
    dashboard = signin_dashboard.dashboard
    today: date = today_in("UTC")
    state = parse_filters({}, today)[0]
    api = (dashboard.api, dashboard.shop_id, dashboard.shop_secret)
    found: dict[str, set[str]] = {name: set() for name in REVIEW_CONTACT_FIELDS}
    for frame in expected_frames(api, state, today):
        for name in REVIEW_CONTACT_FIELDS:
            found[name] |= {str(value) for value in frame[name].dropna()}
    assert all(len(values) > 500 for values in found.values())
    return found


def leaked(text: str, held: dict[str, set[str]]) -> list[str]:
    """The held contacts that occur in ``text``."""
    emails = set(EMAIL.findall(text)) & held["email"]
    others = [value for name in ("client_id", "phone") for value in held[name] if value in text]
    return sorted(emails) + others


def html_of(page: Page) -> str:
    return "\n".join(frame.content() for frame in page.frames)


def nav_items(page: Page) -> list[str]:
    nav = page.locator(NAV)
    nav.locator("a").first.wait_for()  # its links are drawn after the menu's box
    wait_for_app(page)
    return [line.strip() for line in nav.inner_text().splitlines() if line.strip()]


def open_comments(page: Page, url: str) -> list[str]:
    page.goto(f"{url}/comments")
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^[\d,]+ of [\d,]+ reviews$"))).to_be_visible()
    return grid_cells(page)


def download_csv(page: Page) -> tuple[list[str], list[dict[str, str]], str]:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    text = info.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return list(rows[0]), rows, text


def log_events(dashboard: SignInDashboard, account: str) -> list[dict]:
    records = JsonAccessLog(dashboard.data_dir / "access-log.jsonl").latest(10_000)
    return [record for record in records if record["account"] == account]


def test_a_viewer_sees_the_figures_but_no_contact_and_no_submit_page(
    signin_dashboard: SignInDashboard, guarded_page: Page, held
) -> None:
    page, url = guarded_page, signin_dashboard.url
    sign_in(page, url, VIEWER)
    page.locator("[data-testid='stMetric']").first.wait_for()
    items = nav_items(page)
    assert {"Overview", "Segments", "Comments", "Wallboard"} <= set(items)
    assert "Submit a review" not in items
    assert "Access" not in items
    assert VIEWER in page.locator("[data-testid='stSidebar']").inner_text()

    cells = open_comments(page, url)
    assert MASK in cells
    assert leaked(html_of(page), held) == []
    header, rows, text = download_csv(page)
    assert not set(header) & set(REVIEW_CONTACT_FIELDS)
    assert len(rows) > 500
    assert leaked(text, held) == []
    assert_no_exception(page)

    page.goto(f"{url}/submit")  # not in the navigation: not reachable by its address either
    wait_for_app(page)
    expect(page.get_by_text("Page not found")).to_be_visible()
    assert page.get_by_role("button", name="Send review").count() == 0
    events = {(r["page"], r["event"]) for r in log_events(signin_dashboard, VIEWER)}
    assert {("Overview", "page"), ("Comments", "page"), ("Comments", "export")} <= events
    assert ("Comments", "contacts") not in events  # a viewer is shown none


def test_a_manager_gets_contacts_in_the_table_and_the_csv_and_the_submit_page(
    signin_dashboard: SignInDashboard, guarded_page: Page, held
) -> None:
    page, url = guarded_page, signin_dashboard.url
    sign_in(page, url, MANAGER)
    items = nav_items(page)
    assert "Submit a review" in items
    assert "Access" not in items
    cells = open_comments(page, url)
    assert MASK not in cells
    assert set(cells) & held["client_id"]
    header, rows, _ = download_csv(page)
    assert "client_id" in header
    assert {row["client_id"] for row in rows} & held["client_id"]
    page.get_by_role("link", name="Submit a review").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Send review")).to_be_visible()
    events = [(r["page"], r["event"]) for r in log_events(signin_dashboard, MANAGER)]
    assert ("Comments", "contacts") in events
    export = next(r for r in log_events(signin_dashboard, MANAGER) if r["event"] == "export")
    assert export["detail"]["contacts"] is True
    assert export["role"] == "manager"


def test_an_admin_reads_the_log_and_shares_a_screen_that_shows_without_sign_in(
    signin_dashboard: SignInDashboard, guarded_page: Page, browser, held
) -> None:
    page, url = guarded_page, signin_dashboard.url
    sign_in(page, url, ADMIN)
    assert "Access" in nav_items(page)
    page.get_by_role("button", name="Share a screen").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Where is the screen?").fill("Reception TV")
    dialog.get_by_role("button", name="Create link").click()
    link = dialog.locator("[data-testid='stCode'] code").inner_text().strip()
    assert link.startswith(f"{url}/wallboard?")
    assert "kiosk=1" in link
    assert "sig=" in link
    (issued,) = [
        item
        for item in JsonLinkRegistry(signin_dashboard.data_dir / "screen-links.json").issued()
        if item.label == "Reception TV"
    ]
    assert verify(parse_qsl(link.split("?", 1)[1]), LINK_KEY, now=0, is_revoked=lambda _: False)
    assert issued.created_by == ADMIN

    screen = browser.new_context(viewport={"width": 1280, "height": 720})  # no cookie at all
    try:
        board = screen.new_page()
        board.goto(link)
        board.wait_for_selector(".wb [data-status]", timeout=60_000)
        assert board.locator(NAV).count() == 0
        assert board.get_by_role("button", name="Sign in").count() == 0
        assert leaked(html_of(board), held) == []
    finally:
        screen.close()

    page.keyboard.press("Escape")
    page.goto(f"{url}/access")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Access log")).to_be_visible()
    assert "Reception TV" in " ".join(grid_cells(page))
    assert_no_exception(page)
    for name in ("access-log.jsonl", "screen-links.json"):
        text = (signin_dashboard.data_dir / name).read_text(encoding="utf-8")
        assert LINK_KEY not in text
        assert COOKIE_SECRET not in text
        assert "sig=" not in text
        assert issued.link_id in text


def test_an_account_not_on_the_list_sees_a_no_access_page_naming_it(
    signin_dashboard: SignInDashboard, guarded_page: Page
) -> None:
    page, url = guarded_page, signin_dashboard.url
    sign_in(page, url, "stranger@else.org")
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    expect(page.get_by_text("stranger@else.org")).to_be_visible()
    assert page.locator(NAV).count() == 0
    assert page.locator("[data-testid='stMetric']").count() == 0
    page.goto(f"{url}/comments")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    assert [r["event"] for r in log_events(signin_dashboard, "stranger@else.org")] == [
        "no_access",
        "no_access",
    ]  # once per session: two page loads, two sessions


def test_signing_out_ends_the_session_on_every_page(
    signin_dashboard: SignInDashboard, guarded_page: Page
) -> None:
    page, url = guarded_page, signin_dashboard.url
    for path in ("", "comments", "wallboard"):
        sign_in(page, url, VIEWER)
        if path:
            page.goto(f"{url}/{path}")
            wait_for_app(page)
        sign_out(page, url)
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        page.goto(f"{url}/comments")  # the cookie is gone: a new session is signed out
        wait_for_app(page)
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert page.locator("[data-testid='stDataFrame']").count() == 0


def test_a_link_followed_before_sign_in_opens_after_it(
    signin_dashboard: SignInDashboard, guarded_page: Page
) -> None:
    """A manager follows a link (an alert's, a colleague's) while signed out: after the
    provider's round trip the same page opens with the same filters, once."""
    page, url = guarded_page, signin_dashboard.url
    page.goto(f"{url}/comments?period=7d&group=detractor")
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize?**")
    page.get_by_role("button", name=MANAGER, exact=True).click()
    page.wait_for_url(re.compile(r".*/comments\?period=7d&group=detractor$"))
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Comments", exact=True)).to_be_visible()
    page.goto(url)  # the place is used once: the root stays the root
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    assert page.url.rstrip("/") == url


def test_an_unsigned_wallboard_link_needs_sign_in(
    signin_dashboard: SignInDashboard, guarded_page: Page
) -> None:
    guarded_page.goto(f"{signin_dashboard.url}/wallboard?kiosk=1&period=7d")
    wait_for_app(guarded_page)
    expect(guarded_page.get_by_role("button", name="Sign in")).to_be_visible()
    assert guarded_page.locator(".wb").count() == 0
