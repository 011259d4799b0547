"""No English on a Russian page: each page's text, as Chromium shows it (and as a screen
reader reads it), holds no Latin word but those that are legitimately Latin
(``tests.support.reach``).
"""

from __future__ import annotations

import re

import pytest

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


@pytest.mark.parametrize("name", PAGES_DRAWN)
def test_a_russian_page_says_nothing_in_english(dashboard, page, shop_words, name):
    open_drawn(page, dashboard.url, name, "lang=ru")
    for expander in page.locator("[data-testid='stExpander'] summary").all():
        expander.click()  # the charts' tables too
    wait_for_app(page)
    text = shown_text(page, DATA)
    assert re.search("[а-яё]", text)
    assert english_left(text, shop_words | data_words(page)) == []
    # The page says its language, so that a screen reader reads it with a Russian voice.
    page.wait_for_function("() => document.documentElement.lang === 'ru'")


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_russian_wallboard_says_nothing_in_english(dashboard, page, shop_words, theme):
    open_board(page, dashboard.url, f"kiosk=1&theme={theme}&lang=ru")
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
