"""The Wallboard page under its link's parameters, over the demo API and with the API down."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest
from streamlit.testing.v1 import AppTest

from nps_core.analysis.nps import summarize
from nps_core.present.formatting import format_count, format_nps
from nps_core.present.wallboard.board import latest_comments
from nps_core.present.wallboard.link import PANELS
from nps_core.ui.data import forget_reviews
from tests.support.apptest import AppFactory, clear_streamlit_caches, run_app, small_api
from tests.support.shown import expected_frames, names, state_of

PAGE = "app_pages/wallboard.py"


def markup(app: AppTest) -> tuple[str, str]:
    """The page's style and its board, as ``st.html`` received them."""
    bodies = [element.proto.body for element in app.get("html")]
    style = next(body for body in bodies if body.startswith("<style>"))
    board = next(body for body in bodies if body.startswith('<div class="wb'))
    return style, board


def panels(board: str) -> list[str]:
    return re.findall(r'data-panel="(\w+)"', board)


def tile(board: str, panel: str) -> tuple[str, str]:
    """A headline's big value and its detail line, as text."""
    found = re.search(
        rf'data-panel="{panel}">.*?class="wb-big">(.*?)</div><div class="wb-detail">(.*?)</div>',
        board,
    )
    assert found, board
    return unescape(found.group(1)), unescape(re.sub(r"<[^>]+>", "", found.group(2)))


def test_default_board_shows_every_panel_with_the_figures_of_the_api(app_factory, demo_api):
    app = app_factory(PAGE)
    assert not app.exception, app.exception
    style, board = markup(app)
    assert panels(board) == list(PANELS)
    assert "#0B0F17" in style  # dark by default
    assert '[data-testid="stSidebar"]' not in style
    assert re.search(r'data-status="fresh">updated \d\d:\d\d<', board)

    state, today = state_of({})
    current, _ = expected_frames(demo_api, state, today)
    expected = summarize(current)
    value, detail = tile(board, "period")
    assert value == format_nps(expected.nps)
    assert f"n = {format_count(expected.n)}" in detail
    todays = summarize(current[current["day"].dt.date == today])
    value, detail = tile(board, "today")
    assert value == format_nps(todays.nps)
    assert detail.startswith(f"n = {format_count(todays.n)}")
    latest = latest_comments(current, "UTC", today, names(demo_api))
    items = re.findall(r'<li class="wb-comment" data-group="(\w+)">(.*?)</li>', board)
    assert [
        unescape(re.search(r'class="wb-text">(.*?)</p>', item).group(1)) for _, item in items
    ] == [line.text for line in latest]
    for group, item in items:  # detractors, and only they, are flagged
        assert ("▼ detractor" in item) == (group == "detractor")
    assert not app.sidebar.get("selectbox")  # the wallboard draws no filter widgets


def test_kiosk_light_and_chosen_panels(app_factory):
    app = app_factory(PAGE, kiosk="1", theme="light", panels="comments,today", period="7d")
    assert not app.exception, app.exception
    style, board = markup(app)
    assert panels(board) == ["today", "comments"]
    for hidden in ("stSidebar", "stToolbar", "stHeader"):
        assert f'[data-testid="{hidden}"]' in style
    assert "#EEF1F5" in style
    assert "NPS · Last 7 days" in board
    assert 'class="wb-notice"' not in board


def test_bad_parameters_fall_back_to_the_defaults_and_say_so(app_factory):
    app = app_factory(PAGE, refresh="soon", panels="graph", theme="neon", kiosk="yes")
    assert not app.exception, app.exception
    style, board = markup(app)
    assert panels(board) == list(PANELS)
    assert "#0B0F17" in style
    assert '[data-testid="stSidebar"]' not in style
    notices = unescape(" ".join(re.findall(r'class="wb-notice">(.*?)</span>', board)))
    for word in ("'soon'", "'graph'", "'neon'", "'yes'"):
        assert word in notices


def test_a_rotating_board_shows_the_view_of_the_wall_clock(app_factory, demo_api):
    app = app_factory(PAGE, rotate="3600", channel="email,web")
    assert not app.exception, app.exception
    _, board = markup(app)
    title = re.search(r'class="wb-title">(.*?)</div>', board)
    assert title
    catalog = names(demo_api)
    view = (None, "email", "web")[int(time.time() // 3600) % 3]
    expected = "NPS · Last 30 days"
    if view is not None:
        expected += f' · <span class="wb-view">{catalog[view]}</span>'
    assert title.group(1) == expected


def test_when_the_api_stops_the_last_figures_stay_marked_stale(
    monkeypatch: pytest.MonkeyPatch, tmp_path
):
    with small_api(monkeypatch, tmp_path):
        app = run_app(PAGE, refresh="15")
        _, before = markup(app)
        assert 'data-status="fresh"' in before

    forget_reviews()  # as if the next interval began
    app.run()
    assert not app.exception, app.exception
    _, after = markup(app)
    assert re.search(r'data-status="stale">stale since \d\d:\d\d<', after)
    assert "retrying every 15 s" in after
    for panel in ("today", "week", "period"):
        assert tile(after, panel) == tile(before, panel)

    clear_streamlit_caches()  # a new screen, after a restart: only the disk copy is left
    fresh_screen = run_app(PAGE)
    clear_streamlit_caches()
    assert not fresh_screen.exception, fresh_screen.exception
    _, stored = markup(fresh_screen)
    assert 'data-status="stale"' in stored
    assert tile(stored, "period") == tile(before, "period")


def test_with_no_answer_ever_it_says_it_is_waiting(app_factory: AppFactory, monkeypatch):
    monkeypatch.setenv("NPS_API_URL", "http://127.0.0.1:9")  # the discard port: refused
    app = app_factory(PAGE)
    assert not app.exception, app.exception
    body = next(
        element.proto.body for element in app.get("html") if "wb-wait" in element.proto.body
    )
    assert "Waiting for the review API" in body
    assert "no data yet" in body
