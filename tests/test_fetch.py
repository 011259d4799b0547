"""fetch_reviews against the bundled server in every variant: complete, cached, stale."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from nps_core.contract.errors import ApiUnavailable, AuthError
from nps_core.data.cache import ReviewCache
from nps_core.data.client import NpsClient
from nps_core.data.fetch import fetch_reviews
from tests.support.rows import CAP, DAY0, random_rows, review_row, to_ms
from tests.support.shops import SHOP_ID, SHOP_SECRET


def expected(rows: list[dict], start: date, end: date, tz: str) -> pd.DataFrame:
    """What the database holds for the period, by created_at in ``tz`` (brute force)."""
    zone = ZoneInfo(tz)
    lo = to_ms(datetime.combine(start, time(), zone))
    hi = to_ms(datetime.combine(end + timedelta(days=1), time(), zone))
    keep = [(i + 1, r) for i, r in enumerate(rows) if lo <= r["created_ms"] < hi]
    return pd.DataFrame(
        {
            "id": [i for i, _ in keep],
            "rate": [r["rate"] for _, r in keep],
            "channel": [r["channel"] for _, r in keep],
            "comment": [r["comment"] or None for _, r in keep],
            "client_id": [r["client_id"] for _, r in keep],
        }
    )


def over_cap_cells(rows: list[dict]) -> set[tuple[date, str, str]]:
    cells = Counter(
        (datetime.fromtimestamp(r["created_ms"] / 1000, UTC).date(), r["channel"], r["category"])
        for r in rows
    )
    return {cell for cell, count in cells.items() if count > CAP}


def assert_same(frame: pd.DataFrame, want: pd.DataFrame) -> None:
    got = frame.sort_values("id").reset_index(drop=True)
    assert got["id"].tolist() == want["id"].tolist()
    assert got["rate"].tolist() == want["rate"].tolist()
    assert got["channel"].astype(str).tolist() == want["channel"].tolist()
    assert [None if pd.isna(c) else c for c in got["comment"]] == [
        None if pd.isna(c) else c for c in want["comment"]
    ]
    assert [int(c) for c in got["client_id"]] == want["client_id"].tolist()


VARIANTS = [
    pytest.param({}, id="inclusive"),
    pytest.param({"date_to": "exclusive"}, id="exclusive"),
    pytest.param({"shape": "envelope"}, id="envelope"),
    pytest.param({"day_tz": "Asia/Tokyo"}, id="server-days-in-tokyo"),
    pytest.param({"day_tz": "America/Los_Angeles", "date_to": "exclusive"}, id="la-exclusive"),
]


@pytest.mark.parametrize("options", VARIANTS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_complete_in_every_variant(server_factory, options, seed):
    rows = random_rows(seed, hot_cell=seed == 3)
    server = server_factory(rows, page_limit=CAP, **options)
    start, end = DAY0 + timedelta(days=2), DAY0 + timedelta(days=20)
    for tz in ("UTC", "Europe/Moscow"):
        with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
            result = fetch_reviews(client, start, end, tz=tz, page_limit=CAP, max_workers=4)
        truncated = {(t.day, t.channel, t.category) for t in result.truncated}
        if over_cap_cells(rows):
            assert truncated, "a cell over the cap must be reported"
            assert not result.complete
            continue
        assert truncated == set()
        assert result.complete
        assert_same(result.frame, expected(rows, start, end, tz))


@pytest.mark.parametrize("date_to", ["inclusive", "exclusive"])
def test_legacy_server_days_from_one_day_windows(server_factory, date_to):
    rows = random_rows(4)
    server = server_factory(rows, page_limit=CAP, legacy=True, date_to=date_to)
    start, end = DAY0 + timedelta(days=3), DAY0 + timedelta(days=12)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        result = fetch_reviews(client, start, end, page_limit=CAP)
    assert result.legacy
    assert result.frame["created_at"].isna().all()
    want = expected(rows, start, end, "UTC")
    assert result.frame["id"].sort_values().tolist() == want["id"].tolist()
    # Each review is filed under its own (server) day.
    days = {
        i + 1: datetime.fromtimestamp(r["created_ms"] / 1000, UTC).date()
        for i, r in enumerate(rows)
    }
    for review_id, day in zip(result.frame["id"], result.frame["day"], strict=True):
        assert day.date() == days[review_id]


def test_truncated_exactly_when_a_cell_exceeds_the_cap(server_factory):
    rows = random_rows(5, hot_cell=True)
    (hot_day, _, _), *_ = over_cap_cells(rows)
    server = server_factory(rows, page_limit=CAP)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        result = fetch_reviews(client, DAY0, DAY0 + timedelta(days=23), page_limit=CAP)
    assert [(t.day, t.channel, t.category) for t in result.truncated] == [
        (hot_day, "web", "product")
    ]
    assert result.truncated[0].returned == CAP
    assert not result.complete


def test_small_shop_takes_one_request_per_quarter_and_two_to_check_it(server_factory):
    rng = random.Random(9)
    rows = [
        review_row(rng, datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=7 * i))
        for i in range(200)
    ]
    server = server_factory(rows)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        result = fetch_reviews(client, date(2025, 1, 1), date(2025, 3, 31))
    # The one answer is the longest of the fetch: a server capping at 200 would send
    # the same, so its two halves are asked too (see nps_core.data.caps).
    assert result.requests == 3
    assert len(result.frame) == 200
    assert result.complete


def test_dtypes(server_factory):
    server = server_factory(random_rows(6))
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        frame = fetch_reviews(client, DAY0, DAY0 + timedelta(days=23)).frame
    assert str(frame["id"].dtype) == "int64"
    assert isinstance(frame["created_at"].dtype, pd.DatetimeTZDtype)
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert str(frame["rate"].dtype) == "int8"
    assert isinstance(frame["channel"].dtype, pd.CategoricalDtype)
    assert list(frame["group"].cat.categories) == ["detractor", "passive", "promoter"]
    assert frame["group"].cat.ordered
    assert str(frame["client_id"].dtype) in ("Int64", "UInt64")
    assert isinstance(frame["comment"].dtype, pd.StringDtype)
    # 0–6 detractor, 7–8 passive, 9–10 promoter
    for rate, group in zip(frame["rate"], frame["group"], strict=True):
        assert group == ("promoter" if rate >= 9 else "passive" if rate >= 7 else "detractor")


def test_progress_is_reported(server_factory):
    server = server_factory(random_rows(7))
    calls: list[tuple[int, int]] = []
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        fetch_reviews(
            client,
            DAY0,
            DAY0 + timedelta(days=23),
            page_limit=CAP,
            progress=lambda d, t: calls.append((d, t)),
        )
    assert calls[-1][0] == calls[-1][1] > 1


def test_closed_days_come_from_the_cache_with_zero_requests(server_factory, tmp_path):
    server = server_factory(random_rows(8))
    cache = ReviewCache(tmp_path / "cache")
    start, end = DAY0, DAY0 + timedelta(days=23)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        first = fetch_reviews(client, start, end, cache=cache, page_limit=CAP)
        before = server.request_count
        second = fetch_reviews(client, start, end, cache=cache, page_limit=CAP)
    assert first.requests > 0
    assert second.requests == 0
    assert server.request_count == before
    assert second.complete
    pd.testing.assert_frame_equal(first.frame, second.frame)
    # A new cache object over the same folder (a new process) needs no request either.
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        third = fetch_reviews(client, start, end, cache=ReviewCache(tmp_path / "cache"))
    assert third.requests == 0
    pd.testing.assert_frame_equal(first.frame, third.frame)


def recent_days(server_factory, tmp_path, seed: int, days: int, minutes: int):
    """A server holding one review on each of the last ``days`` days, ``minutes`` before
    now's time of day; an empty cache; today."""
    now = datetime.now(UTC)
    rng = random.Random(seed)
    rows = [review_row(rng, now - timedelta(days=d, minutes=minutes)) for d in range(days)]
    return server_factory(rows), ReviewCache(tmp_path / "cache"), now.date()


