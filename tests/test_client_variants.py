"""The client against hand-made answers: every variant the contract lists, errors, retries."""

from __future__ import annotations

import json
import logging
import pickle
from datetime import UTC, datetime

import httpx
import pytest

from nps_core.contract.errors import (
    ApiUnavailable,
    AuthError,
    BadRequest,
    NpsApiError,
    RateLimited,
    ShopNotFound,
)
from nps_core.data import client as client_module
from nps_core.data.client import NpsClient
from nps_core.data.wire_table import normalize_review

SECRET = "s3cr3t-0123456789abcdef"
BIG_ID = 1515915625535836508  # > 2**53: a float would round it


def make_client(handler, **kwargs) -> NpsClient:
    kwargs.setdefault("sleep", lambda seconds: None)
    return NpsClient(
        "http://api.test/", "shop", SECRET, transport=httpx.MockTransport(handler), **kwargs
    )


def json_response(status: int, body, headers=None) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)


REVIEW_NEW = {
    "id": 7,
    "channel": "email",
    "category": "delivery",
    "rate": 9,
    "comment": "fine",
    "client_id": BIG_ID,
    "email": "a@b.co",
    "phone": None,
    "created_at": "2023-07-21T02:35:06.374Z",
}
REVIEW_SEED = {"id": 8, "client": BIG_ID, "rate": 3, "channel": "web", "category": "product"}
REVIEW_OLD = {"id": 9, "client": "u-17", "score": 7, "channel": "sms", "category": "support"}


@pytest.mark.parametrize("envelope", [False, True])
def test_reviews_accepts_array_and_envelope(envelope):
    items = [REVIEW_NEW, REVIEW_SEED, REVIEW_OLD]
    body = {"status": "success", "payload": {"reviews": items}} if envelope else items

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/nps/reviews"
        assert request.url.params["shop_secret"] == SECRET
        assert request.url.params["date_from"] == "2023-07-01"
        return json_response(200, body)

    with make_client(handler) as client:
        new, seed, old = client.reviews("2023-07-01", "2023-07-31")
    assert new.client_id == BIG_ID
    assert isinstance(new.client_id, int)
    assert new.created_at == datetime(2023, 7, 21, 2, 35, 6, 374000, tzinfo=UTC)
    assert seed.client_id == BIG_ID
    assert seed.comment is None
    assert seed.created_at is None
    assert old.rate == 7  # `score`, the older name
    assert old.client_id == "u-17"


def test_exact_client_id_from_raw_json_text():
    text = (
        b'[{"id": 1, "client_id": 1515915625535836508, "rate": 9, "channel": "a", "category": "b"}]'
    )

    def handler(request):
        return httpx.Response(200, content=text)

    with make_client(handler) as client:
        (review,) = client.reviews()
    assert review.client_id == 1515915625535836508


@pytest.mark.parametrize("envelope", [False, True])
def test_categories_and_channels_variants(envelope):
    categories = [
        {
            "id": 1,
            "code": "delivery",
            "name": "Delivery",
            "promoter_question": "What did we do well?",
        },
        {"code": "product"},  # newer docs: code (and name) only
    ]
    channels = [{"id": 3, "code": "email", "name": "E-mail"}, {"code": "web"}]

    def handler(request):
        key = request.url.path.rsplit("/", 1)[-1]
        items = categories if key == "categories" else channels
        return json_response(
            200, {"status": "success", "payload": {key: items}} if envelope else items
        )

    with make_client(handler) as client:
        cats, chans = client.categories(), client.channels()
    assert [c.code for c in cats] == ["delivery", "product"]
    assert cats[0].question(10) == "What did we do well?"
    assert cats[1].label == "product"
    assert [(c.code, c.label) for c in chans] == [("email", "E-mail"), ("web", "web")]


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequest), (401, AuthError), (403, AuthError), (404, ShopNotFound)],
)
@pytest.mark.parametrize("where", ["top", "payload"])
def test_errors_carry_the_api_message(status, error, where):
    message = "rate must be an integer from 1 to 10"
    body = {"status": "error", "message": message} if where == "top" else {
        "status": "error", "payload": {"message": message}
    }  # fmt: skip
    calls = []

    def handler(request):
        calls.append(request)
        return json_response(status, body)

    with make_client(handler) as client, pytest.raises(error) as info:
        client.create_review(channel="a", category="b", rate=11, email="x@y.co")
    assert info.value.status == status
    assert info.value.message == message
    assert len(calls) == 1  # client errors are never retried


