"""Hostile input by hand: each is a clear 4xx with the contract's body, and stores nothing.

Complements tests/server/test_create.py (malformed bodies, size limits, NUL in comment
and email, repeated shop_id): here every field and every parameter gets the treatment.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from nps_core.contract.validation import STRING_FIELDS
from nps_core.server.store import Store
from tests.support.errors import assert_error
from tests.support.shops import OTHER_SHOP, SECRET, SHOP, clear_reviews, review, stored_reviews

pytestmark = pytest.mark.usefixtures("nothing_stored")

READ_PATHS = ("/nps/categories", "/nps/channels", "/nps/reviews")
AUTH = {"shop_id": SHOP, "shop_secret": SECRET}
REVIEW_PARAMS = ("shop_secret", "date_from", "date_to", "channel", "category")
JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
SQL = ("'; DROP TABLE reviews; --", '" OR 1=1 --', "%' OR '%'='", "1); DELETE FROM shops; --")
# Percent-decoded, none of these is UTF-8: a lone byte, an overlong "/", a surrogate.
BAD_UTF8 = ("%FF", "%C0%AF", "%ED%A0%80")


def post_json(http: httpx.Client, text: str | bytes) -> httpx.Response:
    return http.post("/nps/create", content=text, headers=JSON)


# -- query strings ---------------------------------------------------------------------


@pytest.mark.parametrize("path", READ_PATHS)
@pytest.mark.parametrize("encoded", BAD_UTF8)
def test_invalid_utf8_shop_id(http: httpx.Client, path: str, encoded: str) -> None:
    assert_error(http.get(f"{path}?shop_id={encoded}&shop_secret={SECRET}"), 400, "UTF-8")


@pytest.mark.parametrize("name", REVIEW_PARAMS)
@pytest.mark.parametrize("encoded", BAD_UTF8)
def test_invalid_utf8_review_params(http: httpx.Client, name: str, encoded: str) -> None:
    # Decoded leniently, a channel of U+FFFD would match nothing and answer [] silently.
    query = f"shop_id={SHOP}&shop_secret={SECRET}&{name}=x{encoded}"
    assert_error(http.get(f"/nps/reviews?{query}"), 400, "UTF-8")


@pytest.mark.parametrize("path", READ_PATHS)
def test_nul_in_shop_id(http: httpx.Client, path: str) -> None:
    assert_error(http.get(path, params={"shop_id": f"{SHOP}\x00"}), 400, "shop_id", "NUL")


@pytest.mark.parametrize("name", REVIEW_PARAMS)
def test_nul_in_review_params(http: httpx.Client, name: str) -> None:
    r = http.get("/nps/reviews", params={**AUTH, name: "2024-01-01\x00"})
    assert_error(r, 400, name, "NUL")


@pytest.mark.parametrize("name", REVIEW_PARAMS)
def test_repeated_review_param(http: httpx.Client, name: str) -> None:
    params = [*AUTH.items(), (name, "2024-01-01"), (name, "2024-01-02")]
    if name == "shop_secret":
        params = [("shop_id", SHOP), (name, SECRET), (name, SECRET)]
    assert_error(http.get("/nps/reviews", params=params), 400, name, "more than once")


@pytest.mark.parametrize("value", ["99999-01-01", "-2024-01-01", "2024-01-01" + "0" * 5000])
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_huge_or_negative_dates(http: httpx.Client, name: str, value: str) -> None:
    assert_error(http.get("/nps/reviews", params={**AUTH, name: value}), 400, name)


@pytest.fixture
def stored_on_purpose(api_store: Store) -> Iterator[Store]:
    """For tests that store reviews deliberately: removed before nothing_stored counts."""
    yield api_store
    clear_reviews(api_store)


@pytest.mark.parametrize("payload", SQL)
def test_sql_in_read_params_is_only_data(
    http: httpx.Client, stored_on_purpose: Store, payload: str
) -> None:
    stored_on_purpose.create_review(SHOP, channel="email", category="support", rate=9, created_ms=0)
    assert_error(http.get("/nps/channels", params={"shop_id": payload}), 404, "shop")
    bad_secret = {"shop_id": SHOP, "shop_secret": SECRET + payload}
    assert_error(http.get("/nps/reviews", params=bad_secret), 403)
    assert_error(http.get("/nps/reviews", params={**AUTH, "date_from": payload}), 400)
    # A filter never widens: the stored review matches neither injected code.
    for name in ("channel", "category"):
        assert http.get("/nps/reviews", params={**AUTH, name: payload}).json() == []
    assert len(http.get("/nps/reviews", params=AUTH).json()) == 1


# -- create: every field ---------------------------------------------------------------

# Fields that name something (refused when unknown) and fields that are only text.
REFUSED = {"shop_id": 404, "shop_secret": 403, "channel": 400, "category": 400, "email": 400}
TEXT_FIELDS = ("did", "seance", "sid", "loyalty_id", "order_id", "external_id", "comment")


@pytest.mark.parametrize("payload", SQL)
@pytest.mark.parametrize(("field", "status"), REFUSED.items())
def test_sql_in_a_checked_field_is_refused(
    http: httpx.Client, field: str, status: int, payload: str
) -> None:
    value = f"{payload}@example.com" if field == "email" else payload
    assert_error(http.post("/nps/create", json=review(**{field: value})), status)


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_sql_in_a_text_field_is_stored_verbatim(
    http: httpx.Client, stored_on_purpose: Store, field: str
) -> None:
    payload = " ".join(SQL)
    assert http.post("/nps/create", json=review(**{field: payload})).status_code == 200
    (row,) = stored_on_purpose.all_reviews(SHOP)
    assert row["seance" if field == "sid" else field] == payload
    assert stored_on_purpose.get_shop(SHOP) is not None


@pytest.mark.parametrize("field", ["shop_id", "shop_secret", *STRING_FIELDS, "comment"])
def test_nul_in_every_create_field(http: httpx.Client, field: str) -> None:
    body = review(**{field: "a\x00b"})
    r = http.post("/nps/create", json=body)
    assert 400 <= r.status_code < 500
    assert_error(r, r.status_code)
    # The same through a form body.
    form = {k: str(v) for k, v in body.items()}
    r = http.post("/nps/create", data=form)
    assert 400 <= r.status_code < 500
    assert_error(r, r.status_code)


def test_raw_control_byte_in_json_string(http: httpx.Client) -> None:
    text = json.dumps(review()).replace("ok thanks", "ok\x00thanks")
    assert_error(post_json(http, text), 400, "JSON")


@pytest.mark.parametrize(
    "raw",
    [
        b"\xc0\xaf",  # overlong "/"
        b"\xed\xa0\x80",  # a UTF-16 surrogate, UTF-8 encoded
        b"\xe2\x82",  # truncated sequence
    ],
)
def test_invalid_utf8_in_json_body(http: httpx.Client, raw: bytes) -> None:
    text = json.dumps(review()).encode().replace(b"ok thanks", b"ok " + raw)
    assert_error(post_json(http, text), 400, "UTF-8")


def test_lone_surrogate_escape_in_json(http: httpx.Client) -> None:
    text = json.dumps(review()).replace("ok thanks", "ok \\ud800")
    assert_error(post_json(http, text), 400, "comment")


@pytest.mark.parametrize("encoded", BAD_UTF8)
def test_invalid_utf8_in_create_query_string(http: httpx.Client, encoded: str) -> None:
    r = http.post(f"/nps/create?comment={encoded}", json=review())
    assert_error(r, 400, "UTF-8")


@pytest.mark.parametrize(
    ("rate", "word"),
    [
        ("1" + "0" * 5000, "JSON"),  # beyond Python's int-from-text limit
        ("-" + "9" * 400, "rate"),
        ("1e400", "rate"),  # parses as infinity
        ("-1e400", "rate"),
        ("-0.0", "rate"),
        ("1e1000000", "rate"),
    ],
)
def test_huge_and_negative_rates(http: httpx.Client, rate: str, word: str) -> None:
    text = json.dumps(review(rate=0)).replace('"rate": 0', f'"rate": {rate}')
    assert_error(post_json(http, text), 400, word)


@pytest.mark.parametrize(
    ("field", "value"),
    [("shop_id", -1), ("channel", 10**40), ("comment", 1e308), ("did", -(2**63)), ("email", 0)],
)
def test_numbers_in_text_fields(http: httpx.Client, field: str, value: Any) -> None:
    r = http.post("/nps/create", json=review(**{field: value}))
    assert_error(r, 400, field)


def test_form_rate_beyond_any_integer(http: httpx.Client) -> None:
    form = {k: str(v) for k, v in review().items()} | {"rate": "9" * 5000}
    assert_error(http.post("/nps/create", data=form), 400, "rate")


def test_deep_json_inside_an_ignored_field(http: httpx.Client) -> None:
    deep = "[" * 20_000 + "]" * 20_000  # 40 kB: under the size limit
    text = json.dumps(review())[:-1] + f', "extra": {deep}}}'
    assert len(text) < 64 * 1024
    assert_error(post_json(http, text), 400, "deeply")


def test_nested_duplicate_keys(http: httpx.Client) -> None:
    text = json.dumps(review())[:-1] + ', "extra": {"a": 1, "a": 2}}'
    assert_error(post_json(http, text), 400, "duplicate")


def test_duplicate_secret_in_form(http: httpx.Client) -> None:
    form = [(k, str(v)) for k, v in review().items()] + [("shop_secret", "other")]
    r = http.post("/nps/create", content=str(httpx.QueryParams(form)), headers=FORM)
    assert_error(r, 400, "shop_secret", "more than once")


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (json.dumps(review()).encode(), "application/x-www-form-urlencoded", 404),
        (b"shop_id=x&rate=8", "application/json", 400),
        (json.dumps(review()).encode(), "application/xml", 415),
        (json.dumps(review()).encode(), "text/json", 415),
        (json.dumps(review()).encode("utf-16"), "application/json", 400),
        (json.dumps(review()).encode("utf-16"), "application/json; charset=utf-16", 415),
        (json.dumps(review()).encode(), ";;;=", 415),
        (json.dumps(review()).encode(), "", 415),
    ],
)
def test_wrong_content_types(
    http: httpx.Client, content: bytes, content_type: str, status: int
) -> None:
    r = http.post("/nps/create", content=content, headers={"content-type": content_type})
    assert_error(r, status)


def test_other_shop_untouched(http: httpx.Client, api_store: Store) -> None:
    """After all of the above (module order), both shops and their codes are intact."""
    assert stored_reviews(api_store) == 0
    assert [c["code"] for c in http.get("/nps/channels", params={"shop_id": OTHER_SHOP}).json()]