def test_open_days_are_fetched_again(server_factory, tmp_path):
    server, cache, today = recent_days(server_factory, tmp_path, seed=10, days=6, minutes=5)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        first = fetch_reviews(client, today - timedelta(days=5), today, cache=cache)
        client.create_review(
            channel="web", category="product", rate=10, comment="new one", email="n@example.com"
        )
        second = fetch_reviews(client, today - timedelta(days=5), today, cache=cache)
    assert len(second.frame) == len(first.frame) + 1
    assert (second.frame["comment"] == "new one").fillna(False).any()
    assert second.requests >= 1
    assert second.cached_days >= 3  # the closed days were not asked for again


def test_stale_copy_when_the_api_is_down_and_auth_errors_raise(server_factory, tmp_path):
    server, cache, today = recent_days(server_factory, tmp_path, seed=11, days=5, minutes=1)
    period = (today - timedelta(days=4), today)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        good = fetch_reviews(client, *period, cache=cache)
    with NpsClient(server.url, SHOP_ID, "wrong-secret") as client, pytest.raises(AuthError):
        fetch_reviews(client, *period, cache=cache)
    url = server.url
    server.stop()
    with NpsClient(url, SHOP_ID, SHOP_SECRET, retries=1, backoff=0.01) as client:
        stale = fetch_reviews(client, *period, cache=cache)
    assert stale.stale
    assert isinstance(stale.error, ApiUnavailable)
    assert not stale.complete
    pd.testing.assert_frame_equal(stale.frame, good.frame)
    # Without any stored copy the error is raised, never an empty frame.
    with NpsClient(url, SHOP_ID, SHOP_SECRET, retries=0) as client, pytest.raises(ApiUnavailable):
        fetch_reviews(client, *period, cache=ReviewCache(tmp_path / "empty"))