def test_retries_5xx_then_succeeds():
    answers = iter([json_response(502, {}), json_response(500, {}), json_response(200, [])])
    with make_client(lambda request: next(answers), retries=3) as client:
        assert client.reviews() == []
        assert client.request_count == 3


def test_gives_up_after_retries_with_api_unavailable():
    with make_client(lambda request: json_response(503, {"message": "down"}), retries=2) as client:
        with pytest.raises(ApiUnavailable) as info:
            client.channels()
        assert client.request_count == 3
    assert info.value.status == 503


def test_network_errors_become_api_unavailable_without_the_secret():
    def handler(request):
        raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)

    with make_client(handler, retries=1) as client, pytest.raises(ApiUnavailable) as info:
        client.reviews()
    text = f"{info.value} {info.value!r} {info.value.__cause__!r} {info.value.__context__!r}"
    assert SECRET not in text
    assert info.value.__cause__ is None


def test_rate_limited_honours_retry_after_and_pauses_everyone():
    slept: list[float] = []
    answers = iter(
        [json_response(429, {"message": "slow down"}, {"Retry-After": "2"}), json_response(200, [])]
    )
    with make_client(lambda request: next(answers), sleep=slept.append) as client:
        assert client.channels() == []
    assert len(slept) == 1
    assert 1.5 < slept[0] <= 2.0


def test_rate_limited_after_all_retries():
    def handler(request):
        return json_response(429, {"message": "slow down"}, {"Retry-After": "1"})

    with make_client(handler, retries=1) as client, pytest.raises(RateLimited) as info:
        client.channels()
    assert info.value.retry_after == pytest.approx(1.0)


def test_retry_after_is_capped():
    slept: list[float] = []
    answers = iter([json_response(429, {}, {"Retry-After": "3600"}), json_response(200, [])])
    with make_client(lambda request: next(answers), sleep=slept.append, max_backoff=5) as client:
        client.channels()
    assert max(slept) <= 5.0


def test_secret_is_not_in_repr_or_logs(caplog):
    with make_client(lambda request: json_response(200, [])) as client:
        assert SECRET not in repr(client)
        with caplog.at_level(logging.DEBUG):
            client.reviews("2024-01-01", "2024-01-02")
    assert caplog.records, "httpx should have logged the request"
    assert all(SECRET not in record.getMessage() for record in caplog.records)


def test_create_review_sends_json_with_codes():
    seen = {}

    def handler(request):
        seen.update(json.loads(request.content))
        assert request.headers["content-type"] == "application/json"
        return json_response(200, {"status": "success"})

    with make_client(handler) as client:
        client.create_review(
            channel="email", category="delivery", rate=8, comment="ok thanks", did="d1"
        )
    assert seen == {
        "shop_id": "shop",
        "shop_secret": SECRET,
        "did": "d1",
        "comment": "ok thanks",
        "channel": "email",
        "category": "delivery",
        "rate": 8,
    }


def test_errors_survive_pickling():
    # Streamlit's cache pickles results that may hold an error.
    for error in (BadRequest(400, "bad"), RateLimited(429, "slow", 2.0), ApiUnavailable(None, "x")):
        clone = pickle.loads(pickle.dumps(error))
        assert (type(clone), clone.status, clone.message) == (
            type(error),
            error.status,
            error.message,
        )


def test_normalize_review_variants():
    assert normalize_review({"id": "5", "score": "9", "client": "77", "comment": ""}) == {
        "id": 5,
        "created_at": None,
        "channel": None,
        "category": None,
        "rate": 9,
        "comment": None,
        "client_id": 77,
        "email": None,
        "phone": None,
    }


def test_redact_helper():
    assert client_module.redact("a secret b", ["secret", None, ""]) == "a *** b"


def test_integers_beyond_64_bits_stay_exact():
    huge = 2**70 + 1  # the fast parser would read it as a float
    text = f'[{{"id": 1, "client_id": {huge}, "rate": 9, "channel": "a", "category": "b"}}]'

    with make_client(lambda request: httpx.Response(200, content=text.encode())) as client:
        (review,) = client.reviews()
    assert review.client_id == huge


def test_an_answer_that_is_not_json_is_an_api_error():
    answer = httpx.Response(200, content=b"<html>")
    with (
        make_client(lambda request: answer) as client,
        pytest.raises(NpsApiError, match="not JSON"),
    ):
        client.channels()
