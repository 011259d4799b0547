"""A server that cuts its answers shorter than documented, without saying so.

Property: for any valid data set and any cap from 50 to 1000 the client is not told of,
``fetch_reviews`` returns exactly what the database holds for the period, or says it is
incomplete and names every day × channel × category where reviews are missing.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from nps_core.data.cache import ReviewCache
from nps_core.data.client import NpsClient
from nps_core.data.fetch import ReviewSet, fetch_reviews
from nps_core.server import ServerHandle, ServerOptions, start_server
from tests.support.rows import DAY0, review_row
from tests.support.shops import SHOP_ID, SHOP_SECRET, clear_reviews, seed_shop


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    db = tmp_path_factory.mktemp("caps") / "api.sqlite3"
    seed_shop(db).close()
    with start_server(db) as handle:
        yield handle


def data_set(seed: int, reviews: int, days: int, hot: float) -> list[dict]:
    """``reviews`` over ``days`` days from DAY0; a share ``hot`` of them crowded into a
    few days and segments, as sale days are."""
    rng = random.Random(seed)
    hot_days = [rng.randrange(days) for _ in range(3)]
    rows = []
    for _ in range(reviews):
        crowded = rng.random() < hot
        offset = rng.choice(hot_days) if crowded else rng.randrange(days)
        moment = datetime.combine(DAY0 + timedelta(days=offset), time(), UTC)
        moment += timedelta(milliseconds=rng.randrange(86_400_000))
        fixed = {"channel": "web", "category": "product"} if crowded and rng.random() < 0.5 else {}
        rows.append(review_row(rng, moment, **fixed))
    return rows


def served(server: ServerHandle, rows: list[dict], cap: int) -> None:
    """The module's server holding ``rows`` (ids 1..n in order), cutting at ``cap``."""
    store = server.app.state.store
    clear_reviews(store)
    with store.transaction() as con:
        con.execute(text("DELETE FROM sqlite_sequence WHERE name = 'reviews'"))
    store.insert_reviews_bulk(SHOP_ID, rows)
    server.app.state.options = ServerOptions(page_limit=cap)


def day_of(row: dict) -> date:
    return datetime.fromtimestamp(row["created_ms"] / 1000, UTC).date()


def assert_exact_or_named(result: ReviewSet, rows: list[dict], start: date, end: date) -> None:
    """Every review the frame holds is the database's; none is missing unnoticed."""
    want = {i + 1: r for i, r in enumerate(rows) if start <= day_of(r) <= end}
    got = dict(zip(result.frame["id"].tolist(), result.frame["rate"].tolist(), strict=True))
    assert set(got) <= set(want), "the frame holds reviews the database does not"
    assert all(want[i]["rate"] == rate for i, rate in got.items())
    missing = set(want) - set(got)
    if result.complete:
        assert not missing, f"{len(missing)} reviews missing from a complete result"
        return
    assert result.rejected == ()
    # A truncated one-day window may cover the day after too (date_to's rule unknown).
    named = {
        (t.day + timedelta(days=k), t.channel, t.category) for t in result.truncated for k in (0, 1)
    }
    assert result.truncated, "an incomplete result names where reviews are missing"
    for review_id in missing:
        row = want[review_id]
        assert (day_of(row), row["channel"], row["category"]) in named, row


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32),
    reviews=st.integers(0, 3000) | st.integers(1000, 3000),
    days=st.integers(1, 200),
    hot=st.sampled_from([0.0, 0.3, 0.8]),
    cap=st.integers(50, 1000),
    # The period: from somewhere in the first quarter of the data to its last quarter.
    span=st.tuples(st.floats(0, 0.25), st.floats(0.75, 1)),
)
def test_frame_is_the_database_or_the_shortfall_is_named(
    server: ServerHandle,
    seed: int,
    reviews: int,
    days: int,
    hot: float,
    cap: int,
    span: tuple[float, float],
) -> None:
    rows = data_set(seed, reviews, days, hot)
    served(server, rows, cap)
    first, last = (int(share * (days - 1)) for share in span)
    start, end = DAY0 + timedelta(days=first), DAY0 + timedelta(days=last)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        result = fetch_reviews(client, start, end)  # told only of the documented 1000
    assert_exact_or_named(result, rows, start, end)


def test_the_cap_is_learnt_and_remembered(server: ServerHandle, tmp_path: Path) -> None:
    rows = data_set(7, 3000, 60, 0.0)
    served(server, rows, 137)
    cache = ReviewCache(tmp_path / "cache")
    start, end = DAY0, DAY0 + timedelta(days=59)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        first = fetch_reviews(client, start, end, cache=cache)
        source = f"{client.base_url}|{SHOP_ID}"
        assert cache.traits(source)["cap"] == 137
        cache.invalidate()
        second = fetch_reviews(client, start, end, cache=cache)
        assert cache.traits(source)["cap"] == 137
    assert first.complete
    assert second.complete
    assert len(first.frame) == len(second.frame) == 3000
    # Knowing the cap, the second fetch splits at once instead of checking first.
    assert second.requests <= first.requests


def test_equal_longest_answers_in_two_windows_are_split(server: ServerHandle) -> None:
    # Two quarters, each with more reviews than the cap: both answers come back at 100.
    rows = data_set(3, 300, 180, 0.0)
    served(server, rows, 100)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        result = fetch_reviews(client, DAY0, DAY0 + timedelta(days=179))
    assert result.complete
    assert sorted(result.frame["id"]) == list(range(1, 301))


def test_a_cap_learnt_is_forgotten_when_the_server_sends_more(
    server: ServerHandle, tmp_path: Path
) -> None:
    rows = data_set(11, 2000, 60, 0.0)
    cache = ReviewCache(tmp_path / "cache")
    start, end = DAY0, DAY0 + timedelta(days=59)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        source = f"{client.base_url}|{SHOP_ID}"
        served(server, rows, 137)
        fetch_reviews(client, start, end, cache=cache)
        assert cache.traits(source)["cap"] == 137
        served(server, rows, 1000)  # the vendor raised its cap
        cache.invalidate()
        again = fetch_reviews(client, start, end, cache=cache)
    assert again.complete
    assert len(again.frame) == 2000
    assert cache.traits(source)["cap"] is None
