"""Figures draw exactly the metrics they are given, in the group colours, small samples faded."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from nps_core.analysis.segments import decompose, distribution
from nps_core.analysis.trend import trend
from nps_core.present.charts.overview import composition_figure, distribution_figure, trend_figure
from nps_core.present.charts.segments import drivers_figure, heatmap_figure, segment_trend_figure
from nps_core.present.filters import Period
from nps_core.present.palette import (
    FADED_OPACITY,
    GROUP_COLORS,
    NPS_COLOR,
    SEGMENT_COLORS,
    TARGET_COLOR,
)
from nps_core.present.segments import drivers_table, heatmap, segment_trend

PERIOD = Period(date(2026, 3, 1), date(2026, 3, 14))
LABELS = {"channel": {"email": "Email survey"}, "category": {}}


def reviews(n: int, seed: int, days: int = 14) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "day": pd.Series(
                [PERIOD.start + timedelta(days=int(d)) for d in rng.integers(0, days, n)],
                dtype=object,
            ),
            "channel": pd.Categorical(rng.choice(["email", "web"], size=n, p=[0.95, 0.05])),
            "category": pd.Categorical(rng.choice(["a", "b"], size=n)),
            "rate": rng.integers(1, 11, n).astype(np.int8),
        }
    )


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return reviews(900, seed=3)


def trace(figure, name):
    return next(t for t in figure.data if t.name == name)


def test_trend_draws_nps_band_target_and_rolling(frame):
    data = trend(frame, "D", rolling=7, start=PERIOD.start, end=PERIOD.end)
    figure = trend_figure(data, "D", target=35, rolling=7)
    nps = trace(figure, "NPS")
    assert list(nps.y) == pytest.approx(data["nps"].tolist())
    assert nps.line.color == NPS_COLOR
    band = trace(figure, "95% interval")
    assert list(band.y) == pytest.approx(data["ci_low"].tolist())
    assert list(figure.data[0].y) == pytest.approx(data["ci_high"].tolist())
    rolling = trace(figure, "Rolling 7-day NPS")
    assert list(rolling.y) == pytest.approx(data["rolling_nps"].tolist())
    (target,) = figure.layout.shapes
    assert (target.y0, target.y1, target.line.color) == (35, 35, TARGET_COLOR)


def test_trend_fades_small_samples(frame):
    data = trend(frame, "D", start=PERIOD.start, end=PERIOD.end)  # ~64 a day
    data.loc[2, "small_sample"] = True
    opacity = list(trace(trend_figure(data, "D"), "NPS").marker.opacity)
    assert opacity[2] == FADED_OPACITY
    assert opacity.count(1.0) == len(data) - 1
    assert "Fewer than 30 reviews" in [t.name for t in trend_figure(data, "D").data]


def test_trend_of_an_empty_period_draws_no_point(frame):
    data = trend(frame.iloc[:0], "W", start=PERIOD.start, end=PERIOD.end)
    figure = trend_figure(data, "W")
    assert np.isnan(np.asarray(trace(figure, "NPS").y, dtype=float)).all()


def test_composition_stacks_group_shares_in_group_colours(frame):
    data = trend(frame, "W", start=PERIOD.start, end=PERIOD.end)
    figure = composition_figure(data, "W")
    assert figure.layout.barmode == "stack"
    colours = [t.marker.color for t in figure.data]
    assert colours == [GROUP_COLORS[g] for g in ("detractor", "passive", "promoter")]
    stacked = np.sum([np.asarray(t.y, dtype=float) for t in figure.data], axis=0)
    assert stacked == pytest.approx(np.full(len(data), 100.0))
    assert list(figure.data[2].y) == pytest.approx((100 * data["promoter_share"]).tolist())


def test_distribution_bars_per_rate_coloured_by_group(frame):
    data = distribution(frame)
    figure = distribution_figure(data)
    drawn = {x: (y, t.marker.color) for t in figure.data for x, y in zip(t.x, t.y, strict=True)}
    assert list(drawn) == [str(r) for r in range(1, 11)]  # no 0 given, none drawn
    assert drawn["6"] == (data.loc[data.rate == 6, "count"].item(), GROUP_COLORS["detractor"])
    assert drawn["8"][1] == GROUP_COLORS["passive"]
    assert drawn["10"][1] == GROUP_COLORS["promoter"]
    with_zero = frame.assign(rate=frame["rate"].where(frame.index > 0, 0).astype(np.int8))
    zero = distribution_figure(distribution(with_zero))
    assert "0" in [x for t in zero.data for x in t.x]


def test_heatmap_writes_nps_and_n_and_fades_small_cells(frame):
    grid = heatmap(frame, "channel", "category", LABELS)
    figure = heatmap_figure(grid)
    full, faded = figure.data
    assert faded.opacity == FADED_OPACITY
    drawn = np.where(np.isnan(full.z.astype(float)), faded.z, full.z).astype(float)
    assert drawn == pytest.approx(grid.nps.to_numpy(dtype=float))
    small = (grid.n.to_numpy() < 30).ravel()
    assert small.any()  # web is 5% of 900 over two categories: ~22 a cell
    for cell, is_small in zip(np.asarray(faded.z, dtype=float).ravel(), small, strict=True):
        assert np.isnan(cell) != is_small
    assert list(full.y) == ["Email survey", "web"]
    assert f"n = {grid.n.iloc[0, 0]:,}" in full.text[0][0]


def test_segment_trend_one_line_per_segment_in_segment_colours(frame):
    lines, _ = segment_trend(frame, ["channel"], "W", PERIOD, LABELS)
    figure = segment_trend_figure(lines, "W", target=40)
    assert [t.name for t in figure.data] == ["Email survey", "web"]
    assert [shape.y0 for shape in figure.layout.shapes] == [40]
    assert [t.line.color for t in figure.data] == SEGMENT_COLORS[:2]
    web = lines[lines["segment"] == "web"]
    assert list(figure.data[1].y) == pytest.approx(web["nps"].tolist(), nan_ok=True)


def test_drivers_bars_are_the_decomposition(frame):
    decomposition = decompose(frame, reviews(700, seed=4), "channel")
    table = drivers_table(decomposition, ["channel"], LABELS)
    figure = drivers_figure(table)
    assert figure.layout.barmode == "relative"
    assert list(trace(figure, "Share of responses (mix)").x) == pytest.approx(table["mix"].tolist())
    assert list(trace(figure, "NPS within the segment (rate)").x) == pytest.approx(
        table["rate"].tolist()
    )
    assert list(trace(figure, "Total").x) == pytest.approx(table["total"].tolist())


def test_every_figure_is_valid_plotly(frame):
    """The builders skip Plotly's validation for speed; here it runs on each of them."""
    periods = trend(frame, "D", rolling=7, start=PERIOD.start, end=PERIOD.end)
    lines, _ = segment_trend(frame, ["channel"], "M", PERIOD, LABELS)
    figures = [
        trend_figure(periods, "D", target=-20, rolling=7),
        composition_figure(periods, "D"),
        distribution_figure(distribution(frame)),
        heatmap_figure(heatmap(frame, "channel", "category", LABELS)),
        segment_trend_figure(lines, "M"),
        drivers_figure(
            drivers_table(decompose(frame, reviews(50, seed=5), "category"), ["category"], LABELS)
        ),
    ]
    for figure in figures:
        go.Figure(figure.to_dict())  # raises on any unknown property or bad value
