"""What the reach tests allow and check: the Latin words a Russian page may hold, and
axe-core's verdict on a page.

Legitimately Latin: abbreviations and names (NPS, CSV, API, PersonaClick, Email, ID), the
shop's own words as the API gives them (channel and category names, the categories'
questions), customers' comments and accounts (left out by selector), codes and
addresses, language names in the switch, and a short list of Streamlit's own words that
the app cannot change (the "Skip to main content" link of its page).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nps_core.data.client import NpsClient
from tests.support.browser import GRID_CELLS, accessibility_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.support.dashboards import Dashboard

__all__ = [
    "ALLOWED",
    "DATA",
    "THEME_CHIPS",
    "assert_accessible",
    "data_words",
    "english_left",
    "shop_words_of",
]

ALLOWED = {
    # abbreviations, units and names
    "NPS", "CSV", "API", "PersonaClick", "Email", "email", "ID", "HTTP", "UTC", "n", "p",
    "z", "D", "W", "M", "Q", "et", "al", "Monroe",
    # the language switch names each language in itself
    "English",
    # Streamlit's own: the keyboard's skip link
    "Skip", "to", "main", "content",
}  # fmt: skip
# Text that is data, not interface: comments, the theme chips made of their words, the
# tables' cells (comments, names, ids, accounts), accounts in bold, addresses and codes,
# and the Follow-up page's customer: the comment quoted and the email linked.
DATA = ", ".join(
    (
        GRID_CELLS,
        ".wb-text",
        "blockquote",
        "a[href^='mailto:']",
        ".st-key-cmt_term_detractor button",
        ".st-key-cmt_term_promoter button",
        ".st-key-cmt_theme_pick button",
        "code",
        "strong",
    )
)
# The chips naming the Comments page's themes: words of the comments, which the theme
# chart and its table repeat.
THEME_CHIPS = ".st-key-cmt_theme_pick button"
# axe-core's impacts that fail a page; moderate and minor ones are printed.
FAILING = ("critical", "serious")


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z']*", text))


def shop_words_of(dashboard: Dashboard) -> set[str]:
    """Every word of the shop's own texts: its channels' and categories' names and the
    categories' questions and thanks, as the API lists them."""
    with NpsClient(dashboard.api.url, dashboard.shop_id, dashboard.shop_secret) as api:
        texts = [c.label for c in api.channels()]
        for category in api.categories():
            texts += [category.label, category.name or ""]
            texts += [category.question(rate) or "" for rate in (3, 8, 10)]
            texts += [category.thanks(rate) or "" for rate in (3, 8, 10)]
    return {word for text in texts for word in latin_words(text)}


def data_words(page: Page) -> set[str]:
    """The words of the themes on show (made of the comments' words)."""
    return {
        word for text in page.locator(THEME_CHIPS).all_inner_texts() for word in latin_words(text)
    }


def english_left(text: str, shop_words: set[str]) -> list[str]:
    """The Latin words of ``text`` that are none of the allowed ones."""
    return sorted(latin_words(text) - ALLOWED - shop_words)


def assert_accessible(page: Page, name: str) -> None:
    """No critical or serious axe-core violation on ``page`` now; the others printed."""
    violations = accessibility_violations(page)
    for violation in violations:
        if violation["impact"] not in FAILING:
            print(f"{name}: {violation['impact']} {violation['id']} ({len(violation['nodes'])})")
    failing = [
        (v["id"], v["impact"], [(n["target"], n.get("failureSummary")) for n in v["nodes"]][:3])
        for v in violations
        if v["impact"] in FAILING
    ]
    assert not failing, failing
