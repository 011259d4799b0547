"""No English on a Russian page: each page's text, as Chromium shows it (and as a screen
reader reads it), holds no Latin word but those that are legitimately Latin
(``tests.support.reach``).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    PAGES_DRAWN,
    charts_drawn,
    open_board,
    open_drawn,
    shown_text,
    wait_for_app,
)
from tests.support.reach import DATA, data_words, english_left, shop_words_of

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shop_words(dashboard) -> set[str]:
    return shop_words_of(dashboard)


def assert_russian(page, shop_words: set[str]) -> None:
    """The page as shown now says nothing in English (its themes' words aside)."""
    wait_for_app(page)
    text = shown_text(page, DATA)
    assert re.search("[а-яё]", text)
    assert english_left(text, shop_words | data_words(page)) == []


@pytest.mark.parametrize("name", PAGES_DRAWN)
def test_a_russian_page_says_nothing_in_english(dashboard, page, shop_words, name):
    open_drawn(page, dashboard.url, name, "lang=ru")
    for expander in page.locator("[data-testid='stExpander'] summary").all():
        expander.click()  # the charts' tables too
    assert_russian(page, shop_words)
    # The page says its language, so that a screen reader reads it with a Russian voice.
    page.wait_for_function("() => document.documentElement.lang === 'ru'")


def test_every_themes_tab_says_nothing_in_english(dashboard, page, shop_words):
    """The Comments page draws only the open tab of its Themes section: open each."""
    open_drawn(page, dashboard.url, "comments", "lang=ru")
    tabs = page.get_by_role("tab")
    assert tabs.count() == 3
    for index in range(1, tabs.count()):
        tabs.nth(index).click()
        expect(tabs.nth(index)).to_have_attribute("aria-selected", "true")
        assert_russian(page, shop_words)


@pytest.mark.parametrize("query", ["kiosk=1&theme=dark", "kiosk=1&theme=light", "theme=dark"])
def test_the_russian_wallboard_says_nothing_in_english(dashboard, page, shop_words, query):
    """In both themes, and outside kiosk mode with the sidebar's controls."""
    open_board(page, dashboard.url, f"{query}&lang=ru")
    text = shown_text(page, DATA)
    assert "Последние 30 дней" in text
    assert english_left(text, shop_words) == []
    page.wait_for_function("() => document.documentElement.lang === 'ru'")


def test_the_scan_finds_english(dashboard, page, shop_words):
    """The same scan on the English page finds plenty: it is not blind."""
    page.goto(dashboard.url)
    wait_for_app(page)
    page.wait_for_function(charts_drawn(3))
    left = english_left(shown_text(page, DATA), shop_words)
    assert {"Overview", "Promoters", "Responses"} <= set(left)
