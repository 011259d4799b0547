"""The texts that say a page's figures are not the API's whole truth."""

from __future__ import annotations

from datetime import date

from nps_core.data.fetch import ReviewSet, empty_frame
from nps_core.data.planner import Rejection, Truncation, Window
from nps_core.present.notices import (
    data_notices,
    malformed_details,
    malformed_notice,
    truncation_notice,
)

DAY = date(2024, 5, 1)
WINDOW = Window(DAY, date(2024, 5, 3))


def reviews(**fields: object) -> ReviewSet:
    return ReviewSet(empty_frame(), DAY, DAY, "UTC", complete=False, **fields)  # type: ignore[arg-type]


def test_malformed_reviews_are_counted_in_words() -> None:
    assert malformed_notice(reviews()) is None
    one = reviews(rejected=(Rejection(WINDOW, "rate is missing", 1, "None"),))
    assert malformed_notice(one) == "1 review from the API was malformed and left out"
    three = reviews(
        rejected=(
            Rejection(WINDOW, "rate is not an integer from 0 to 10", 2, "'abc'"),
            Rejection(Window(DAY, DAY, "web"), "rate is not an integer from 0 to 10", 1, "11"),
        )
    )
    assert malformed_notice(three) == "3 reviews from the API were malformed and left out"
    assert malformed_details(three) == "rate is not an integer from 0 to 10 (3, e.g. 'abc')"
    assert data_notices(three) == ["3 reviews from the API were malformed and left out."]


def test_truncation_names_the_cells_and_the_cap_seen() -> None:
    cut = reviews(truncated=(Truncation(DAY, "web", "delivery", 137),))
    text = truncation_notice(cut, {"web": "Website"}, {})
    assert text == (
        "the API sends at most 137 reviews per call, and these day × channel × category "
        "cells hit that limit: 01 May 2024 × Website × delivery"
    )
    assert data_notices(cut) == [
        "Some reviews are missing: the API's cap cut off 1 day × channel × category cell."
    ]
    assert truncation_notice(reviews(), {}, {}) is None


def test_a_rejection_names_its_window() -> None:
    rejection = Rejection(Window(DAY, DAY, "web", "delivery"), "id is missing", 2, "None")
    assert str(rejection) == (
        "2 in the answer for 2024-05-01, channel web, category delivery: id is missing (e.g. None)"
    )
