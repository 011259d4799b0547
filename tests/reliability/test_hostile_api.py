"""The client against a hostile API: each misbehaviour ends in a typed error, in bounded
time and memory, with no secret in it; ``fetch_reviews`` then serves the last good copy.

The server is ``tests.support.hostile`` (one per module): each case lives under its own
path prefix.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nps_core.contract.errors import (
    AnswerTooLarge,
    ApiUnavailable,
    AuthError,
    DeadlineExceeded,
    MalformedAnswer,
    NpsApiError,
    UnexpectedStatus,
)
from nps_core.data.cache import ReviewCache
from nps_core.data.client import NpsClient
from nps_core.data.fetch import fetch_reviews
from tests.support.hostile import GOOD, HostileServer, gzip_bomb, hostile_server

SECRET = "hostile-s3cret-77a1"
DAY = date(2024, 5, 1)


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with hostile_server() as server:
        yield server


@pytest.fixture
def api(hostile: HostileServer) -> HostileServer:
    hostile.reviews, hostile.interval = [GOOD], 0.5
    hostile.requests.clear()
    return hostile


def client(api: HostileServer, case: str, **options: Any) -> NpsClient:
    options.setdefault("retries", 0)
    return NpsClient(f"{api.url}/{case}", "shop", SECRET, **options)


def assert_no_secret(error: BaseException) -> None:
    """The secret in no text, argument or attribute of the error or what it chains to."""
    seen: BaseException | None = error
    while seen is not None:
        text = f"{seen} {seen!r} {seen.args!r} {vars(seen)!r}"
        assert SECRET not in text, text
        seen = seen.__cause__ or seen.__context__


def raised(case_client: NpsClient) -> NpsApiError:
    with case_client, pytest.raises(NpsApiError) as info:
        case_client.reviews(DAY, DAY)
    assert_no_secret(info.value)
    return info.value


# -- answers that cannot be read ---------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "error", "words"),
    [
        ("false-gzip", MalformedAnswer, "gzip"),
        ("not-json", MalformedAnswer, "not JSON"),
        ("wrong-shape", MalformedAnswer, "shape"),
        ("teapot", UnexpectedStatus, "teapot"),
        ("redirect", UnexpectedStatus, "redirect"),
    ],
)
def test_an_unreadable_answer_is_a_typed_error_without_the_secret(
    api: HostileServer, case: str, error: type[NpsApiError], words: str
) -> None:
    failure = raised(client(api, case))
    assert type(failure) is error
    assert words in str(failure)


def test_a_redirect_is_never_followed(api: HostileServer) -> None:
    assert raised(client(api, "redirect")).status == 302
    assert [path.split("?")[0] for path in api.requests] == ["/redirect/nps/reviews"]


def test_an_answer_over_the_size_limit_is_refused(api: HostileServer) -> None:
    failure = raised(client(api, "large", max_answer_bytes=2**20))
    assert isinstance(failure, AnswerTooLarge)


def test_a_gzip_bomb_is_stopped_without_growing_memory(api: HostileServer) -> None:
    gzip_bomb()  # built before measuring
    tracemalloc.start()
    try:
        failure = raised(client(api, "gzip-bomb", max_answer_bytes=8 * 2**20))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(failure, AnswerTooLarge)
    assert peak < 40 * 2**20, f"{peak / 2**20:.0f} MiB at peak for an 8 MiB limit"


def test_an_error_answer_too_large_to_read_is_still_an_outage(api: HostileServer) -> None:
    gzip_bomb()  # built before the server is asked for it
    failure = raised(client(api, "busy-bomb", retries=1, backoff=0.01))
    assert type(failure) is ApiUnavailable
    assert failure.status == 503
    assert len(api.requests) == 2  # retried, as any 503


@pytest.mark.parametrize("case", ["trickle", "trickle-head"])
def test_a_trickling_server_cannot_hold_a_request_past_its_deadline(
    api: HostileServer, case: str
) -> None:
    started = time.monotonic()
    failure = raised(client(api, case, deadline=1.5))
    elapsed = time.monotonic() - started
    assert isinstance(failure, DeadlineExceeded)
    assert 1.4 < elapsed < 2.5, elapsed


def test_a_fetch_gives_up_at_its_deadline(api: HostileServer) -> None:
    started = time.monotonic()
    with client(api, "trickle", retries=3) as trickling, pytest.raises(DeadlineExceeded):
        fetch_reviews(trickling, DAY, DAY, deadline=2.0)
    assert time.monotonic() - started < 3.5


# -- the fetch layer treats each like an outage ------------------------------------------


@pytest.fixture
def stored(api: HostileServer, tmp_path: Path) -> ReviewCache:
    """A store holding a good copy of DAY under the source name "hostile"."""
    cache = ReviewCache(tmp_path / "cache")
    with client(api, "rows") as good:
        first = fetch_reviews(good, DAY, DAY, cache=cache, source="hostile")
    assert first.frame["id"].tolist() == [1]
    cache.invalidate("hostile")  # asked again next time, the copy kept for outages
    return cache


@pytest.mark.parametrize(
    "case", ["false-gzip", "not-json", "wrong-shape", "teapot", "redirect", "gzip-bomb"]
)
def test_fetch_serves_the_last_good_copy_marked_stale(
    api: HostileServer, stored: ReviewCache, case: str
) -> None:
    with client(api, case, max_answer_bytes=2**20) as broken:
        result = fetch_reviews(broken, DAY, DAY, cache=stored, source="hostile")
    assert result.stale
    assert not result.complete
    assert isinstance(result.error, NpsApiError)
    assert_no_secret(result.error)
    assert result.frame["id"].tolist() == [1]


def test_fetch_serves_the_stale_copy_after_its_deadline(
    api: HostileServer, stored: ReviewCache
) -> None:
    with client(api, "trickle", retries=3) as trickling:
        result = fetch_reviews(trickling, DAY, DAY, cache=stored, source="hostile", deadline=1.5)
    assert result.stale
    assert isinstance(result.error, DeadlineExceeded)


def test_auth_errors_still_raise(api: HostileServer, stored: ReviewCache) -> None:
    with client(api, "forbidden") as refused, pytest.raises(AuthError):
        fetch_reviews(refused, DAY, DAY, cache=stored, source="hostile")