def test_invalidate_forces_a_new_request(server_factory, tmp_path):
    server = server_factory(random_rows(12))
    cache = ReviewCache(tmp_path / "cache")
    start, end = DAY0, DAY0 + timedelta(days=23)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        fetch_reviews(client, start, end, cache=cache)
        cache.invalidate(
            f"{client.base_url}|{client.shop_id}",
            DAY0 + timedelta(days=5),
            DAY0 + timedelta(days=6),
        )
        again = fetch_reviews(client, start, end, cache=cache)
    assert again.requests >= 1
    assert again.cached_days == (end - start).days + 1 - 2


def test_channel_and_category_filters(server_factory):
    rows = random_rows(13)
    server = server_factory(rows)
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        every = fetch_reviews(client, DAY0, DAY0 + timedelta(days=23)).frame
        some = fetch_reviews(
            client, DAY0, DAY0 + timedelta(days=23), channels=["web"], categories=["product"]
        ).frame
    want = every[(every["channel"] == "web") & (every["category"] == "product")]
    assert some["id"].tolist() == want["id"].tolist()


def test_rejects_reversed_period(server_factory):
    server = server_factory()
    with (
        NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client,
        pytest.raises(ValueError, match="before start"),
    ):
        fetch_reviews(client, DAY0, DAY0 - timedelta(days=1))


def test_settled_days_keep_their_truncation_without_asking_again(server_factory, tmp_path):
    rows = random_rows(5, hot_cell=True)
    (hot_day, _, _), *_ = over_cap_cells(rows)
    server = server_factory(rows, page_limit=CAP)
    cache = ReviewCache(tmp_path / "cache")
    period = (DAY0, DAY0 + timedelta(days=23))
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        first = fetch_reviews(client, *period, page_limit=CAP, cache=cache)
        second = fetch_reviews(client, *period, page_limit=CAP, cache=cache)
        # An hour later the settled days are asked again, in case the server changed.
        later = datetime.now(UTC) + timedelta(hours=2)
        third = fetch_reviews(client, *period, page_limit=CAP, cache=cache, now=later)
    assert second.requests == 0
    assert second.truncated == first.truncated
    assert [t.day for t in second.truncated] == [hot_day]
    assert not second.complete
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert third.requests > 0
    assert third.truncated == first.truncated
