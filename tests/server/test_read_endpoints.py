"""GET /nps/categories, /nps/channels, /nps/reviews: auth, filters, cap, shapes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from nps_core.server.runner import ServerHandle
from nps_core.server.store import Store
from tests.support.errors import assert_error
from tests.support.servers import ServerFactory
from tests.support.shops import OTHER_SECRET, OTHER_SHOP, SECRET, SHOP, TEXTS

AUTH = {"shop_id": SHOP, "shop_secret": SECRET}
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def ms(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(moment.timestamp() * 1000)


def add(store: Store, *stamps: str, **fields: Any) -> None:
    base = {"channel": "email", "category": "support", "rate": 9}
    store.insert_reviews_bulk(SHOP, [{**base, **fields, "created_ms": ms(s)} for s in stamps])


def get(handle: ServerHandle, path: str, **params: Any) -> httpx.Response:
    return httpx.get(handle.url + path, params=params, timeout=10)


def test_categories_lists_active_with_texts(client: httpx.Client) -> None:
    r = client.get("/nps/categories", params={"shop_id": SHOP})
    assert r.status_code == 200
    items = r.json()
    assert [c["code"] for c in items] == ["category_id", "support"]
    first = items[0]
    assert set(first) == {"id", "code", "name", *TEXTS}
    assert isinstance(first["id"], int)
    assert first["name"] == "Example category"
    assert {k: first[k] for k in TEXTS} == TEXTS


def test_channels_lists_active(client: httpx.Client) -> None:
    r = client.get("/nps/channels", params={"shop_id": SHOP})
    assert r.status_code == 200
    assert r.json() == [
        {"id": r.json()[0]["id"], "code": "channel_id", "name": "Example channel"},
        {"id": r.json()[1]["id"], "code": "email", "name": "Email"},
    ]
    other = client.get("/nps/channels", params={"shop_id": OTHER_SHOP}).json()
    assert [c["code"] for c in other] == ["web"]


@pytest.mark.parametrize("path", ["/nps/categories", "/nps/channels", "/nps/reviews"])
def test_unknown_or_missing_shop_is_404(client: httpx.Client, path: str) -> None:
    assert_error(client.get(path, params={"shop_id": "nope", "shop_secret": SECRET}), 404, "shop")
    assert_error(client.get(path), 404, "shop_id")
    assert_error(client.get(path, params={"shop_id": ""}), 404)


@pytest.mark.parametrize("path", ["/nps/categories", "/nps/channels", "/nps/reviews"])
def test_repeated_parameter_is_400(client: httpx.Client, path: str) -> None:
    r = client.get(path, params=[("shop_id", SHOP), ("shop_id", SHOP), ("shop_secret", SECRET)])
    assert_error(r, 400, "shop_id")


def test_reviews_need_the_secret(client: httpx.Client) -> None:
    assert_error(client.get("/nps/reviews", params={"shop_id": SHOP}), 403, "shop_secret")
    bad = {"shop_id": SHOP, "shop_secret": "wrong"}
    assert_error(client.get("/nps/reviews", params=bad), 403)
    cross = {"shop_id": SHOP, "shop_secret": OTHER_SECRET}
    assert_error(client.get("/nps/reviews", params=cross), 403)
    non_ascii = {"shop_id": SHOP, "shop_secret": "секрет"}
    assert_error(client.get("/nps/reviews", params=non_ascii), 403)


def test_review_object(client: httpx.Client, store: Store) -> None:
    store.create_review(
        SHOP,
        channel="email",
        category="support",
        rate=3,
        comment="slow",
        email="A@b.co",
        created_ms=ms("2023-07-21T02:35:06.374Z"),
    )
    store.create_review(
        SHOP,
        channel="email",
        category="support",
        rate=10,
        did="dev-1",
        created_ms=ms("2023-07-21T03:00:00Z"),
    )
    r = client.get("/nps/reviews", params=AUTH)
    assert r.status_code == 200
    first, second = r.json()
    assert set(first) == {
        "id",
        "client_id",
        "client",
        "email",
        "phone",
        "created_at",
        "channel",
        "category",
        "rate",
        "comment",
    }
    assert first["created_at"] == "2023-07-21T02:35:06.374Z"
    assert ISO.fullmatch(second["created_at"])
    assert (first["rate"], first["comment"], first["email"], first["phone"]) == (
        3,
        "slow",
        "A@b.co",
        None,
    )
    assert second["comment"] is None
    assert first["client"] == first["client_id"]
    assert second["id"] > first["id"]


def test_client_id_beyond_2_53_is_exact(client: httpx.Client, store: Store) -> None:
    big = 1515915625535836508
    add(store, "2024-01-01T10:00:00Z", client_id=big)
    add(store, "2024-01-01T11:00:00Z", email="someone@example.com")
    derived = store.all_reviews(SHOP)[-1]["client_id"]
    assert derived > 2**53
    r = client.get("/nps/reviews", params=AUTH)
    assert f'"client_id":{big}' in r.text
    assert f'"client_id":{derived}' in r.text
    assert f'"client":{derived}' in r.text
    assert [x["client_id"] for x in json.loads(r.text)] == [big, derived]
    assert float(big) != big  # the value is one a float would corrupt


def test_filters_by_channel_and_category(client: httpx.Client, store: Store) -> None:
    add(store, "2024-01-01T10:00:00Z")
    add(store, "2024-01-01T10:00:00Z", channel="kiosk")
    add(store, "2024-01-01T10:00:00Z", category="pickup")
    r = client.get("/nps/reviews", params={**AUTH, "channel": "kiosk"})
    assert [x["channel"] for x in r.json()] == ["kiosk"]  # inactive channels' reviews stay
    r = client.get("/nps/reviews", params={**AUTH, "category": "pickup", "channel": "email"})
    assert [x["category"] for x in r.json()] == ["pickup"]
    assert client.get("/nps/reviews", params={**AUTH, "channel": "none"}).json() == []


STAMPS = (
    "2024-03-01T00:00:00.000Z",
    "2024-03-01T23:59:59.999Z",
    "2024-03-02T00:00:00.000Z",
    "2024-03-02T23:59:59.999Z",
    "2024-03-03T00:00:00.000Z",
)


@pytest.mark.parametrize(
    ("mode", "expected"), [("inclusive", STAMPS[:4]), ("exclusive", STAMPS[:2])]
)
def test_date_to_semantics(start: ServerFactory, mode: str, expected: tuple[str, ...]) -> None:
    handle = start(date_to=mode)
    add(handle.app.state.store, "2024-02-29T23:59:59.999Z", *STAMPS)
    r = get(handle, "/nps/reviews", **AUTH, date_from="2024-03-01", date_to="2024-03-02")
    assert tuple(x["created_at"] for x in r.json()) == expected
    only_from = get(handle, "/nps/reviews", **AUTH, date_from="2024-03-02").json()
    assert [x["created_at"] for x in only_from] == list(STAMPS[2:])


@pytest.mark.parametrize(
    ("zone", "day", "stamps", "kept"),
    [
        pytest.param(  # UTC+3 all year
            "Europe/Moscow",
            "2024-03-02",
            ("2024-03-01T20:59:59.999Z", "2024-03-01T21:00:00.000Z",
             "2024-03-02T20:59:59.999Z", "2024-03-02T21:00:00.000Z"),
            slice(1, 3),
            id="moves-day-boundaries",
        ),
        pytest.param(  # 2024-03-10 has 23 hours
            "America/New_York",
            "2024-03-10",
            ("2024-03-10T04:59:59.999Z", "2024-03-10T05:00:00.000Z",
             "2024-03-11T03:59:59.999Z", "2024-03-11T04:00:00.000Z"),
            slice(1, 3),
            id="across-daylight-saving",
        ),
    ],
)  # fmt: skip
def test_day_tz_cuts_days_in_its_zone(
    start: ServerFactory, zone: str, day: str, stamps: tuple[str, ...], kept: slice
) -> None:
    handle = start(day_tz=zone)
    add(handle.app.state.store, *stamps)
    r = get(handle, "/nps/reviews", **AUTH, date_from=day, date_to=day)
    assert [x["created_at"] for x in r.json()] == list(stamps[kept])


@pytest.mark.parametrize(
    "value",
    [
        "2024-13-01",
        "2024-02-30",
        "01.03.2024",
        "2024-3-1",
        "2024-03-01T00:00",
        "x",
        "２０２４-03-01",
    ],
)
def test_bad_date_is_400(client: httpx.Client, value: str) -> None:
    assert_error(client.get("/nps/reviews", params={**AUTH, "date_from": value}), 400, "date_from")
    assert_error(client.get("/nps/reviews", params={**AUTH, "date_to": value}), 400, "date_to")


def test_extreme_dates_are_fine(client: httpx.Client, store: Store) -> None:
    add(store, "2024-01-01T10:00:00Z")
    r = client.get(
        "/nps/reviews", params={**AUTH, "date_from": "0001-01-01", "date_to": "9999-12-31"}
    )
    assert len(r.json()) == 1
    assert (
        client.get(
            "/nps/reviews", params={**AUTH, "date_from": "2024-01-02", "date_to": "2024-01-01"}
        ).json()
        == []
    )


def test_cap_returns_first_ids_ascending(start: ServerFactory) -> None:
    handle = start(page_limit=5)
    # Inserted newest first: the first ids are the latest reviews.
    add(handle.app.state.store, *[f"2024-01-{d:02d}T12:00:00Z" for d in range(12, 0, -1)])
    ids = [x["id"] for x in get(handle, "/nps/reviews", **AUTH).json()]
    all_ids = [r["id"] for r in handle.app.state.store.all_reviews(SHOP)]
    assert ids == sorted(all_ids)[:5]


def test_default_cap_is_1000(client: httpx.Client, store: Store) -> None:
    add(store, *["2024-01-01T12:00:00Z"] * 1203)
    body = client.get("/nps/reviews", params=AUTH).json()
    assert len(body) == 1000
    ids = [x["id"] for x in body]
    assert ids == sorted(ids)
    assert ids == [r["id"] for r in store.all_reviews(SHOP)][:1000]


def test_envelope_shape(start: ServerFactory) -> None:
    handle = start(shape="envelope")
    add(handle.app.state.store, "2024-01-01T12:00:00Z")
    for path, key, params in (
        ("/nps/categories", "categories", {"shop_id": SHOP}),
        ("/nps/channels", "channels", {"shop_id": SHOP}),
        ("/nps/reviews", "reviews", AUTH),
    ):
        body = get(handle, path, **params).json()
        assert body["status"] == "success"
        assert set(body) == {"status", "payload"}
        assert set(body["payload"]) == {key}
        assert len(body["payload"][key]) >= 1
    assert_error(get(handle, "/nps/reviews", shop_id=SHOP), 403)


def test_legacy_shape(start: ServerFactory) -> None:
    handle = start(legacy=True)
    add(handle.app.state.store, "2024-01-01T12:00:00Z", email="x@y.co", comment="hi")
    (item,) = get(handle, "/nps/reviews", **AUTH).json()
    assert set(item) == {"id", "client", "rate", "channel", "category", "comment"}
    assert item["client"] > 2**53
    assert item["comment"] == "hi"


def test_unknown_route_and_method(client: httpx.Client) -> None:
    assert_error(client.get("/nps/nothing"), 404)
    assert_error(client.get("/nps/reviews/"), 404)
    assert_error(client.post("/nps/reviews", params=AUTH), 405)
    assert_error(client.get("/nps/create"), 405)
    assert_error(client.delete("/nps/channels", params={"shop_id": SHOP}), 405)


def test_unexpected_error_is_500_with_error_body(
    client: httpx.Client, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(shop_id: str) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(store, "get_shop", boom)
    r = client.get("/nps/channels", params={"shop_id": SHOP})
    message = assert_error(r, 500)
    assert "secret internals" not in message


def test_request_count(server: ServerHandle, client: httpx.Client) -> None:
    before = server.request_count
    client.get("/nps/channels", params={"shop_id": SHOP})
    client.get("/nope")
    assert server.request_count == before + 2
    assert server.url.startswith("http://127.0.0.1:")
    assert server.port > 0


def test_reviews_answer_is_fast_enough(client: httpx.Client, store: Store) -> None:
    add(store, *["2024-01-01T12:00:00Z"] * 1000, email="a@b.co", comment="x" * 200)
    started = datetime.now(UTC)
    assert len(client.get("/nps/reviews", params=AUTH).json()) == 1000
    assert (datetime.now(UTC) - started).total_seconds() < 2
