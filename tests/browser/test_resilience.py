"""The dashboard in Chromium when things go wrong: the API down, hostile comments.

Also the secret: no page's HTML holds it, whatever state the page is in.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from nps_core.contract.validation import MAX_COMMENT_LENGTH
from nps_core.data.client import NpsClient
from tests.support.browser import (
    assert_no_exception,
    grid_cells,
    metric_value,
    open_board,
    wait_for_app,
)
from tests.support.dashboards import Dashboard, DashboardFactory, own_dashboard

pytestmark = pytest.mark.browser

READ_PAGES = ("", "segments", "comments")
BOARD_QUERY = "refresh=15"
API_DOWN = "The review API cannot be reached, and no earlier copy of this period is stored."
STALE = re.compile(r"Showing stored data as of .*: the API could not be reached")


def html_of(page: Page) -> str:
    """The page's markup, every frame included."""
    return "\n".join(frame.content() for frame in page.frames)


def assert_clean(page: Page, dashboard: Dashboard) -> None:
    """No exception box, no traceback, no secret."""
    assert_no_exception(page)
    html = html_of(page)
    assert "Traceback" not in html
    assert dashboard.shop_secret not in html


def test_no_page_holds_the_secret(dashboard: Dashboard, page: Page) -> None:
    for path in (*READ_PAGES, "submit"):
        page.goto(f"{dashboard.url}/{path}")
        wait_for_app(page)
        assert_clean(page, dashboard)
    open_board(page, dashboard.url, BOARD_QUERY, fresh=False)
    assert_clean(page, dashboard)


def test_api_down_at_start_is_said_plainly_on_every_page(
    dashboard_factory: DashboardFactory, page: Page
) -> None:
    dashboard = dashboard_factory()
    dashboard.api.stop()  # before any page asked it for anything
    for path in READ_PAGES:
        page.goto(f"{dashboard.url}/{path}")
        wait_for_app(page)
        expect(page.get_by_text(API_DOWN)).to_be_visible()
        assert_clean(page, dashboard)
    page.goto(f"{dashboard.url}/submit")
    wait_for_app(page)
    expect(page.get_by_text("could not be loaded", exact=False)).to_be_visible()
    assert_clean(page, dashboard)
    open_board(page, dashboard.url, BOARD_QUERY, fresh=False)
    expect(page.locator(".wb-wait")).to_contain_text("Waiting for the review API")
    assert_clean(page, dashboard)


def test_api_down_after_a_first_load_shows_stored_data_marked_stale(
    dashboard_factory: DashboardFactory, page: Page
) -> None:
    dashboard = dashboard_factory()
    page.goto(dashboard.url)  # 30 days and the 30 before: all stored on disk
    wait_for_app(page)
    assert re.fullmatch(r"[+−-]?\d+", metric_value(page, "NPS"))
    dashboard.api.stop()
    # A period not yet asked for: its recent days must come from the API, which is gone;
    # its older days, and the figures, come from the stored copy.
    for path in ("?period=7d", "comments?period=7d"):
        page.goto(f"{dashboard.url}/{path}")
        wait_for_app(page)
        expect(page.get_by_text(STALE)).to_be_visible()
        expect(page.get_by_text(API_DOWN)).to_have_count(0)
        assert_clean(page, dashboard)
    page.goto(f"{dashboard.url}/?period=7d")
    wait_for_app(page)
    assert re.fullmatch(r"[+−-]?\d+", metric_value(page, "NPS"))


# -- hostile comments ------------------------------------------------------------------

WALL_CHARS = 220  # the Wallboard cuts longer comments (present.wallboard.board.COMMENT_CHARS)


def hostile_comments(token: str) -> list[str]:
    """Markup, script, Streamlit markdown, the longest allowed, RTL and invisible characters."""
    return [
        f'{token} <b>bold</b> <img src="x" onerror="window.__pwned=1"> '
        f'<iframe src="javascript:window.__pwned=2"></iframe> &amp; &lt;i&gt;',
        f"{token} <script>window.__pwned=3</script><style>body{{display:none}}</style>",
        f"{token} # Heading **bold** _it_ [link](https://example.com) `code` $x^2$ :smile: <br>",
        f"{token} {'long ' * 400}"[: MAX_COMMENT_LENGTH - 3] + "end",
        f"{token} مرحبا بالعالم \u202eevil override\u202c עברית",
        f"{token} zero\u200bwidth\u200djoiner\ufeffbom\u2060word\u200e",
    ]


def as_on_the_wall(comment: str) -> str:
    text = " ".join(comment.split())
    return text if len(text) <= WALL_CHARS else text[: WALL_CHARS - 1].rstrip() + "…"


def elements_holding(page: Page, tag: str, text: str) -> int:
    """How many ``tag`` elements of the page hold ``text`` (scripts and styles included)."""
    return page.evaluate(
        "([tag, text]) => [...document.getElementsByTagName(tag)]"
        ".filter(e => e.textContent.includes(text)).length",
        [tag, text],
    )


def assert_nothing_injected(page: Page) -> None:
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    for selector in ("img[src='x']", "iframe[src^='javascript']", "a[href='https://example.com']"):
        assert page.locator(selector).count() == 0, selector
    assert page.locator("h1", has_text="Heading").count() == 0
    assert elements_holding(page, "script", "__pwned") == 0
    assert elements_holding(page, "style", "body{display:none}") == 0
    expect(page.locator("[data-testid='stApp']")).to_be_visible()


@pytest.fixture(scope="module")
def hostile_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """A dashboard over a small shop of its own: these tests write reviews."""
    with own_dashboard(tmp_path_factory.mktemp("hostile"), reviews=2000) as dashboard:
        yield dashboard


def post_hostile_comments(dashboard: Dashboard) -> tuple[str, list[str]]:
    token = f"hostile{uuid.uuid4().hex[:8]}"
    comments = hostile_comments(token)
    with NpsClient(dashboard.api.url, dashboard.shop_id, dashboard.shop_secret) as client:
        channel, category = client.channels()[0].code, client.categories()[0].code
        for number, comment in enumerate(comments):
            client.create_review(
                channel=channel,
                category=category,
                rate=1 + number,
                comment=comment,
                email=f"{token}-{number}@example.com",
            )
    return token, comments


def test_hostile_comments_render_literally(hostile_dashboard: Dashboard, page: Page) -> None:
    token, comments = post_hostile_comments(hostile_dashboard)

    page.goto(hostile_dashboard.url)
    wait_for_app(page)
    page.goto(f"{hostile_dashboard.url}/comments?q={token}")
    wait_for_app(page)
    expect(page.get_by_text(re.compile(rf"^{len(comments)} of [\d,]+ reviews$"))).to_be_visible()
    cells = grid_cells(page)
    for comment in comments:
        assert comment in cells, comment[:60]
    assert_nothing_injected(page)
    assert_clean(page, hostile_dashboard)

    open_board(page, hostile_dashboard.url, BOARD_QUERY, fresh=False)
    shown = page.locator(".wb-comment .wb-text")
    expect(shown.filter(has_text=token)).to_have_count(len(comments))
    texts = shown.all_text_contents()
    for comment in comments:
        assert as_on_the_wall(comment) in texts, comment[:60]
    assert_nothing_injected(page)
    assert_clean(page, hostile_dashboard)
