"""The pages of sign-in in Russian and under axe-core: the sign-in gate, "no access", the
Access page (screen links, access log) and the "Share a screen" dialog.

Through the real OpenID Connect flow of ``tests/browser/test_sign_in.py``: the provider
signs in; the Russian view then comes from the link (``lang=ru``), as for a user.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import assert_no_exception, shown_text, wait_for_app
from tests.support.oidc import ADMIN, SignInDashboard, sign_in
from tests.support.reach import DATA, assert_accessible, english_left, shop_words_of

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shop_words(signin_dashboard: SignInDashboard) -> set[str]:
    return shop_words_of(signin_dashboard.dashboard)


def russian_only(page: Page, shop_words: set[str]) -> str:
    text = shown_text(page, DATA)
    assert re.search("[а-яё]", text), text
    assert english_left(text, shop_words) == []
    return text


def test_the_sign_in_gate(signin_dashboard: SignInDashboard, guarded_page: Page, shop_words):
    page = guarded_page
    page.goto(f"{signin_dashboard.url}/?lang=ru")
    wait_for_app(page)
    expect(page.get_by_role("button", name="Войти")).to_be_visible()
    russian_only(page, shop_words)
    assert_accessible(page, "sign-in (ru)")
    page.goto(signin_dashboard.url)
    wait_for_app(page)
    assert_accessible(page, "sign-in (en)")


def test_no_access(signin_dashboard: SignInDashboard, guarded_page: Page, shop_words):
    page = guarded_page
    # Not test_sign_in's stranger: that test counts its account's log records.
    sign_in(page, signin_dashboard.url, "outsider@else.org")
    assert_accessible(page, "no access (en)")
    page.goto(f"{signin_dashboard.url}/?lang=ru")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Нет доступа")).to_be_visible()
    russian_only(page, shop_words)
    assert_accessible(page, "no access (ru)")


def test_the_access_page_and_the_share_dialog(
    signin_dashboard: SignInDashboard, guarded_page: Page, shop_words
):
    page, url = guarded_page, signin_dashboard.url
    sign_in(page, url, ADMIN)
    for language in ("en", "ru"):
        page.goto(f"{url}/access?lang={language}")
        wait_for_app(page)
        page.wait_for_selector("[data-testid='stDataFrame']")
        assert_no_exception(page)
        assert_accessible(page, f"access ({language})")
    # The links' and the log's cells are records (accounts, codes): the headings are ours.
    russian_only(page, shop_words)

    page.get_by_role("button", name="Поделиться экраном").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Где стоит экран?")).to_be_visible()
    wait_for_app(page)
    assert_accessible(page, "share a screen (ru)")
    dialog_text = shown_text(page, DATA).split("Поделиться экраном", 1)[-1]
    assert english_left(dialog_text, shop_words) == []
    dialog.get_by_label("Где стоит экран?").fill("Экран в поддержке")
    dialog.get_by_role("button", name="Создать ссылку").click()
    expect(dialog.locator("[data-testid='stCode'] code")).to_contain_text("/wallboard?")
    expect(dialog).to_contain_text("Ссылка для экрана")
