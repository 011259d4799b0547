"""Shared filters as plain data: presets, comparisons, URL round trips, bad links."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from nps_core.present.filters import (
    FilterState,
    Period,
    comparison_period,
    default_granularity,
    drop_unknown_codes,
    filter_frame,
    parse_filters,
    resolve_period,
    to_query,
)
from nps_core.present.frames import content_key

TODAY = date(2026, 5, 20)


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        ("7d", date(2026, 5, 14), TODAY),
        ("30d", date(2026, 4, 21), TODAY),
        ("90d", date(2026, 2, 20), TODAY),
        ("this_month", date(2026, 5, 1), TODAY),
        ("last_month", date(2026, 4, 1), date(2026, 4, 30)),
        ("this_quarter", date(2026, 4, 1), TODAY),
        ("12m", date(2025, 5, 21), TODAY),
    ],
)
def test_presets_end_today_and_cover_their_days(preset, start, end):
    assert resolve_period(preset, TODAY) == Period(start, end)


def test_custom_range_is_ordered_and_needs_both_dates():
    assert resolve_period("custom", TODAY, date(2026, 3, 9), date(2026, 3, 1)) == Period(
        date(2026, 3, 1), date(2026, 3, 9)
    )
    with pytest.raises(ValueError, match="both dates"):
        resolve_period("custom", TODAY, date(2026, 3, 1), None)


def test_comparison_periods():
    period = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert comparison_period(period, "previous") == Period(date(2026, 1, 29), date(2026, 2, 28))
    assert comparison_period(period, "last_year") == Period(date(2025, 3, 1), date(2025, 3, 31))
    assert comparison_period(period, "none") is None
    leap = Period(date(2024, 2, 29), date(2024, 2, 29))
    assert comparison_period(leap, "last_year") == Period(date(2023, 2, 28), date(2023, 2, 28))


@pytest.mark.parametrize(
    ("days", "granularity"), [(1, "D"), (31, "D"), (32, "W"), (180, "W"), (181, "M"), (731, "Q")]
)
def test_default_granularity_follows_the_period_length(days, granularity):
    start = date(2020, 1, 1)
    assert default_granularity(Period(start, start + pd.Timedelta(days=days - 1))) == granularity


def test_url_round_trip_keeps_every_filter_and_foreign_parameters():
    state = FilterState(
        preset="custom",
        start=date(2026, 1, 5),
        end=date(2026, 2, 1),
        compare="last_year",
        channels=("email", "web"),
        categories=("delivery",),
        target=40.0,
        granularity="M",
        rolling=28,
        extra={"q": "late"},
    )
    query = to_query(state)
    assert query == {
        "period": "custom",
        "from": "2026-01-05",
        "to": "2026-02-01",
        "compare": "last_year",
        "channel": "email,web",
        "category": "delivery",
        "target": "40",
        "granularity": "M",
        "rolling": "28",
        "q": "late",
    }
    assert parse_filters(query, TODAY) == (state, [])


def test_defaults_are_left_out_of_the_url():
    assert to_query(FilterState()) == {}
    assert parse_filters({}, TODAY) == (FilterState(), [])


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"period": "fortnight"}, "Unknown period 'fortnight'"),
        ({"period": "custom", "from": "2026-13-01", "to": "2026-02-01"}, "custom dates"),
        ({"period": "custom", "from": "2026-01-01"}, "custom dates"),
        ({"period": "custom", "from": "2026-01-01", "to": "2099-01-01"}, "custom dates"),
        ({"compare": "yesterday"}, "Unknown comparison 'yesterday'"),
        ({"target": "lots"}, "NPS target"),
        ({"target": "150"}, "NPS target"),
        ({"granularity": "hour"}, "Unknown granularity 'hour'"),
        ({"rolling": "5"}, "rolling window"),
        ({"rolling": "week"}, "rolling window"),
    ],
)
def test_a_bad_parameter_falls_back_to_the_default_with_a_notice(params, notice):
    state, notices = parse_filters(params, TODAY)
    assert len(notices) == 1
    assert notice in notices[0]
    default = FilterState()
    assert (state.preset, state.compare, state.target) == (
        default.preset,
        default.compare,
        default.target,
    )
    assert (state.granularity, state.rolling) == (None, None)


def test_lists_and_case_are_tolerated():
    state, notices = parse_filters({"channel": ["web", "email, email,"], "granularity": "w"}, TODAY)
    assert notices == []
    assert state.channels == ("email",)  # the last value of a repeated parameter wins
    assert state.granularity == "W"


def test_freq_is_the_chosen_granularity_else_the_period_default():
    assert FilterState(preset="7d").trend_granularity(TODAY) == "D"
    assert FilterState(preset="12m").trend_granularity(TODAY) == "M"
    assert FilterState(preset="12m", granularity="W").trend_granularity(TODAY) == "W"


def test_unknown_codes_are_dropped_with_a_notice_each():
    state = FilterState(channels=("email", "fax"), categories=("delivery", "nope"))
    kept, notices = drop_unknown_codes(state, {"email", "web"}, {"delivery"})
    assert (kept.channels, kept.categories) == (("email",), ("delivery",))
    assert notices == [
        "Unknown channel 'fax' in the link; ignored.",
        "Unknown category 'nope' in the link; ignored.",
    ]
    assert drop_unknown_codes(kept, {"email"}, {"delivery"}) == (kept, [])


def test_filter_frame_keeps_chosen_channels_and_categories():
    frame = pd.DataFrame(
        {
            "channel": pd.Categorical(["email", "web", "email", "sms"]),
            "category": pd.Categorical(["a", "a", "b", "b"]),
            "rate": np.array([10, 9, 0, 5], dtype=np.int8),
        }
    )
    assert filter_frame(frame, FilterState()) is frame
    chosen = filter_frame(frame, FilterState(channels=("email", "sms"), categories=("b",)))
    assert chosen["rate"].tolist() == [0, 5]
    assert filter_frame(frame, FilterState(channels=("fax",))).empty


def _commented(comments: list[str | None], rates: list[int], chunks: int = 1) -> pd.DataFrame:
    step = -(-len(comments) // chunks)
    parts = [
        pa.array(comments[i : i + step], pa.large_string()) for i in range(0, len(comments), step)
    ]
    text = pd.arrays.ArrowExtensionArray(pa.chunked_array(parts))
    return pd.DataFrame({"id": range(len(comments)), "rate": rates, "comment": text})


def test_the_content_key_names_the_rows_whatever_their_fetch() -> None:
    """The same rows give the same key (a re-fetch that changed nothing keeps what was
    computed); another comment, rate, row or index gives another; a big frame's chunked
    column is read."""
    base = _commented(["late", None, "great"], [2, 7, 10])
    assert content_key(base) == content_key(_commented(["late", None, "great"], [2, 7, 10]))
    assert content_key(base) != content_key(_commented(["later", None, "great"], [2, 7, 10]))
    assert content_key(base) != content_key(_commented(["late", None, "great"], [3, 7, 10]))
    assert content_key(base) != content_key(base.iloc[:2])
    assert content_key(base) != content_key(base.set_axis([5, 6, 7]))
    assert content_key(_commented(["a", "b", "c", "d"], [1, 2, 3, 4], chunks=2))
