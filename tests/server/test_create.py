"""POST /nps/create: encodings, validation, auth, limits, the replace rule."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from nps_core.server.store import DAY_MS, Store
from tests.support.errors import assert_error
from tests.support.shops import OTHER_SHOP, SHOP, review

OK = {"status": "success"}


@pytest.fixture
def rejected(store: Store) -> Iterator[None]:
    """The test's requests must leave the database without any review."""
    yield
    assert store.all_reviews(SHOP) == []
    assert store.all_reviews(OTHER_SHOP) == []


def post(client: httpx.Client, body: Any) -> httpx.Response:
    return client.post("/nps/create", json=body)


def test_create_with_secret_and_email(client: httpx.Client, store: Store) -> None:
    r = post(client, review())
    assert r.status_code == 200
    assert r.json() == OK
    (row,) = store.all_reviews(SHOP)
    assert (row["rate"], row["comment"], row["email"], row["channel"]) == (
        8,
        "ok thanks",
        "john.doe@examplemail.com",
        "channel_id",
    )
    assert row["client_id"] > 0


def test_create_with_did_only(client: httpx.Client, store: Store) -> None:
    body = review(shop_secret=..., email=..., did="7rjVGhMykT")
    assert post(client, body).json() == OK
    assert store.all_reviews(SHOP)[0]["did"] == "7rjVGhMykT"


def test_optional_fields_are_stored(client: httpx.Client, store: Store) -> None:
    body = review(
        phone="+7 (912) 000-11-22",
        email=...,
        sid="s-1",
        order_id="o-1",
        loyalty_id="l-1",
        external_id="e-1",
        comment=None,
    )
    assert post(client, body).status_code == 200
    row = store.all_reviews(SHOP)[0]
    assert (row["seance"], row["order_id"], row["loyalty_id"], row["external_id"]) == (
        "s-1",
        "o-1",
        "l-1",
        "e-1",
    )
    assert row["comment"] is None
    assert row["identity"] == "phone:79120001122"
    assert post(client, review(seance="s-2", channel="email")).status_code == 200
    assert store.all_reviews(SHOP)[1]["seance"] == "s-2"


@pytest.mark.usefixtures("rejected")
@pytest.mark.parametrize(
    "rate", [0, 11, -1, 7.5, 10.5, "7", True, False, None, ..., 10**30, 1e300, "abc", [8], {}]
)
def test_rate_rejected(client: httpx.Client, rate: Any) -> None:
    assert_error(post(client, review(rate=rate)), 400, "rate")


@pytest.mark.parametrize("rate", [1, 10])
def test_rate_bounds_accepted(client: httpx.Client, rate: int) -> None:
    assert post(client, review(rate=rate)).status_code == 200


def test_integral_json_number_is_an_integer(client: httpx.Client, store: Store) -> None:
    # JSON (and JSON Schema's "integer") does not tell 8 from 8.0.
    text = json.dumps(review()).replace('"rate": 8', '"rate": 8.0')
    r = client.post("/nps/create", content=text, headers={"content-type": "application/json"})
    assert r.json() == OK
    assert store.all_reviews(SHOP)[0]["rate"] == 8


def test_comment_of_2000_characters(client: httpx.Client) -> None:
    assert post(client, review(comment="é" * 2000)).status_code == 200


@pytest.mark.usefixtures("rejected")
def test_comment_of_2001_characters(client: httpx.Client) -> None:
    assert_error(post(client, review(comment="x" * 2001)), 400, "comment")


@pytest.mark.usefixtures("rejected")
@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"email": ...}, "email"),
        ({"email": "", "phone": ""}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ..., "phone": "12-34"}, "phone"),
        ({"email": "a" * 250 + "@b.com"}, "email"),
        ({"channel": "kiosk"}, "channel"),
        ({"channel": "web"}, "channel"),
        ({"category": "pickup"}, "category"),
        ({"category": ...}, "category"),
        ({"channel": ...}, "channel"),
        ({"channel": 5}, "channel"),
        ({"order_id": "x" * 256}, "order_id"),
        ({"comment": "bad\x00byte"}, "comment"),
        ({"email": "a\x00@b.co"}, "email"),
        ({"comment": ["list"]}, "comment"),
        ({"did": 12345}, "did"),
        ({"loyalty_id": "'; DROP TABLE reviews; --" * 20}, "loyalty_id"),
    ],
)
def test_field_rules(client: httpx.Client, fields: dict[str, Any], word: str) -> None:
    assert_error(post(client, review(**fields)), 400, word)


