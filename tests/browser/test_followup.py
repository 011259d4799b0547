"""The Follow-up page in Chromium: a follow-up saved at once is there after a reload;
two managers, signed in, editing one follow-up see the conflict and lose nothing.

The page writes to the state store: the first test runs on a dashboard of its own
(local mode), the second on the sign-in tests' dashboard, in its own store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from nps_core.data.client import NpsClient
from nps_core.data.fetch import fetch_reviews
from nps_core.ui.filters import today_in
from tests.support.browser import assert_no_exception, grid_cells, keep_to_loopback, wait_for_app
from tests.support.dashboards import Dashboard, own_dashboard
from tests.support.oidc import ADMIN, MANAGER, SignInDashboard, sign_in

pytestmark = pytest.mark.browser

NOTICE_TIMEOUT = 30_000


@pytest.fixture(scope="module")
def team_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    with own_dashboard(tmp_path_factory.mktemp("followup"), reviews=3000) as dashboard:
        yield dashboard


def detractor_ids(dashboard: Dashboard) -> list[int]:
    """The ids of the last 30 days' detractors, newest first."""
    today = today_in("UTC")
    with NpsClient(dashboard.api.url, dashboard.shop_id, dashboard.shop_secret) as client:
        frame = fetch_reviews(client, today - timedelta(days=29), today).frame
    rows = frame[(frame["rate"] <= 6).to_numpy()].sort_values("created_at", ascending=False)
    return [int(i) for i in rows["id"]]


@pytest.fixture(scope="module")
def detractors(team_dashboard: Dashboard) -> list[int]:
    return detractor_ids(team_dashboard)


def open_followup(page: Page, dashboard: Dashboard, review: int) -> None:
    page.goto(f"{dashboard.url}/followup?review={review}")
    page.wait_for_selector(".st-key-fu_status", timeout=60_000)
    wait_for_app(page)


def choose_status(page: Page, label: str) -> None:
    """Open the status box and pick ``label``; a click that lands while the page is still
    drawing itself opens nothing, so the box is clicked again until its list shows."""
    option = page.get_by_role("option", name=label, exact=True)
    for _ in range(5):
        wait_for_app(page)
        page.locator(".st-key-fu_status input").click()
        try:
            option.wait_for(timeout=3_000)
            break
        except PlaywrightTimeout:
            continue
    option.click()


def click(page: Page, name: str) -> None:
    """A button, once the page has finished its run (a click during one may be lost)."""
    wait_for_app(page)
    page.get_by_role("button", name=name, exact=True).first.click()


def save(page: Page) -> None:
    click(page, "Save")


def expect_notice(page: Page, kind: str, text: str | re.Pattern[str]) -> None:
    """The page's success or warning notice says ``text`` (a loaded machine is slow)."""
    notice = page.locator(f"[data-testid='stAlertContent{kind}']")
    expect(notice).to_contain_text(text, timeout=NOTICE_TIMEOUT)


def expect_form(page: Page, *, status: str, note: str, owner: str | None = None) -> None:
    """The editor shows these values (waiting while the page draws itself)."""
    expect(page.locator(".st-key-fu_status input")).to_have_value(status, timeout=NOTICE_TIMEOUT)
    expect(page.locator(".st-key-fu_note textarea")).to_have_value(note, timeout=NOTICE_TIMEOUT)
    if owner is not None:
        owner_box = page.locator(".st-key-fu_owner input")
        expect(owner_box).to_have_value(owner, timeout=NOTICE_TIMEOUT)


def test_assign_status_and_note_are_kept_across_a_reload(
    team_dashboard: Dashboard, detractors: list[int], page: Page
) -> None:
    review = detractors[0]
    open_followup(page, team_dashboard, review)
    choose_status(page, "Contacted")
    page.locator(".st-key-fu_note textarea").fill("Called: a refund is on its way")
    save(page)
    expect_notice(page, "Success", "Saved: status, note.")
    click(page, "Assign to me")
    expect_notice(page, "Success", "Assigned to me.")
    assert_no_exception(page)

    page.reload()
    page.wait_for_selector(".st-key-fu_status", timeout=60_000)
    wait_for_app(page)
    expect_form(page, status="Contacted", note="Called: a refund is on its way", owner="me")
    cells = grid_cells(page)
    assert "Called: a refund is on its way" in cells
    assert "Contacted" in cells
    assert_no_exception(page)


@pytest.fixture(scope="module")
def signin_detractors(signin_dashboard: SignInDashboard) -> list[int]:
    return detractor_ids(signin_dashboard.dashboard)


def test_two_managers_editing_one_follow_up_see_the_conflict(
    signin_dashboard: SignInDashboard, signin_detractors: list[int], browser
) -> None:
    """Two accounts signed in through the real OpenID Connect flow, in two browsers."""
    review, url = signin_detractors[0], signin_dashboard.url
    contexts = [browser.new_context(viewport={"width": 1440, "height": 1000}) for _ in "ab"]
    try:
        ann, bob = (context.new_page() for context in contexts)
        for context, page, account in zip(contexts, (ann, bob), (MANAGER, ADMIN), strict=True):
            keep_to_loopback(context)
            page.set_default_timeout(30_000)
            sign_in(page, url, account)
            open_followup(page, signin_dashboard.dashboard, review)
        ann.locator(".st-key-fu_note textarea").fill("Left a voicemail")
        save(ann)
        expect_notice(ann, "Success", "Saved: note.")

        choose_status(bob, "Resolved")
        save(bob)
        expect_notice(bob, "Warning", f"{MANAGER} changed this follow-up first")
        expect_notice(bob, "Warning", re.compile(r"Your change \(status\) was not saved"))
        # Bob's choice is still in his form, beside Ann's note.
        expect_form(bob, status="Resolved", note="Left a voicemail")
        save(bob)
        expect_notice(bob, "Success", "Saved: status.")
        click(bob, "Assign to me")
        expect_notice(bob, "Success", f"Assigned to {ADMIN}.")

        ann.reload()
        ann.wait_for_selector(".st-key-fu_status", timeout=60_000)
        wait_for_app(ann)
        expect_form(ann, status="Resolved", note="Left a voicemail", owner=ADMIN)
        for page in (ann, bob):
            assert_no_exception(page)
    finally:
        for context in contexts:
            context.close()
