"""The Comments page in-process over the demo API: search, terms, themes, links, counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from nps_core.analysis.search import search_mask, terms_mask
from nps_core.analysis.tokens import normalize_series
from nps_core.data.client import NpsClient
from nps_core.data.fetch import fetch_reviews
from nps_core.present.comments import CommentFilters, filter_mask
from nps_core.ui.themes import KEY_VIEW
from tests.support.apptest import AppFactory

PAGE = "app_pages/comments.py"
COUNT = re.compile(r"\*\*([\d,]+) of ([\d,]+) reviews?\*\*")


@pytest.fixture(scope="module")
def period_frame(demo_api) -> Callable[[AppTest], pd.DataFrame]:
    """The reviews of the period the page shows (read from its caption), fetched apart."""
    server, shop_id, secret = demo_api
    frames: dict[tuple[date, date], pd.DataFrame] = {}

    def frame(app: AppTest) -> pd.DataFrame:
        label = app.caption[0].value.split(" · ")[0]
        first, _, last = label.partition(" – ")
        start, end = (datetime.strptime(day, "%d %b %Y").date() for day in (first, last or first))
        if (start, end) not in frames:
            with NpsClient(server.url, shop_id, secret) as client:
                frames[start, end] = fetch_reviews(client, start, end, tz="UTC").frame
        return frames[start, end]

    return frame


def counts(app: AppTest) -> tuple[int, int]:
    """The "1,234 of 20,000 reviews" line, as numbers."""
    for markdown in app.markdown:
        match = COUNT.fullmatch(markdown.value)
        if match:
            return tuple(int(part.replace(",", "")) for part in match.groups())  # type: ignore[return-value]
    raise AssertionError("no count line on the page")


def table(app: AppTest) -> pd.DataFrame:
    return app.dataframe[0].value


def test_search_narrows_the_table_to_the_right_count(
    app_factory: AppFactory, period_frame: Callable[[AppTest], pd.DataFrame]
) -> None:
    app = app_factory(PAGE)
    assert not app.exception
    default_period_frame = period_frame(app)
    total = len(default_period_frame)
    assert counts(app) == (total, total)
    assert len(table(app)) == total

    app.text_input(key="cmt_query").set_value("courier").run()
    default_period_frame = period_frame(app)
    total = len(default_period_frame)
    expected = int(search_mask(default_period_frame["comment"], "courier").sum())
    assert 0 < expected < total
    assert counts(app) == (expected, total)
    shown = table(app)
    assert len(shown) == expected
    assert shown["comment"].str.lower().str.contains("courier").all()
    assert app.query_params["q"] == "courier"


def test_a_link_reproduces_the_view(
    app_factory: AppFactory, period_frame: Callable[[AppTest], pd.DataFrame]
) -> None:
    query = {"groups": "detractor", "rate": "0-5", "with_comment": "1", "q": "не"}
    app = app_factory(PAGE, **query)
    assert not app.exception
    frame = period_frame(app)
    filters = CommentFilters(
        groups=("detractor",), rate_range=(0, 5), with_comment=True, query="не"
    )
    expected = int(filter_mask(frame, normalize_series(frame["comment"]), filters).sum())
    assert counts(app) == (expected, len(frame))
    assert app.pills(key="cmt_groups").value == ["detractor"]
    assert app.slider(key="cmt_rate").value == (0, 5)
    # The shared sidebar keeps the page's parameters, and the page keeps the shared ones.
    assert {k: app.query_params[k] for k in query} == query


def test_choosing_a_term_filters_by_it(
    app_factory: AppFactory, period_frame: Callable[[AppTest], pd.DataFrame]
) -> None:
    app = app_factory(PAGE)
    app.session_state[KEY_VIEW] = "Distinctive terms"  # the tab with the terms
    app.run()
    default_period_frame = period_frame(app)
    detractor_terms = app.pills(key="cmt_term_detractor")
    assert detractor_terms.options
    term = detractor_terms.options[0]
    detractor_terms.set_value(term).run()
    default_period_frame = period_frame(app)
    expected = int(terms_mask(default_period_frame["comment"], term).sum())
    assert counts(app)[0] == expected > 0
    assert app.query_params["term"] == term

    # A promoter term replaces it: one term at a time.
    promoter_terms = app.pills(key="cmt_term_promoter")
    other = promoter_terms.options[0]
    promoter_terms.set_value(other).run()
    default_period_frame = period_frame(app)
    assert app.pills(key="cmt_term_detractor").value is None
    assert app.query_params["term"] == other
    assert counts(app)[0] == int(terms_mask(default_period_frame["comment"], other).sum())

    app.pills(key="cmt_term_promoter").set_value(None).run()
    assert "term" not in app.query_params
    assert counts(app)[0] == len(period_frame(app))


def test_a_linked_term_outside_the_top_list_can_be_cleared(app_factory: AppFactory) -> None:
    app = app_factory(PAGE, term="zzzunseen")
    assert counts(app)[0] == 0
    clear = next(b for b in app.button if "zzzunseen" in b.label)
    clear.click().run()
    assert "term" not in app.query_params
    assert counts(app)[0] > 0


def test_bad_link_values_fall_back_with_a_notice(app_factory: AppFactory) -> None:
    app = app_factory(PAGE, rate="7-3", groups="angry")
    assert not app.exception
    assert app.slider(key="cmt_rate").value == (0, 10)
    assert len(app.toast) == 2