def test_sql_metacharacters_are_data(client: httpx.Client, store: Store) -> None:
    nasty = "'); DROP TABLE reviews; -- \" OR 1=1 %_\\"
    assert post(client, review(comment=nasty, order_id=nasty)).status_code == 200
    row = store.all_reviews(SHOP)[0]
    assert (row["comment"], row["order_id"]) == (nasty, nasty)


@pytest.mark.usefixtures("rejected")
@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"shop_secret": "wrong"}, 403),
        ({"shop_secret": "wrong", "did": "dev-1"}, 403),
        ({"shop_secret": ...}, 403),
        ({"shop_secret": 12}, 403),
        ({"shop_id": "unknown"}, 404),
        ({"shop_id": ...}, 404),
        ({"shop_id": ""}, 404),
        ({"shop_id": 7}, 400),
        ({"shop_id": OTHER_SHOP}, 403),
    ],
)
def test_auth(client: httpx.Client, fields: dict[str, Any], status: int) -> None:
    assert_error(post(client, review(**fields)), status)


@pytest.mark.usefixtures("rejected")
@pytest.mark.parametrize(
    ("content", "content_type", "status", "word"),
    [
        (b'{"shop_id": ', "application/json", 400, "JSON"),
        (b"[1, 2]", "application/json", 400, "object"),
        (b'"text"', "application/json", 400, "object"),
        (b"null", "application/json", 400, "object"),
        (b'{"rate": 8, "rate": 9}', "application/json", 400, "duplicate"),
        (b'{"comment": "\xff\xfe"}', "application/json", 400, "UTF-8"),
        (b'{"rate": NaN}', "application/json", 400, "NaN"),
        (b"[" * 50_000 + b"]" * 50_000, "application/json", 413, "large"),
        (b'{"a":' * 5000 + b"1" + b"}" * 5000, "application/json", 400, "deeply"),
        (b"rate=8", "text/plain", 415, "Content-Type"),
        (b"rate=8", "multipart/form-data; boundary=x", 415, "Content-Type"),
        (b'{"rate": 8}', "application/json; charset=latin-1", 415, "UTF-8"),
        (b"shop_id=%FF", "application/x-www-form-urlencoded", 400, "UTF-8"),
        (b"rate=1&rate=2", "application/x-www-form-urlencoded", 400, "rate"),
    ],
)
def test_malformed_bodies(
    client: httpx.Client, content: bytes, content_type: str, status: int, word: str
) -> None:
    r = client.post("/nps/create", content=content, headers={"content-type": content_type})
    assert_error(r, status, word)


@pytest.mark.usefixtures("rejected")
def test_missing_content_type(client: httpx.Client) -> None:
    r = client.post("/nps/create", content=json.dumps(review()).encode())
    assert_error(r, 415, "Content-Type")


