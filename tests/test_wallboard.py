"""The wallboard's link, figures, status and markup, without Streamlit."""

from __future__ import annotations

import base64
import math
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from nps_core.analysis.groups import GROUP_DTYPE
from nps_core.analysis.nps import compare, summarize
from nps_core.analysis.trend import trend
from nps_core.contract.errors import ApiUnavailable
from nps_core.data.fetch import ReviewSet
from nps_core.present.filters import FilterState, Period
from nps_core.present.formatting import format_count, format_delta, format_margin, format_nps
from nps_core.present.wallboard.board import (
    compose_board,
    current_view,
    latest_comments,
    loaded_span,
    week_start,
)
from nps_core.present.wallboard.html import board_html, sparkline_svg, waiting_html, wallboard_css
from nps_core.present.wallboard.link import (
    DEFAULT_REFRESH,
    MAX_REFRESH,
    MIN_REFRESH,
    PANELS,
    PARAMS,
    WallboardConfig,
    parse_wallboard,
)
from nps_core.present.wallboard.status import LastGood, Shown, board_status, choose_shown, clock

TODAY = date(2026, 3, 12)  # a Thursday
NOON = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
LABELS = {
    "channel": {"email": "Email survey", "web": "Website <b>", "sms": "SMS"},
    "category": {"delivery": "Delivery", "product": "Product"},
}


def frame(rows: list[tuple[datetime, str, int, str | None]]) -> pd.DataFrame:
    """A review frame (see ARCHITECTURE.md) of (created_at UTC, channel, rate, comment)."""
    created = pd.to_datetime([row[0] for row in rows], utc=True).as_unit("ns")
    rates = np.array([row[2] for row in rows], dtype=np.int8)
    groups = pd.Categorical.from_codes(
        np.array([0] * 7 + [1] * 2 + [2] * 2)[rates], dtype=GROUP_DTYPE
    )
    return pd.DataFrame(
        {
            "id": np.arange(1, len(rows) + 1, dtype=np.int64),
            "created_at": created,
            "day": created.tz_localize(None).floor("D"),
            "channel": pd.Categorical([row[1] for row in rows]),
            "category": pd.Categorical(["delivery"] * len(rows)),
            "rate": rates,
            "group": groups,
            "comment": pd.array([row[3] for row in rows], dtype="string"),
        }
    )


def history(days: int = 70, seed: int = 7) -> pd.DataFrame:
    """Six reviews a day for ``days`` days up to TODAY's noon, some with comments."""
    rng = np.random.default_rng(seed)
    rows = []
    for back in range(days):
        for k in range(6):
            at = NOON - timedelta(days=back, hours=k)
            channel = ("email", "web", "sms")[int(rng.integers(0, 3))]
            comment = None if k % 2 else f"comment {back}-{k}"
            rows.append((at, channel, int(rng.integers(0, 11)), comment))
    return frame(rows)


def review_set(fetched_at: datetime | None, *, stale: bool = False) -> ReviewSet:
    return ReviewSet(
        frame=history(3), start=TODAY, end=TODAY, tz="UTC", complete=True, stale=stale,
        fetched_at=fetched_at,
    )  # fmt: skip


