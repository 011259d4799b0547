"""Review objects that break the contract: left out, counted and named, never coerced.

Each case is an answer of the hostile API (``rows``) holding one good review and the
broken ones; ``fetch_reviews`` must keep the good one, leave out every broken one, say
which and why, and not call the result complete (nor store its days as complete).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from nps_core.contract.errors import MalformedAnswer
from nps_core.data.cache import ReviewCache
from nps_core.data.client import NpsClient
from nps_core.data.fetch import fetch_reviews
from tests.support.hostile import GOOD, HostileServer, hostile_server

DAY = date(2024, 5, 1)


def broken(**fields: Any) -> dict[str, Any]:
    """GOOD with another id and ``fields`` changed (``...`` leaves a field out)."""
    row = {**GOOD, "id": 2, **fields}
    return {k: v for k, v in row.items() if v is not ...}


# What the issue found: each of these became an untyped crash or a wrong number.
CASES = {
    "rate-text": ([broken(rate="abc")], "rate is not an integer from 0 to 10"),
    "rate-300": ([broken(rate=300)], "rate is not an integer from 0 to 10"),
    "rate-11": ([broken(rate=11)], "rate is not an integer from 0 to 10"),
    "rate-minus-3": ([broken(rate=-3)], "rate is not an integer from 0 to 10"),
    "rate-7.9": ([broken(rate=7.9)], "rate is not an integer from 0 to 10"),
    "rate-null": ([broken(rate=None)], "rate is missing"),
    "rate-absent": ([broken(rate=...)], "rate is missing"),
    "created-garbage": ([broken(created_at="yesterday")], "created_at is not an ISO 8601 time"),
    "created-empty": ([broken(created_at="")], "created_at is missing"),
    "created-year-9999": ([broken(created_at="9999-12-31T00:00:00Z")], "created_at is not"),
    "id-absent": ([broken(id=...)], "id is missing"),
    "id-2**63": ([broken(id=2**63)], "id is not an integer of at most 64 bits"),
    "id-1.5": ([broken(id=1.5)], "id is not an integer of at most 64 bits"),
    "not-an-object": ([5, "review", [1, 2]], "is not a JSON object"),
    "channel-object": ([broken(channel={"code": "web"})], "channel is not text"),
}


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with hostile_server() as hostile:
        yield hostile


def fetch(server: HostileServer, rows: list[Any], **options: Any):  # -> ReviewSet
    server.reviews = rows
    with NpsClient(f"{server.url}/rows", "shop", "secret", retries=0) as client:
        return fetch_reviews(client, DAY, DAY, **options)


@pytest.mark.parametrize(("rows", "problem"), CASES.values(), ids=CASES.keys())
def test_broken_reviews_are_left_out_counted_and_named(
    server: HostileServer, rows: list[Any], problem: str
) -> None:
    result = fetch(server, [GOOD, *rows])
    assert result.frame["id"].tolist() == [1]
    assert result.frame["rate"].tolist() == [9]
    assert not result.complete
    assert not result.stale
    assert sum(r.count for r in result.rejected) == len(rows)
    assert all(r.problem.startswith(problem) for r in result.rejected)
    # Named: which answer (its window of days), what, and an example value.
    for rejection in result.rejected:
        assert str(DAY - timedelta(days=1)) in str(rejection.window)
        assert rejection.problem in str(rejection)


def test_big_client_ids_are_kept_exactly(server: HostileServer) -> None:
    rows = [GOOD, {**GOOD, "id": 2, "client_id": 2**63}, {**GOOD, "id": 3, "client_id": 2**64 + 3}]
    result = fetch(server, rows)
    assert result.complete
    assert result.rejected == ()
    assert [int(c) for c in result.frame["client_id"]] == [7, 2**63, 2**64 + 3]


def test_valid_variants_are_not_rejected(server: HostileServer) -> None:
    rows = [
        GOOD,
        {**GOOD, "id": "2", "rate": "10"},  # numbers sent as text
        {**GOOD, "id": 3, "rate": 0.0 + 7},  # an integral float is that integer
        {**GOOD, "id": 4, "rate": 0, "created_at": "2024-05-01T13:00:00.000+03:00"},
    ]
    result = fetch(server, rows)
    assert result.complete, result.rejected
    assert result.frame.sort_values("id")["rate"].tolist() == [9, 10, 7, 0]
    assert result.frame.sort_values("id")["group"].astype(str).tolist() == [
        "promoter",
        "promoter",
        "passive",
        "detractor",
    ]


def test_a_day_with_rejected_reviews_is_not_stored_as_complete(
    server: HostileServer, tmp_path: Path
) -> None:
    cache = ReviewCache(tmp_path / "cache")
    first = fetch(server, [GOOD, broken(rate="abc")], cache=cache)
    assert not first.complete
    server.reviews = [GOOD, broken(rate=8)]  # fixed at the source
    with NpsClient(f"{server.url}/rows", "shop", "secret") as client:
        second = fetch_reviews(client, DAY, DAY, cache=cache)
    assert second.requests > 0, "the spoilt day must be asked again"
    assert second.complete
    assert sorted(second.frame["id"]) == [1, 2]
    pd.testing.assert_series_equal(
        second.frame.sort_values("id")["rate"].reset_index(drop=True),
        pd.Series([9, 8], dtype="int8", name="rate"),
    )


def test_the_client_refuses_an_answer_with_broken_reviews(server: HostileServer) -> None:
    server.reviews = [GOOD, broken(rate=300)]
    with (
        NpsClient(f"{server.url}/rows", "shop", "secret") as client,
        pytest.raises(MalformedAnswer, match="rate is not an integer"),
    ):
        client.reviews()
