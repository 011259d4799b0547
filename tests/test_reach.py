"""What the pages say without colour, without sight, and in Russian (present/, no browser).

Every chart has a text alternative holding its figures; groups are named, not only
coloured; the pure presentation code writes Russian when the language is Russian.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from nps_core.analysis.segments import decompose, distribution
from nps_core.analysis.trend import trend
from nps_core.contract.models import Category
from nps_core.contract.pinned import PinnedTheme, PinRefused
from nps_core.present.charts.alt import (
    composition_text,
    distribution_text,
    drivers_text,
    heatmap_text,
    line_summary,
    segment_trend_text,
    trend_text,
)
from nps_core.present.charts.overview import composition_figure, distribution_figure, trend_figure
from nps_core.present.charts.plot import period_axis
from nps_core.present.comments import count_text, rate_tag_text
from nps_core.present.filters import FilterState, parse_filters
from nps_core.present.formatting import format_nps, format_period
from nps_core.present.i18n import use_language
from nps_core.present.labels import scope_caption
from nps_core.present.overview import kpis, overview
from nps_core.present.segments import drivers_sentence, drivers_table, heatmap, segment_trend
from nps_core.present.submit import ReviewDraft, check_draft, comment_prompt
from nps_core.present.themes import pin_refusal
from nps_core.present.wallboard.board import compose_board
from nps_core.present.wallboard.html import board_html
from nps_core.present.wallboard.link import parse_wallboard
from nps_core.present.wallboard.status import Status
from tests.support.frames import BEFORE, PERIOD, current_reviews, previous_reviews

LABELS = {"channel": {"email": "Email survey", "web": "Website"}, "category": {}}
# Latin words a Russian text may hold: names, abbreviations, units and code names.
LATIN_ALLOWED = {"NPS", "n", "p", "z", "Email", "ID", "API", "HTTP", "CSV", "survey", "Website"}
LATIN_ALLOWED |= {"Wald", "Holm", "Monroe", "et", "al", "sms", "email", "web"}


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z']*", text)) - LATIN_ALLOWED


current = pytest.fixture(scope="module", name="current")(current_reviews)
previous = pytest.fixture(scope="module", name="previous")(previous_reviews)


# --------------------------------------------------------------------------- text alternatives


def test_the_trend_table_holds_every_point_and_the_sentence_its_ends(current):
    points = trend(current, "W", rolling=7, start=PERIOD.start, end=PERIOD.end)
    text = trend_text(points, "W", rolling=7)
    assert len(text.table) == len(points)
    assert text.table["NPS"].tolist() == [format_nps(v) for v in points["nps"]]
    assert text.table["Period"].tolist() == [format_period(p, "W") for p in points["period"]]
    assert "Rolling 7-day NPS" in text.table.columns
    answered = points["nps"].dropna()
    assert f"highest {format_nps(answered.max())}" in text.summary
    assert f"lowest {format_nps(answered.min())}" in text.summary
    assert text.summary.startswith(f"NPS from {format_period(points['period'].iloc[0], 'W')}")


def test_a_line_without_answers_says_so():
    assert line_summary("NPS", ["a", "b"], [np.nan, np.nan]) == "NPS: no answers in this period."


def test_the_composition_names_every_group_with_its_share(current):
    points = trend(current, "W", start=PERIOD.start, end=PERIOD.end)
    text = composition_text(points, "W")
    assert list(text.table.columns) == ["Period", "Promoters", "Passives", "Detractors"]
    for name in ("promoters", "passives", "detractors"):
        assert re.search(rf"{name} \d+%", text.summary)


def test_the_distribution_writes_each_rate_s_group(current):
    text = distribution_text(distribution(current))
    groups = dict(zip(text.table["Rate"], text.table["Group"], strict=True))
    assert groups["6"] == "detractor"
    assert groups["7"] == "passive"
    assert groups["10"] == "promoter"
    assert text.summary.startswith("The most common rate is ")


def test_the_heatmap_table_and_its_extremes(current):
    grid = heatmap(current, "channel", "category", LABELS)
    text = heatmap_text(grid)
    assert text.table.shape == (grid.nps.shape[0], grid.nps.shape[1] + 1)
    best = np.nanmax(grid.nps.to_numpy(dtype=float))
    assert "Highest NPS: " in text.summary
    assert f"({format_nps(best)})" in text.summary


def test_the_segment_lines_and_the_drivers_as_tables(current, previous):
    lines, _ = segment_trend(current, ["channel"], "W", PERIOD, LABELS)
    text = segment_trend_text(lines, "W")
    assert set(text.table.columns) == {"Period", *lines["segment"].unique()}
    assert text.summary.startswith("Latest NPS by segment: ")
    drivers = drivers_table(decompose(current, previous, ["channel"]), ["channel"], LABELS)
    table = drivers_text(drivers).table
    assert table["Segment"].tolist() == drivers["segment"].tolist()


def test_groups_are_told_apart_by_more_than_colour(current):
    points = trend(current, "W", start=PERIOD.start, end=PERIOD.end)
    for figure in (composition_figure(points, "W"), distribution_figure(distribution(current))):
        shapes = {trace.marker.pattern.shape for trace in figure.data}
        assert len(shapes) == 3, shapes  # a fill pattern per group
    assert rate_tag_text("04") == "4 · detractor"
    assert rate_tag_text("10") == "10 · promoter"


def test_time_axes_are_labelled_by_us_in_the_language(current):
    points = trend(current, "D", start=PERIOD.start, end=PERIOD.end)
    axis = period_axis(points["period"], "D")
    assert 2 <= len(axis["tickvals"]) <= 8
    with use_language("ru"):
        ticks = period_axis(points["period"], "D")["ticktext"]
        assert all(re.fullmatch(r"\d{1,2} мар\.", tick) for tick in ticks), ticks
        assert trend_figure(points, "D").layout.separators == ",\u00a0"


# --------------------------------------------------------------------------- Russian


def test_the_overview_in_russian(current, previous):
    with use_language("ru"):
        cards = kpis(overview(current, previous, PERIOD, "D"), "Предыдущий период")
        labels = [card.label for card in cards]
        assert labels == ["NPS", "Ответы", "Промоутеры", "Нейтралы", "Критики", "Изменение"]
        for card in cards:
            assert not latin_words(f"{card.caption} {card.help}"), card
        state, _ = parse_filters({"channel": "email"}, date(2026, 3, 28))
        caption = scope_caption(state, PERIOD, BEFORE, LABELS)
        assert caption == (
            "Последние 30 дней: 01 мар. 2026 – 28 мар. 2026 · в сравнении с предыдущим "
            "периодом (01 февр. 2026 – 28 февр. 2026) · Каналы: Email survey"
        )
        figure = trend_figure(trend(current, "W", start=PERIOD.start, end=PERIOD.end), "W")
        assert not latin_words(" ".join(trace.name or "" for trace in figure.data))


def test_the_segments_sentence_in_russian(current, previous):
    with use_language("ru"):
        sentence = drivers_sentence(decompose(current, previous, ["channel"]), ["channel"], LABELS)
        assert not latin_words(sentence), sentence
        assert "п.п." in sentence


@pytest.mark.parametrize(
    ("shown", "total", "text"),
    [(1, 1, "1 из 1 отзыва"), (2, 3, "2 из 3 отзывов"), (7, 1234, "7 из 1\u00a0234 отзывов")],
)
def test_comment_counts_in_russian(shown, total, text):
    with use_language("ru"):
        assert count_text(shown, total) == text


def test_the_form_s_problems_in_russian():
    draft = ReviewDraft(channel="email", category="delivery", rate=None, email="ann@")
    with use_language("ru"):
        problems = check_draft(draft, channels=["email"], categories=["delivery"])
        assert problems == {
            "rate": "Оценка: обязательное поле.",
            "email": "Email: неверный адрес email.",
        }
        assert comment_prompt(None, None).startswith("Комментарий")
        # The category's own texts are the shop's words: shown as the API gives them.
        category = Category(code="d", name="D", detractor_question="What went wrong?")
        assert comment_prompt(category, 3) == "What went wrong?"


@pytest.mark.parametrize(
    ("name", "words", "english", "russian"),
    [
        (" ", ("late",), "a theme needs a name", "у темы должно быть название"),
        ("Пусто", (" , ",), "“Пусто” needs at least one word", "«Пусто» должно быть хотя бы"),
        ("Много", tuple(f"w{i}x" for i in range(60)), "more than 50 words", "больше 50 слов"),
    ],
)
def test_a_refused_pin_says_why_in_the_reader_language(name, words, english, russian):
    """The contract refuses in English; the page says why from the reason."""
    with pytest.raises(PinRefused) as refused:
        PinnedTheme(name, words)
    assert isinstance(refused.value, ValueError)
    assert english in pin_refusal(refused.value, refused.value.name)
    with use_language("ru"):
        text = pin_refusal(refused.value, refused.value.name)
    assert russian in text
    assert not latin_words(text)


def test_the_wallboard_in_russian(current, previous):
    config, notices = parse_wallboard(
        {"panels": "today,week,period,trend,split,comments"}, date(2026, 3, 28)
    )
    loaded = current.assign(
        created_at=pd.to_datetime(current["day"]).dt.tz_localize("UTC") + timedelta(hours=12),
        day=pd.to_datetime(current["day"]),
        comment=pd.Series(["доставка опоздала"] * len(current), dtype="string"),
        id=np.arange(len(current)),
    )
    with use_language("ru"):
        board, _ = compose_board(
            config, loaded, previous.assign(day=pd.to_datetime(previous["day"])),
            today=date(2026, 3, 28), tz="UTC", labels=LABELS, now=0.0,
        )  # fmt: skip
        status = Status("обновлено в 12:00", stale=False)
        markup = board_html(board, config, status, notices)
    text = re.sub(
        r"<[^>]+>", " ", re.sub(r'(alt|class|style|lang|data-[a-z]+)="[^"]*"', "", markup)
    )
    assert not latin_words(text), latin_words(text)
    assert 'lang="ru"' in markup
    # Each comment's group in words: a flag for detractors, hidden text for the others.
    named = re.findall(r'(?:▼ |class="wb-sr"> · )(критик|нейтрал|промоутер)<', markup)
    assert len(named) == len(board.comments) == 8
    assert re.search(r'alt="NPS по дням, [^"]+ — [^"]+: последний', markup)


def test_english_stays_as_it_was(current):
    # The message ids are the English texts: English pages read as before.
    state = FilterState()
    assert scope_caption(state, PERIOD, BEFORE, LABELS).startswith(
        "Last 30 days: 01 Mar 2026 – 28 Mar 2026 · compared with previous period"
    )
    assert count_text(1, 1) == "1 of 1 review"