def days_between(data: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    return data[(data["day"] >= pd.Timestamp(start)) & (data["day"] <= pd.Timestamp(end))]


def test_the_wallboard_core_does_not_import_streamlit():
    code = "import sys, nps_core.present.wallboard.html; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- the link


def test_an_empty_link_gives_the_defaults():
    config, notices = parse_wallboard({}, TODAY)
    assert notices == []
    assert config.refresh == DEFAULT_REFRESH
    assert config.panels == tuple(PANELS)
    assert (config.theme, config.kiosk, config.rotate) == ("dark", False, None)
    assert config.tick == DEFAULT_REFRESH
    assert config.filters == FilterState()


def test_a_full_link_is_read_and_the_wallboard_parameters_leave_the_filters():
    query = {
        "period": "7d",
        "channel": "email,web",
        "refresh": "30",
        "panels": "comments, TODAY",
        "theme": "Light",
        "kiosk": "1",
        "rotate": "10",
        "rotate_by": "category",
        "utm_source": "tv",
    }
    config, notices = parse_wallboard(query, TODAY)
    assert notices == []
    assert (config.refresh, config.theme, config.kiosk) == (30, "light", True)
    assert config.panels == ("today", "comments")  # the layout's order
    assert (config.rotate, config.rotate_by, config.tick) == (10, "category", 10)
    assert config.filters.preset == "7d"
    assert config.filters.channels == ("email", "web")
    assert dict(config.filters.extra) == {"utm_source": "tv"}
    assert not set(PARAMS) & set(config.filters.extra)


BAD_LINKS = {
    "refresh not a number": ({"refresh": "soon"}, "refresh", DEFAULT_REFRESH),
    "refresh too fast": ({"refresh": "5"}, "refresh", MIN_REFRESH),
    "refresh too slow": ({"refresh": "86400"}, "refresh", MAX_REFRESH),
    "unknown theme": ({"theme": "neon"}, "theme", "dark"),
    "unknown kiosk": ({"kiosk": "yes"}, "kiosk", False),
    "rotate not a number": ({"rotate": "x"}, "rotate", 20),
    "rotate too fast": ({"rotate": "1"}, "rotate", 5),
    "unknown rotate_by": ({"rotate_by": "shop"}, "rotate_by", "channel"),
    "only unknown panels": ({"panels": "graph,,map"}, "panels", tuple(PANELS)),
    "one unknown panel": ({"panels": "week,graph"}, "panels", ("week",)),
    "bad shared filter": ({"period": "forever"}, "filters", FilterState()),
}


@pytest.mark.parametrize(("query", "field", "expected"), BAD_LINKS.values(), ids=BAD_LINKS)
def test_a_bad_parameter_falls_back_and_says_so(query, field, expected):
    config, notices = parse_wallboard(query, TODAY)
    assert getattr(config, field) == expected
    assert notices
    value = next(iter(query.values()))
    assert any(part in " ".join(notices) for part in value.split(",") if part)


def test_rotation_by_either_parameter_alone():
    by_only, _ = parse_wallboard({"rotate_by": "category", "refresh": "60"}, TODAY)
    assert (by_only.rotate, by_only.rotate_by, by_only.tick) == (20, "category", 20)
    seconds_only, _ = parse_wallboard({"rotate": "90", "refresh": "30"}, TODAY)
    assert (seconds_only.rotate, seconds_only.rotate_by, seconds_only.tick) == (90, "channel", 30)


def test_a_repeated_parameter_keeps_its_last_value():
    config, _ = parse_wallboard({"refresh": ["20", "45"]}, TODAY)
    assert config.refresh == 45


# -------------------------------------------------------------------------- the days


def test_the_loaded_span_covers_the_period_this_week_and_today():
    assert week_start(TODAY) == date(2026, 3, 9)
    assert week_start(date(2026, 3, 9)) == date(2026, 3, 9)
    last_7 = Period(date(2026, 3, 6), TODAY)
    assert loaded_span(last_7, TODAY) == last_7
    past_month = Period(date(2026, 2, 1), date(2026, 2, 28))
    assert loaded_span(past_month, TODAY) == Period(date(2026, 2, 1), TODAY)
    one_day = Period(TODAY, TODAY)
    assert loaded_span(one_day, TODAY) == Period(date(2026, 3, 9), TODAY)


# ---------------------------------------------------------------- data and its status


def test_a_fresh_answer_is_shown_and_remembered_then_kept_through_a_failure():
    store = LastGood()
    fresh = review_set(NOON)
    shown = store.resolve("span", fresh, None)
    assert shown.reviews is fresh
    assert not shown.stale
    assert shown.problem is None
    failure = ApiUnavailable(None, "connection refused")
    shown = store.resolve("span", None, failure)
    assert shown.reviews is fresh
    assert shown.stale
    assert "connection refused" in (shown.problem or "")
    assert store.resolve("other span", None, failure).reviews is None


def test_the_newest_copy_is_shown_when_the_fetch_layer_serves_its_stale_store():
    older_store = review_set(NOON - timedelta(hours=2), stale=True)
    last_good = review_set(NOON - timedelta(minutes=1))
    shown = choose_shown(older_store, None, last_good)
    assert shown.reviews is last_good
    assert shown.stale
    newer_store = review_set(NOON, stale=True)
    assert choose_shown(newer_store, None, last_good).reviews is newer_store
    assert choose_shown(older_store, None, None).reviews is older_store


def test_the_memory_keeps_a_bounded_number_of_spans():
    store = LastGood(capacity=2)
    for key in "abc":
        store.resolve(key, review_set(NOON), None)
    failure = ApiUnavailable(503, "down")
    assert store.resolve("a", None, failure).reviews is None
    assert store.resolve("c", None, failure).reviews is not None


def test_stamps_say_updated_or_stale_since_in_the_settings_time_zone():
    fresh = Shown(review_set(NOON))
    assert board_status([fresh], "UTC", TODAY).text == "updated 12:00"
    assert board_status([fresh], "Europe/Moscow", TODAY).text == "updated 15:00"
    stale = Shown(review_set(NOON - timedelta(minutes=20)), stale=True, problem="HTTP 503: down")
    status = board_status([fresh, stale], "UTC", TODAY)
    assert (status.text, status.stale, status.problem) == (
        "stale since 11:40",
        True,
        "HTTP 503: down",
    )
    nothing = Shown(None, stale=True, problem="refused")
    assert board_status([nothing], "UTC", TODAY).text == "no data yet"
    # A comparison never fetched does not hide when the main figures came.
    partial = board_status([fresh, nothing], "UTC", TODAY)
    assert (partial.text, partial.stale) == ("updated 12:00", True)
    assert clock(NOON - timedelta(days=2), "UTC", TODAY) == "10 Mar 12:00"


# ------------------------------------------------------------------------ the figures


def test_the_board_shows_the_metrics_of_today_the_week_and_the_period():
    data = history()
    config, _ = parse_wallboard({"period": "30d"}, TODAY)
    board, notices = compose_board(
        config, data, days_between(data, date(2026, 1, 12), date(2026, 2, 10)),
        today=TODAY, tz="UTC", labels=LABELS, now=NOON.timestamp(),
    )  # fmt: skip
    assert notices == []
    today, week, period = board.headlines
    expected_today = summarize(days_between(data, TODAY, TODAY))
    assert today.value == format_nps(expected_today.nps)
    assert today.details[:2] == (f"n = {expected_today.n}", "few answers")
    assert today.faded
    expected_week = summarize(days_between(data, date(2026, 3, 9), TODAY))
    assert week.value == format_nps(expected_week.nps)
    assert week.details[-1] == "since Mon 9 Mar"
    current = days_between(data, date(2026, 2, 11), TODAY)
    expected = summarize(current)
    assert (period.label, period.value) == ("Last 30 days", format_nps(expected.nps))
    assert period.details == (format_margin(expected.margin), f"n = {format_count(expected.n)}")
    previous = summarize(days_between(data, date(2026, 1, 12), date(2026, 2, 10)))
    change = compare(expected, previous)
    assert board.change is not None
    assert board.change.text == format_delta(change.delta)
    assert board.change.direction == int(np.sign(round(change.delta)))
    assert board.change.notes[0] == "vs previous period"
    points = trend(current, "D", start=date(2026, 2, 11), end=TODAY)
    np.testing.assert_allclose(board.trend, points["nps"].to_numpy())
    assert board.trend_title == "Daily NPS"
    assert board.trend_range == ("11 Feb 2026", "12 Mar 2026")
    assert [part.group for part in board.split] == ["detractor", "passive", "promoter"]
    assert math.isclose(sum(part.share for part in board.split), 1.0)
    assert board.split[2].count == format_count(expected.promoters)
    assert board.title == "Last 30 days"
    assert board.view is None
    assert board.scope.startswith("Last 30 days: 11 Feb 2026")


def test_without_comparison_or_answers_the_board_still_has_every_panel():
    config, _ = parse_wallboard({"compare": "none", "period": "7d"}, TODAY)
    board, _ = compose_board(
        config, history().iloc[:0], None, today=TODAY, tz="UTC", labels={}, now=0.0
    )
    assert board.change is None
    assert [h.value for h in board.headlines] == ["–", "–", "–"]
    assert all(math.isnan(value) for value in board.trend)
    assert len(board.trend) == 7
    assert board.comments == ()
    assert [part.share for part in board.split] == [0.0, 0.0, 0.0]


def test_latest_comments_are_the_newest_with_text_newest_first():
    rows = [
        (NOON - timedelta(minutes=5), "email", 3, "  late again  "),
        (NOON - timedelta(minutes=1), "web", 10, None),
        (NOON - timedelta(minutes=2), "web", 9, "   "),
        (NOON - timedelta(minutes=3), "sms", 8, "fine " * 80),
        (NOON - timedelta(days=1), "email", 0, "yesterday's"),
    ]
    lines = latest_comments(frame(rows), "Europe/Moscow", TODAY, LABELS["channel"], limit=3)
    assert [line.text[:5] for line in lines] == ["fine ", "late ", "yeste"]
    assert [line.when for line in lines] == ["14:57", "14:55", "11 Mar 15:00"]
    assert [line.detractor for line in lines] == [False, True, True]
    assert lines[1].channel == "Email survey"
    assert lines[1].text == "late again"
    assert len(lines[0].text) <= 220
    assert lines[0].text.endswith("…")


def test_unknown_codes_are_dropped_with_a_notice_when_the_catalog_is_known():
    config, _ = parse_wallboard({"channel": "email,emial"}, TODAY)
    board, notices = compose_board(
        config, history(), None, today=TODAY, tz="UTC", labels=LABELS, now=0.0
    )
    assert notices == ["Unknown channel 'emial' in the link; ignored."]
    assert "Channels: Email survey" in board.scope
    _, kept = compose_board(config, history(), None, today=TODAY, tz="UTC", labels={}, now=0.0)
    assert kept == []


def test_rotation_steps_through_the_busiest_codes_in_step_on_every_screen():
    data = history()
    config, _ = parse_wallboard({"rotate": "10"}, TODAY)
    busiest = tuple(data["channel"].astype(str).value_counts().index)
    views = [current_view(config, data, 1_000_000 + 10 * step) for step in range(8)]
    assert views == [None, *busiest, None, *busiest, None][:8]
    assert current_view(config, data, 1_000_004.9) == views[0]
    chosen, _ = parse_wallboard({"rotate": "10", "channel": "sms,web"}, TODAY)
    assert [current_view(chosen, data, 10 * step) for step in range(3)] == [None, "sms", "web"]
    single, _ = parse_wallboard({"rotate": "10", "channel": "sms"}, TODAY)
    assert current_view(single, data, 10) is None
    assert current_view(WallboardConfig(FilterState()), data, 10) is None


def test_a_rotating_board_shows_the_current_view_only():
    data = history()
    config, _ = parse_wallboard({"rotate": "10", "channel": "sms,web"}, TODAY)
    board, _ = compose_board(config, data, data, today=TODAY, tz="UTC", labels=LABELS, now=10.0)
    assert board.view == "SMS"
    sms = data[data["channel"] == "sms"]
    expected = summarize(days_between(sms, date(2026, 2, 11), TODAY))
    assert board.headlines[2].value == format_nps(expected.nps)
    assert {line.channel for line in board.comments} == {"SMS"}


# ------------------------------------------------------------------------- the markup


def board_and_config(query: dict[str, str]) -> tuple[object, WallboardConfig]:
    config, _ = parse_wallboard(query, TODAY)
    rows = [
        (NOON, "web", 2, "<script>alert('x')</script> & more"),
        (NOON - timedelta(hours=1), "email", 10, "great"),
    ]
    board, _ = compose_board(
        config, frame(rows), None, today=TODAY, tz="UTC", labels=LABELS, now=0.0
    )
    return board, config


def test_text_from_the_api_and_the_link_is_escaped():
    board, config = board_and_config({})
    status = board_status(
        [Shown(review_set(NOON), stale=True, problem="<i>down</i>")], "UTC", TODAY
    )
    markup = board_html(board, config, status, ["Unknown panel '<img>' in the link"])
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert "Website &lt;b&gt;" in markup
    assert "&lt;i&gt;down&lt;/i&gt;" in markup
    assert "&#x27;&lt;img&gt;&#x27;" in markup
    nothing = board_status([Shown(None, True, "<b>")], "UTC", TODAY)
    waiting = waiting_html(nothing, ["<u>"], 60)
    assert "&lt;b&gt;" in waiting
    assert "&lt;u&gt;" in waiting
    assert "no data yet" in waiting


def test_the_markup_has_the_chosen_panels_only_and_flags_detractors():
    board, config = board_and_config({"panels": "today,comments"})
    markup = board_html(board, config, board_status([Shown(review_set(NOON))], "UTC", TODAY), [])
    assert re.findall(r'data-panel="(\w+)"', markup) == ["today", "comments"]
    assert markup.count("▼ detractor") == 1
    assert 'data-status="fresh"' in markup
    assert "updated 12:00" in markup
    assert "wb-is-stale" not in markup


def test_a_stale_board_says_since_when_and_keeps_its_figures():
    board, config = board_and_config({"refresh": "15"})
    stale = Shown(review_set(NOON), stale=True, problem="HTTP 503: down")
    markup = board_html(board, config, board_status([stale], "UTC", TODAY), [])
    assert 'data-status="stale"' in markup
    assert "stale since 12:00" in markup
    assert "retrying every 15 s" in markup
    assert "wb-is-stale" in markup
    assert board.headlines[0].value in markup


def svg_of(markup: str) -> str:
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', markup)
    assert data is not None, markup
    return base64.b64decode(data.group(1)).decode()


def test_the_sparkline_breaks_where_nobody_answered():
    svg = svg_of(sparkline_svg([10.0, 20.0, math.nan, 30.0, 25.0], "#123456", "#abcdef"))
    assert svg.count("<polyline") == 2
    assert 'stroke="#123456"' in svg
    assert "<line" not in svg  # 0 is not in range
    lone = svg_of(sparkline_svg([math.nan, -5.0, math.nan, 40.0], "#123456", "#abcdef"))
    assert lone.count("<polyline") == 2
    assert 'stroke="#abcdef"' in lone
    assert "No answers" in sparkline_svg([math.nan, math.nan], "#123456", "#abcdef")
    flat = svg_of(sparkline_svg([30.0, 30.0], "#123456", "#abcdef"))
    ys = {float(y) for y in re.findall(r",([\d.]+)", flat)}
    assert ys == {150.0}  # a flat line sits in the middle, not at an edge


def test_the_style_follows_theme_and_kiosk():
    dark, light = wallboard_css("dark", False), wallboard_css("light", False)
    assert dark != light
    assert "#0B0F17" in dark
    assert "#EEF1F5" in light
    assert '[data-testid="stSidebar"]' not in dark
    kiosk = wallboard_css("dark", True)
    for hidden in ("stSidebar", "stToolbar", "stHeader", "stExpandSidebarButton"):
        assert f'[data-testid="{hidden}"]' in kiosk
