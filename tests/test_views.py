"""Page shapes: every figure equals nps_core.analysis on the same frame, names where known."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from nps_core.analysis.nps import compare, summarize
from nps_core.analysis.segments import breakdown, compare_segments, decompose, distribution
from nps_core.analysis.trend import trend
from nps_core.present.filters import FilterState, narrowed
from nps_core.present.formatting import (
    NO_DATA,
    format_count,
    format_delta,
    format_nps,
    format_share,
    significance_text,
)
from nps_core.present.labels import scope_caption, segment_label
from nps_core.present.overview import kpis, overview
from nps_core.present.segments import (
    drivers_sentence,
    drivers_table,
    heatmap,
    segment_table,
    segment_trend,
)
from tests.support.frames import BEFORE, PERIOD, current_reviews, previous_reviews

LABELS = {
    "channel": {"email": "Email survey", "web": "Website"},
    "category": {"delivery": "Delivery"},
}


current = pytest.fixture(scope="module", name="current")(current_reviews)
previous = pytest.fixture(scope="module", name="previous")(previous_reviews)


def test_overview_figures_are_the_metrics(current, previous):
    data = overview(current, previous, PERIOD, "W", rolling=7)
    assert data.summary == summarize(current)
    assert data.comparison == compare(current, previous)
    expected = trend(current, "W", rolling=7, start=PERIOD.start, end=PERIOD.end)
    pd.testing.assert_frame_equal(data.trend, expected)
    pd.testing.assert_frame_equal(data.distribution, distribution(current))


def test_overview_of_an_empty_period_has_every_period_and_no_figure(current):
    data = overview(current.iloc[:0], None, PERIOD, "W")
    assert data.summary.n == 0
    assert data.comparison is None
    assert (data.trend["n"] == 0).all()
    assert len(data.trend) == 5  # the weeks touching 1–28 March 2026


def test_kpis_write_the_metrics(current, previous):
    data = overview(current, previous, PERIOD, "D")
    s, c = data.summary, data.comparison
    cards = {card.label: card for card in kpis(data, "Previous period")}
    assert list(cards) == ["NPS", "Responses", "Promoters", "Passives", "Detractors", "Change"]
    assert cards["NPS"].value == format_nps(s.nps)
    assert f"± {round(s.margin)}" in cards["NPS"].caption
    assert cards["Responses"].value == format_count(s.n)
    assert cards["Promoters"].value == format_share(s.promoter_share)
    assert cards["Detractors"].caption == f"{format_count(s.detractors)} reviews"
    assert cards["Change"].value == format_delta(c.delta)
    assert cards["Change"].caption == (
        f"vs previous period: {significance_text(c.p_value, c.significant)}"
    )
    assert ("not significant" in cards["Change"].caption) == (not c.significant)


def test_kpis_without_comparison_have_no_change_card(current):
    cards = kpis(overview(current, None, PERIOD, "D"), None)
    assert "Change" not in [card.label for card in cards]


def test_segment_table_joins_breakdown_and_holm_tests(current, previous):
    table = segment_table(current, previous, ["channel"], LABELS)
    expected = breakdown(current, "channel")
    tests = compare_segments(current, previous, "channel").set_index("channel")
    assert table["segment"].tolist() == [
        LABELS["channel"].get(code, code) for code in expected["channel"]
    ]
    assert table["nps"].tolist() == pytest.approx(expected["nps"].tolist())
    assert table["n"].tolist() == expected["n"].tolist()
    assert table["share_percent"].sum() == pytest.approx(100)
    for _, row in table.iterrows():
        test = tests.loc[row["channel"]]
        assert row["delta"] == pytest.approx(test["delta"])
        assert row["p_holm"] == pytest.approx(test["p_holm"])
        assert row["significance"] == significance_text(test["p_holm"], test["significant"])
    assert table["nps"].is_monotonic_decreasing


def test_segment_table_without_comparison_and_by_both(current):
    table = segment_table(current, None, ["channel", "category"], LABELS)
    assert len(table) == 6
    assert (table["significance"] == NO_DATA).all()
    assert table["delta"].isna().all()
    assert "Email survey · Delivery" in table["segment"].tolist()
    assert "sms · product" in table["segment"].tolist()  # no name: the code


def test_segment_label():
    assert segment_label({"channel": "web", "category": "x"}, LABELS) == "Website · x"


def test_heatmap_cells_are_the_breakdown(current):
    grid = heatmap(current, "channel", "category", LABELS)
    cells = breakdown(current, ["channel", "category"])
    assert list(grid.nps.index) == ["Email survey", "Website", "sms"]  # most responses first
    for _, cell in cells.iterrows():
        row = LABELS["channel"].get(cell["channel"], cell["channel"])
        column = LABELS["category"].get(cell["category"], cell["category"])
        assert grid.nps.loc[row, column] == pytest.approx(cell["nps"])
        assert grid.n.loc[row, column] == cell["n"]
    turned = heatmap(current, "category", "channel", LABELS)
    assert turned.nps.T.loc[grid.nps.index, grid.nps.columns].equals(grid.nps)


def test_segment_trend_keeps_the_largest_segments(current):
    lines, left_out = segment_trend(current, ["channel"], "W", PERIOD, LABELS, limit=2)
    assert left_out == 1
    assert lines["segment"].unique().tolist() == ["Email survey", "Website"]
    expected = trend(current, "W", by="channel", start=PERIOD.start, end=PERIOD.end)
    email = expected[expected["channel"] == "email"]
    assert lines.loc[lines["segment"] == "Email survey", "nps"].tolist() == pytest.approx(
        email["nps"].tolist(), nan_ok=True
    )


def test_segment_trend_of_an_empty_period(current):
    lines, left_out = segment_trend(current.iloc[:0], ["channel"], "W", PERIOD, LABELS)
    assert left_out == 0
    assert lines.empty
    assert "segment" in lines.columns


def test_drivers_table_sums_to_the_change(current, previous):
    by = ["channel", "category"]
    decomposition = decompose(current, previous, by)
    table = drivers_table(decomposition, by, LABELS, limit=3)
    assert len(table) == 4
    assert table["segment"].iloc[-1] == "3 other segments"
    assert table["total"].sum() == pytest.approx(decomposition.change)
    assert (table["mix"] + table["rate"]).tolist() == pytest.approx(table["total"].tolist())


def test_drivers_sentence_names_the_largest_contributor(current, previous):
    decomposition = decompose(current, previous, "channel")
    sentence = drivers_sentence(decomposition, ["channel"], LABELS)
    top = decomposition.segments.iloc[0]
    assert sentence.startswith("NPS rose " if decomposition.change > 0 else "NPS fell ")
    assert f"({format_nps(decomposition.nps_previous)} → " in sentence
    name = LABELS["channel"].get(top["channel"], top["channel"])
    assert f"The largest contributor was {name} (" in sentence


def test_drivers_sentence_without_a_comparison(current):
    decomposition = decompose(current, current.iloc[:0], "channel")
    assert math.isnan(decomposition.change)
    assert drivers_sentence(decomposition, ["channel"], LABELS).startswith("No comparison")


def test_narrowed_sets_the_segment_filters():
    state = FilterState(preset="90d", channels=("web", "email"))
    assert narrowed(state, {"category": "delivery"}) == state.with_(categories=("delivery",))
    both = narrowed(state, {"channel": "sms", "category": "x"})
    assert (both.channels, both.categories, both.preset) == (("sms",), ("x",), "90d")


def test_scope_caption_names_period_comparison_and_filters():
    state = FilterState(preset="30d", channels=("email", "sms"))
    caption = scope_caption(state, PERIOD, BEFORE, LABELS)
    assert caption == (
        "Last 30 days: 01 Mar 2026 – 28 Mar 2026 · compared with previous period "
        "(01 Feb 2026 – 28 Feb 2026) · Channels: Email survey, sms"
    )
    assert "compared" not in scope_caption(state, PERIOD, None, LABELS)