@pytest.mark.usefixtures("rejected")
def test_body_over_64_kib_is_413(client: httpx.Client) -> None:
    body = review(comment="x" * 70_000)
    assert_error(post(client, body), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        yield json.dumps(review())[:-1].encode()
        for _ in range(20):
            yield b" " * 8192
        yield b"}"

    r = client.post("/nps/create", content=chunks(), headers={"content-type": "application/json"})
    assert_error(r, 413)


def test_body_just_under_64_kib_is_read(client: httpx.Client) -> None:
    text = json.dumps(review())
    padded = text[:-1] + " " * (65536 - len(text)) + "}"
    assert len(padded.encode()) == 65536
    r = client.post("/nps/create", content=padded, headers={"content-type": "application/json"})
    assert r.status_code == 200


def test_json_with_charset_and_nulls(client: httpx.Client, store: Store) -> None:
    body = json.dumps(review(phone=None, order_id=None)).encode()
    r = client.post(
        "/nps/create", content=body, headers={"content-type": "application/json; charset=UTF-8"}
    )
    assert r.json() == OK
    assert store.all_reviews(SHOP)[0]["phone"] is None


def test_form_encoded(client: httpx.Client, store: Store) -> None:
    form = {k: str(v) for k, v in review(rate=7).items()}
    r = client.post("/nps/create", data=form)
    assert r.json() == OK
    assert store.all_reviews(SHOP)[0]["rate"] == 7


@pytest.mark.usefixtures("rejected")
@pytest.mark.parametrize("rate", ["7.5", "0", "11", " 7", "+7", "", "seven"])
def test_form_rate_must_be_plain_integer(client: httpx.Client, rate: str) -> None:
    form = {k: str(v) for k, v in review().items()} | {"rate": rate}
    assert_error(client.post("/nps/create", data=form), 400, "rate")


def test_query_string_create(client: httpx.Client, store: Store) -> None:
    params = {k: str(v) for k, v in review(rate=9).items()}
    r = client.post("/nps/create", params=params)
    assert r.json() == OK
    assert store.all_reviews(SHOP)[0]["rate"] == 9


def test_body_fields_win_over_query(client: httpx.Client, store: Store) -> None:
    r = client.post(
        "/nps/create",
        params={"shop_id": SHOP, "rate": "3", "comment": "query"},
        json=review(rate=10, comment="body", shop_id=...),
    )
    assert r.json() == OK
    row = store.all_reviews(SHOP)[0]
    assert (row["rate"], row["comment"]) == (10, "body")


@pytest.mark.usefixtures("rejected")
def test_repeated_query_parameter(client: httpx.Client) -> None:
    r = client.post("/nps/create", params=[("rate", "8"), ("rate", "9")], json=review())
    assert_error(r, 400, "rate")


def test_unknown_fields_are_ignored(client: httpx.Client) -> None:
    assert post(client, review(stream="web", extra={"deep": [1, 2]})).json() == OK


# -- one review per person, channel, category and UTC day ------------------------------

DAY = 1_710_000_000_000 - 1_710_000_000_000 % DAY_MS


def at(store: Store, ms: int) -> None:
    store.clock = lambda: ms


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"email": "Jane@Example.com"}, {"email": "jane@example.com"}),
        ({"email": ..., "phone": "+7 (912) 000-11-22"}, {"email": ..., "phone": "79120001122"}),
        ({"shop_secret": ..., "email": ..., "did": "d-1"}, {"did": "d-1", "email": "x@y.zz"}),
    ],
)
def test_same_person_same_day_replaces(
    client: httpx.Client, store: Store, first: dict[str, Any], second: dict[str, Any]
) -> None:
    at(store, DAY + 1000)
    assert post(client, review(rate=2, comment="bad", **first)).json() == OK
    (before,) = store.all_reviews(SHOP)
    at(store, DAY + DAY_MS - 1)
    assert post(client, review(rate=9, comment="better now", **second)).json() == OK
    (after,) = store.all_reviews(SHOP)
    assert after["id"] == before["id"]
    assert (after["rate"], after["comment"], after["created_ms"]) == (
        9,
        "better now",
        DAY + DAY_MS - 1,
    )


def test_next_day_or_other_segment_adds(client: httpx.Client, store: Store) -> None:
    at(store, DAY + DAY_MS - 1)
    post(client, review(rate=2))
    post(client, review(rate=3, channel="email"))
    post(client, review(rate=4, category="support"))
    post(client, review(rate=5, email="other@example.com"))
    at(store, DAY + DAY_MS)
    post(client, review(rate=6))
    assert [r["rate"] for r in store.all_reviews(SHOP)] == [2, 3, 4, 5, 6]


def test_concurrent_duplicates_over_http(client: httpx.Client, store: Store) -> None:
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def send(rate: int) -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=30) as own:
            barrier.wait()
            statuses.append(post(own, review(rate=rate)).status_code)

    threads = [threading.Thread(target=send, args=(1 + i % 10,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 20
    rows = store.all_reviews(SHOP)
    assert len(rows) == 1


def test_concurrent_distinct_writers_lose_nothing(client: httpx.Client, store: Store) -> None:
    successes: list[int] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=30) as own:
            for i in range(8):
                r = post(own, review(email=f"w{n}-{i}@example.com", rate=1 + i))
                with lock:
                    successes.append(r.status_code)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert successes == [200] * 96
    assert len(store.all_reviews(SHOP)) == 96
