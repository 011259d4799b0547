"""Numbers read the same everywhere: signs, margins, shares, p-values, periods."""

from __future__ import annotations

import math
from datetime import date

import pytest

from nps_core.present.formatting import (
    MINUS,
    NO_DATA,
    format_count,
    format_delta,
    format_interval,
    format_margin,
    format_nps,
    format_nps_with_margin,
    format_p,
    format_period,
    format_points,
    format_share,
    significance_text,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [(42.4, "+42"), (-7.2, f"{MINUS}7"), (0.4, "0"), (-0.4, "0"), (None, NO_DATA)],
)
def test_nps_is_a_signed_whole_number(value, text):
    assert format_nps(value) == text


def test_nps_with_margin_and_interval():
    assert format_nps_with_margin(42.2, 6.4) == "+42 ± 6"
    assert format_nps_with_margin(math.nan, 6.4) == NO_DATA
    assert format_margin(math.nan) == ""
    assert format_interval(-12.3, 8.6) == f"{MINUS}12 to +9"
    assert format_interval(math.nan, 3) == NO_DATA


def test_deltas_points_shares_counts():
    assert format_delta(4.6) == "+5 pts"
    assert format_points(-0.34) == f"{MINUS}0.3 pts"
    assert format_points(0.04) == "0.0 pts"
    assert format_share(0.426) == "43%"
    assert format_count(12345) == "12,345"
    assert format_count(None) == NO_DATA


def test_p_values_and_significance():
    assert format_p(0.0004) == "p < 0.001"
    assert format_p(0.004) == "p = 0.004"
    assert format_p(0.41) == "p = 0.41"
    assert significance_text(0.004, True) == "significant (p = 0.004)"
    assert significance_text(0.41, False) == "not significant (p = 0.41)"
    assert significance_text(math.nan, False).startswith("no comparison")


@pytest.mark.parametrize(
    ("granularity", "text"),
    [("D", "3 Mar 2026"), ("W", "week of 2 Mar 2026"), ("M", "Mar 2026"), ("Q", "Q1 2026")],
)
def test_periods(granularity, text):
    start = date(2026, 3, 2) if granularity == "W" else date(2026, 3, 3)
    assert format_period(start, granularity) == text
