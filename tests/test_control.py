"""The control band of the rolling 7-day NPS (nps_core.analysis.control)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from itertools import count

import pytest

from nps_core.analysis.control import (
    ENTER_Z,
    LEAVE_Z,
    SHOP,
    BandCheck,
    band_checks,
    span_needed,
)
from tests.support.rows import review_frame, wire_review

LAST = date(2026, 3, 31)
_ids = count(1)


def answers(
    day: date, rates: list[int], channel: str = "web", category: str = "delivery"
) -> list[dict]:
    moment = datetime.combine(day, time(12), UTC)
    return [
        wire_review(next(_ids), moment, rate, channel=channel, category=category) for rate in rates
    ]


def steady_baseline(channel: str = "web", category: str = "delivery") -> list[dict]:
    """56 days before the window: 6 promoters, 2 passives, 2 detractors a day (NPS +40)."""
    first, _ = span_needed(LAST)
    rows: list[dict] = []
    for k in range(56):
        rows += answers(first + timedelta(days=k), [10] * 6 + [8] * 2 + [3] * 2, channel, category)
    return rows


def window(
    rates_per_day: list[int], channel: str = "web", category: str = "delivery"
) -> list[dict]:
    rows: list[dict] = []
    for k in range(7):
        rows += answers(LAST - timedelta(days=6 - k), rates_per_day, channel, category)
    return rows


def check_of(checks: list[BandCheck], segment: str) -> BandCheck:
    return next(c for c in checks if c.segment == segment)


def test_the_span_is_the_window_and_eight_weeks_before_it() -> None:
    first, last = span_needed(LAST)
    assert (last - first).days + 1 == 7 + 56
    assert last == LAST


def test_the_lower_limit_follows_the_adjusted_wald_formula() -> None:
    frame = review_frame(steady_baseline() + window([10] * 6 + [8] * 2 + [3] * 2))
    shop = check_of(band_checks(frame, LAST), SHOP)
    n, n0 = 70, 560
    # Adjusted shares: 0.75 detractors, 1.5 passives, 0.75 promoters added (3 in all).
    d, p = (112 + 0.75) / (n0 + 3), (336 + 0.75) / (n0 + 3)
    spread = p + d - (p - d) ** 2
    expected = 40.0 - ENTER_Z * 100 * math.sqrt(spread * (1 / n + 1 / n0))
    assert (shop.n, shop.baseline_n, shop.baseline_nps) == (n, n0, pytest.approx(40.0))
    assert shop.lower == pytest.approx(expected)
    assert shop.recover == pytest.approx(
        40.0 - LEAVE_Z * 100 * math.sqrt(spread * (1 / n + 1 / n0))
    )
    assert shop.lower < shop.recover < shop.baseline_nps
    assert not shop.below
    assert shop.recovered


def test_a_soured_week_falls_below_its_band() -> None:
    frame = review_frame(steady_baseline() + window([10] * 3 + [8] * 2 + [2] * 5))  # NPS −20
    checks = band_checks(frame, LAST)
    segment = check_of(checks, "web|delivery")
    assert segment.nps == pytest.approx(-20.0)
    assert segment.below
    assert not segment.recovered
    assert (segment.channel, segment.category) == ("web", "delivery")
    assert check_of(checks, SHOP).below


def test_a_small_wobble_stays_inside() -> None:
    frame = review_frame(steady_baseline() + window([10] * 5 + [8] * 3 + [3] * 2))  # NPS +30
    assert not check_of(band_checks(frame, LAST), SHOP).below


def test_between_the_limits_a_segment_neither_leaves_nor_recovers() -> None:
    frame = review_frame(steady_baseline() + window([10] * 5 + [8] * 2 + [3] * 3))  # NPS +20
    shop = check_of(band_checks(frame, LAST), SHOP)
    assert shop.lower <= shop.nps < shop.recover
    assert not shop.below
    assert not shop.recovered


def test_fewer_than_30_answers_hold_the_state() -> None:
    thin = window([2, 10, 2])  # 21 answers, NPS −33
    frame = review_frame(steady_baseline() + thin)
    shop = check_of(band_checks(frame, LAST), SHOP)
    assert shop.nps < shop.lower
    assert not shop.enough
    assert not shop.below
    assert not shop.recovered


def test_each_segment_is_judged_against_its_own_baseline() -> None:
    rows = steady_baseline() + steady_baseline("sms", "product")
    rows += window([10] * 6 + [8] * 2 + [3] * 2) + window([2] * 10, "sms", "product")
    checks = band_checks(review_frame(rows), LAST)
    assert [c.segment for c in checks] == [SHOP, "sms|product", "web|delivery"]
    assert check_of(checks, "sms|product").below
    assert not check_of(checks, "web|delivery").below


def test_a_segment_new_this_week_has_no_baseline_and_no_verdict() -> None:
    rows = steady_baseline() + window([10] * 10) + window([2] * 10, "sms", "product")
    segment = check_of(band_checks(review_frame(rows), LAST), "sms|product")
    assert segment.baseline_n == 0
    assert math.isnan(segment.lower)
    assert not segment.below
    assert not segment.recovered
