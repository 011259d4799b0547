"""HTTP client for the PersonaClick NPS REST API (and the bundled server).

One call per method: splitting a period around the 1000-review cap is the fetch layer's
job. The client copes with every variant the contract lists — bare list or ``payload``
envelope, ``message`` or ``payload.message``, ``rate`` or ``score``, ``client`` or
``client_id``, missing ``created_at`` or ``comment`` — and keeps the shop secret out of
every repr, log line and exception.

Every answer is read within bounds (``nps_core.data.answer``): a deadline per request,
a largest decoded size, a known encoding; only 2xx answers are read as data (redirects
are never followed). Whatever goes wrong ends in a typed ``NpsApiError``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import httpx

from nps_core.contract.errors import (
    ApiUnavailable,
    AuthError,
    BadRequest,
    DeadlineExceeded,
    MalformedAnswer,
    NpsApiError,
    RateLimited,
    ShopNotFound,
    UnexpectedStatus,
)
from nps_core.contract.models import Category, Channel, Review
from nps_core.contract.wire import CATEGORY_TEXTS, CREATE_FIELDS
from nps_core.data.answer import (
    DeadlineTransport,
    deadline_scope,
    error_message,
    parse_json,
    read_body,
    retry_after_seconds,
    unwrap,
)
from nps_core.data.redaction import REDACTED, redact, register_secret, secret_forms
from nps_core.data.wire_table import review_records

__all__ = ["NpsClient", "redact", "secret_forms"]

logger = logging.getLogger("nps_core.data.client")

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Network-level failures worth another try; anything else is a bug, not an outage.
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# Create fields sent even when empty (the server then names what is missing).
_ALWAYS_SENT = frozenset({"shop_id", "channel", "category", "rate"})
# The largest answer read, decoded: 1000 reviews with the longest comments fit many times.
MAX_ANSWER_BYTES = 64 * 2**20
# An error answer is read for its message only.
_ERROR_BODY_BYTES = 64 * 1024


def _retryable(error: NpsApiError) -> bool:
    """429, the 5xx statuses that mean "try again", time-outs and network failures."""
    return error.status is None or error.status in RETRYABLE_STATUS


def _catalog_item(item: Any, key: str) -> dict[str, Any]:
    """A category or channel object: a text ``code``, texts or nothing elsewhere."""
    if not isinstance(item, dict) or not isinstance(item.get("code"), str | int):
        raise MalformedAnswer(200, f"an item of {key} is not an object with a code")
    for name, value in item.items():
        if name != "code" and value is not None and not isinstance(value, str | int):
            raise MalformedAnswer(200, f"an item of {key} has a malformed {name[:40]!r}")
    return item


class NpsClient:
    """Client over one ``httpx.Client``; use as a context manager or call ``close()``.

    Thread-safe: the fetch layer shares one client between its workers. When any call
    is answered 429, every call waits out the same pause, so parallel workers back off
    together instead of hammering the API.

    ``timeout`` bounds each network operation, ``deadline`` a whole request (one
    attempt: connecting, sending, every byte of the answer), ``max_answer_bytes`` the
    answer once decoded. Each endpoint takes ``until`` (``time.monotonic``), a deadline
    of the caller's beyond which no attempt, retry or pause runs.
    """

    def __init__(
        self,
        base_url: str,
        shop_id: str,
        shop_secret: str | None = None,
        *,
        timeout: float = 10.0,
        deadline: float = 30.0,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        retries: int = 3,
        transport: httpx.BaseTransport | None = None,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.shop_id = shop_id
        self._secret = shop_secret or None
        if self._secret:
            register_secret(self._secret)
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.deadline = deadline
        self.max_answer_bytes = max_answer_bytes
        self._sleep = sleep
        # The shared 429 pause is kept on this clock; tests pair it with `sleep`.
        self._clock = clock
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport or DeadlineTransport(),
            follow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": "nps-dashboard/0.1"},
        )
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self._requests = 0

    # -- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> NpsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        secret = REDACTED if self._secret else None
        return f"NpsClient(base_url={self.base_url!r}, shop_id={self.shop_id!r}, shop_secret={secret!r})"

    @property
    def has_secret(self) -> bool:
        return self._secret is not None

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._requests

    # -- endpoints -------------------------------------------------------------------

    def _catalog(self, key: str, until: float | None) -> list[dict[str, Any]]:
        body = self._request("GET", f"/nps/{key}", params={"shop_id": self.shop_id}, until=until)
        return [_catalog_item(item, key) for item in unwrap(parse_json(body, 200), key)]

    def categories(self, *, until: float | None = None) -> list[Category]:
        return [
            Category(
                code=str(item["code"]),
                name=item.get("name"),
                id=item.get("id"),
                **{text: item.get(text) for text in CATEGORY_TEXTS},
            )
            for item in self._catalog("categories", until)
        ]

    def channels(self, *, until: float | None = None) -> list[Channel]:
        return [
            Channel(code=str(item["code"]), name=item.get("name"), id=item.get("id"))
            for item in self._catalog("channels", until)
        ]

    def reviews_body(
        self,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        channel: str | None = None,
        category: str | None = None,
        *,
        until: float | None = None,
    ) -> bytes:
        """One ``/nps/reviews`` call, the answer's body unparsed.

        The fetch layer reads (and checks) it column by column
        (``nps_core.data.wire_table.Answer``); building a dataclass per review costs more
        than the frame it ends in.
        """
        params: dict[str, str] = {"shop_id": self.shop_id}
        if self._secret:
            params["shop_secret"] = self._secret
        for key, value in (("date_from", date_from), ("date_to", date_to)):
            if value is not None:
                params[key] = value.isoformat() if isinstance(value, date) else str(value)
        if channel is not None:
            params["channel"] = channel
        if category is not None:
            params["category"] = category
        return self._request("GET", "/nps/reviews", params=params, until=until)

    def reviews(
        self,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        channel: str | None = None,
        category: str | None = None,
    ) -> list[Review]:
        """One ``/nps/reviews`` call: at most the API's cap (1000), no splitting.

        Read by the fetch layer's rules (``wire_table.review_records``): ``created_at``
        in UTC, empty texts as None, numeric client ids as exact ints. A review object
        that breaks the contract makes the whole answer a ``MalformedAnswer``.
        """
        body = self.reviews_body(date_from, date_to, channel, category)
        rows = unwrap(parse_json(body, 200), "reviews")
        return [Review(**record) for record in review_records(rows)]

    def create_review(
        self,
        *,
        channel: str,
        category: str,
        rate: int,
        comment: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        did: str | None = None,
        seance: str | None = None,
        loyalty_id: str | None = None,
        order_id: str | None = None,
        external_id: str | None = None,
    ) -> None:
        """Save a review. Authenticates with the shop secret, else with ``did``."""
        # The parameters by name: the body takes them in the contract's order, the
        # optional ones only when given.
        given = {**locals(), "shop_id": self.shop_id, "shop_secret": self._secret}
        body = {
            name: given[name]
            for name in CREATE_FIELDS
            if name in _ALWAYS_SENT or given.get(name) not in (None, "")
        }
        # The replace-on-duplicate rule makes a retried create harmless: the same
        # person's second review of the day replaces the first.
        self._request("POST", "/nps/create", json_body=body)

    # -- transport -------------------------------------------------------------------

    def _wait_for_shared_pause(self, until: float | None) -> None:
        with self._lock:
            delay = self._resume_at - self._clock()
        if delay > 0:
            self._pause(delay, until)

    def _pause(self, seconds: float, until: float | None) -> None:
        """Sleep, unless that would outlast the caller's deadline."""
        if until is not None and time.monotonic() + seconds >= until:
            raise DeadlineExceeded(None, "the API was still failing when time ran out")
        self._sleep(seconds)

    def _pause_everyone(self, seconds: float) -> None:
        with self._lock:
            self._resume_at = max(self._resume_at, self._clock() + seconds)

    def _backoff(self, attempt: int) -> float:
        # Full jitter keeps parallel workers from retrying in lockstep.
        return random.uniform(0, min(self.max_backoff, self.backoff * 2**attempt))

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Mapping[str, Any] | None = None,
        until: float | None = None,
    ) -> bytes:
        """Send with retries; the first 2xx answer's body, or the last error raised."""
        last_error: NpsApiError | None = None
        for attempt in range(self.retries + 1):
            self._wait_for_shared_pause(until)
            if until is not None and time.monotonic() >= until:
                raise DeadlineExceeded(None, "no time was left for another request")
            with self._lock:
                self._requests += 1
            try:
                return self._attempt(method, path, params, json_body, until)
            except (ApiUnavailable, RateLimited) as error:
                if not _retryable(error):
                    raise
                last_error = error
            logger.info("%s %s failed (%s), attempt %d", method, path, last_error, attempt)
            if attempt < self.retries:
                delay = self._retry_delay(last_error, attempt)
                if delay > 0:
                    self._pause(delay, until)
        assert last_error is not None
        raise last_error

    def _retry_delay(self, error: NpsApiError, attempt: int) -> float:
        """How long to wait before the next attempt (0 when a 429 paused everyone)."""
        hint = error.retry_after if isinstance(error, RateLimited | ApiUnavailable) else None
        if isinstance(error, RateLimited):
            self._pause_everyone(min(hint or self._backoff(attempt), self.max_backoff))
            return 0.0
        return min(hint, self.max_backoff) if hint else self._backoff(attempt)

    def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json_body: Mapping[str, Any] | None,
        until: float | None,
    ) -> bytes:
        """One request; its body if 2xx, else the error its status (or failure) means."""
        deadline = time.monotonic() + self.deadline
        if until is not None:
            deadline = min(deadline, until)
        failure: NpsApiError | None = None
        try:
            with deadline_scope(deadline):
                request = self._http.build_request(method, path, params=params, json=json_body)
                response = self._http.send(request, stream=True)
                try:
                    status = response.status_code
                    body = self._body(response, deadline)
                finally:
                    response.close()
        except httpx.HTTPError as exc:
            failure = self._failure(exc, deadline)
        if failure is not None:
            # Raised outside the handler, so neither __cause__ nor __context__ holds
            # httpx's exception: it carries the request URL, secret included.
            raise failure
        if 200 <= status < 300:
            return body
        message = self._clean(error_message(status, response.reason_phrase, body))
        raise self._error_for(status, message, response)

    def _body(self, response: httpx.Response, deadline: float) -> bytes:
        """A 2xx answer's body, bounded; an error answer's, for its message, if readable."""
        if 200 <= response.status_code < 300:
            return read_body(response, self.max_answer_bytes, deadline)
        try:
            return read_body(response, _ERROR_BODY_BYTES, deadline)
        except (MalformedAnswer, DeadlineExceeded):
            return b""  # the status says enough

    def _failure(self, exc: httpx.HTTPError, deadline: float) -> NpsApiError:
        if isinstance(exc, httpx.TimeoutException) and time.monotonic() >= deadline:
            return DeadlineExceeded(None, "the API's answer did not arrive in time")
        text = f"{type(exc).__name__}: {self._clean(exc)}"
        if isinstance(exc, RETRYABLE_ERRORS):
            return ApiUnavailable(None, text)
        return UnexpectedStatus(None, text)

    def _error_for(self, status: int, message: str, response: httpx.Response) -> NpsApiError:
        if status == 400:
            return BadRequest(status, message)
        if status in (401, 403):
            return AuthError(status, message)
        if status == 404:
            return ShopNotFound(status, message)
        if status == 429:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            return RateLimited(status, message, retry_after)
        if status >= 500:
            error = ApiUnavailable(status, message)
            error.retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            return error
        if 300 <= status < 400:
            return UnexpectedStatus(status, f"a redirect, not followed ({message})")
        return UnexpectedStatus(status, message)

    def _clean(self, value: object) -> str:
        return redact(str(value), secret_forms(self._secret) if self._secret else [])
