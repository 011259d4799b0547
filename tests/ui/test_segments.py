"""The Segments page shows nps_core.analysis of the filtered frame; choosing a segment drills down."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nps_core.analysis.segments import breakdown, compare_segments, decompose
from nps_core.analysis.trend import trend
from nps_core.present.formatting import format_nps, format_points
from tests.support.shown import (
    charts,
    expected_frames,
    names,
    numbers,
    page_for,
    state_of,
    trace,
)

CASES = {
    "defaults": {},
    "one channel over a quarter": {"period": "90d", "channel": "email"},
    "two categories, last month, no comparison": {
        "period": "last_month",
        "category": "delivery,support",
        "compare": "none",
    },
    "comparison period without reviews": {"period": "90d", "compare": "last_year"},
}


def heatmap_cells(chart) -> dict[tuple[str, str], float]:
    """(row name, column name) → NPS drawn, over the full and the faded trace."""
    cells = {}
    for layer in chart["data"]:
        z = np.asarray(layer["z"], dtype=np.float64).reshape(len(layer["y"]), len(layer["x"]))
        for i, row in enumerate(layer["y"]):
            for j, column in enumerate(layer["x"]):
                if not math.isnan(z[i, j]):
                    cells[row, column] = z[i, j]
    return cells


@pytest.mark.parametrize("query", CASES.values(), ids=CASES.keys())
def test_figures_are_the_metrics_of_the_filtered_frame(app_factory, demo_api, query):
    app, want = page_for(app_factory, demo_api, "app_pages/segments.py", query)
    state, today, current, previous = want.state, want.today, want.current, want.previous
    period = want.period
    drawn = charts(app)
    name = names(demo_api)

    cells = breakdown(current, ["channel", "category"])
    heat = heatmap_cells(drawn["heatmap"])
    assert len(heat) == len(cells)
    if state.channels:  # one channel chosen: one row, named
        assert {row for row, _ in heat} == {name[state.channels[0]]}
    shown_nps = sorted(heat.values())
    assert shown_nps == pytest.approx(sorted(cells["nps"]))

    table = app.dataframe[0].value
    by_channel = breakdown(current, "channel")
    assert table["channel"].tolist() == by_channel["channel"].astype(str).tolist()
    assert table["nps"].to_numpy() == pytest.approx(by_channel["nps"].to_numpy())
    assert table["n"].tolist() == by_channel["n"].tolist()
    if previous is None or previous.empty:
        assert table["p_holm"].isna().all()
    else:
        tests = compare_segments(current, previous, "channel").set_index("channel")
        for _, row in table.iterrows():
            assert row["p_holm"] == pytest.approx(tests.loc[row["channel"], "p_holm"])
            assert row["delta"] == pytest.approx(tests.loc[row["channel"], "delta"])

    lines = trend(
        current, state.trend_granularity(today), by="channel", start=period.start, end=period.end
    )
    assert len(drawn["segment_trend"]["data"]) == lines["channel"].nunique()
    for line in drawn["segment_trend"]["data"]:
        code = next(c for c in lines["channel"].unique() if name.get(c, c) == line["name"])
        expected = lines.loc[lines["channel"] == code, "nps"].to_numpy()
        assert numbers(line["y"]) == pytest.approx(expected, nan_ok=True)

    if previous is None or previous.empty:
        assert "drivers" not in drawn
        assert "comparison period" in app.info[0].value
    else:
        d = decompose(current, previous, "channel")
        sentence = next(m.value for m in app.markdown if m.value.startswith("NPS "))
        assert f"{format_nps(d.nps_previous)} → {format_nps(d.nps_current)}" in sentence
        assert format_points(d.rate) in sentence
        assert format_points(d.mix) in sentence
        total = numbers(trace(drawn["drivers"], "Total")["x"])
        assert total.sum() == pytest.approx(d.change)


def test_choosing_a_segment_narrows_the_shared_filters(app_factory, demo_api):
    app = app_factory("app_pages/segments.py", period="90d")
    app.selectbox(key="seg_pick").select("iOS app").run()
    app.button(key="seg_drill").click().run()
    assert not app.exception, app.exception
    assert app.query_params["channel"] == "ios_app"
    (channels,) = [m for m in app.sidebar.multiselect if m.label == "Channels"]
    assert channels.value == ["ios_app"]
    # The page turns to what is left to compare: the channel's categories.
    assert app.segmented_control[0].value == "category"
    state, today = state_of({"period": "90d", "channel": "ios_app"})
    current, _ = expected_frames(demo_api, state, today)
    table = app.dataframe[0].value
    by_category = breakdown(current, "category")
    assert table["category"].tolist() == by_category["category"].astype(str).tolist()
    assert table["nps"].to_numpy() == pytest.approx(by_category["nps"].to_numpy())


def test_heatmap_rows_and_columns_toggle(app_factory):
    app = app_factory("app_pages/segments.py", period="90d")
    rows = charts(app)["heatmap"]["data"][0]["y"]
    app.toggle(key="seg_transposed").set_value(True).run()
    turned = charts(app)["heatmap"]["data"][0]
    assert set(turned["x"]) == set(rows)
    assert "Delivery" in turned["y"]


def test_segment_by_channel_and_category(app_factory, demo_api):
    app = app_factory("app_pages/segments.py", period="90d")
    app.segmented_control[0].set_value("both").run()
    assert not app.exception, app.exception
    state, today = state_of({"period": "90d"})
    current, _ = expected_frames(demo_api, state, today)
    table = app.dataframe[0].value
    cells = breakdown(current, ["channel", "category"])
    assert len(table) == len(cells)
    assert table["nps"].to_numpy() == pytest.approx(cells["nps"].to_numpy())
    assert "Email survey · Delivery" in table["segment"].tolist()


def test_an_empty_period_says_so_without_charts(app_factory):
    app = app_factory(
        "app_pages/segments.py", period="custom", **{"from": "2010-01-01", "to": "2010-01-31"}
    )
    assert not app.exception, app.exception
    assert "No reviews in this period" in app.info[0].value
    assert not app.get("plotly_chart")
    assert not app.dataframe
