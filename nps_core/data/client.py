"""HTTP client for the PersonaClick NPS REST API (and the bundled server).

One call per method: splitting a period around the 1000-review cap is the fetch layer's
job. The client copes with every variant the contract lists — bare list or ``payload``
envelope, ``message`` or ``payload.message``, ``rate`` or ``score``, ``client`` or
``client_id``, missing ``created_at`` or ``comment`` — and keeps the shop secret out of
every repr, log line and exception.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import orjson

from nps_core.contract.errors import (
    ApiUnavailable,
    AuthError,
    BadRequest,
    NpsApiError,
    RateLimited,
    ShopNotFound,
)
from nps_core.contract.models import Category, Channel, Review
from nps_core.contract.wire import CATEGORY_TEXTS, CREATE_FIELDS
from nps_core.data.wire_table import review_records

__all__ = ["NpsClient", "redact", "secret_forms"]

logger = logging.getLogger("nps_core.data.client")

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Network-level failures worth another try; anything else is a bug, not an outage.
RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
REDACTED = "***"
# Create fields sent even when empty (the server then names what is missing).
_ALWAYS_SENT = frozenset({"shop_id", "channel", "category", "rate"})


class _SecretFilter(logging.Filter):
    """Rewrites log records so no registered secret survives, whoever logs the URL."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        with self._lock:
            self.secrets.update(secret_forms(secret))

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            cleaned = redact(message, self.secrets)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        return True


_secret_filter = _SecretFilter()
# httpx logs every request URL (query string included) at INFO. A logger's filters do
# not apply to its children's records, hence this module's own logger too.
for _name in ("httpx", "nps_core", logger.name):
    logging.getLogger(_name).addFilter(_secret_filter)


def secret_forms(secret: str) -> list[str]:
    """The secret as given and as it travels in a URL, longest first.

    httpx logs the request URL, where a secret with characters such as ``/``, ``+``
    or non-ASCII letters appears percent-encoded, not as given.
    """
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        str(httpx.QueryParams({"s": secret})).removeprefix("s="),
    }
    return sorted(forms, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every non-empty secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


# orjson is several times faster than the stdlib but reads integers of 2**64 and more
# (20 digits or longer) as floats. Mapping every digit to "1" and every other byte to
# "0" turns "is there such a number?" into one substring search, at C speed.
_DIGIT_MAP = bytes(49 if 48 <= byte <= 57 else 48 for byte in range(256))
_TWENTY_DIGITS = b"1" * 20


def _json(response: httpx.Response) -> Any:
    content = response.content
    try:
        if _TWENTY_DIGITS in content.translate(_DIGIT_MAP):
            return json.loads(content)  # exact for integers of any size
        return orjson.loads(content)
    except ValueError:  # both parsers' decode errors derive from it
        raise NpsApiError(response.status_code, "the API's answer is not JSON") from None


def _unwrap(body: Any, key: str) -> list[dict[str, Any]]:
    """A bare JSON array, or the announced ``{"status", "payload": {key: [...]}}``."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        payload = body.get("payload", body)
        if isinstance(payload, list):
            return payload
        if isinstance(payload, dict) and isinstance(payload.get(key), list):
            return payload[key]
    raise NpsApiError(200, f"unexpected response shape for {key}")


def _error_message(response: httpx.Response) -> str:
    """The API's message, from ``message`` or ``payload.message``, else the reason."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        if isinstance(body.get("message"), str):
            return body["message"]
        payload = body.get("payload")
        if isinstance(payload, dict) and isinstance(payload.get("message"), str):
            return payload["message"]
    return response.reason_phrase or f"HTTP {response.status_code}"


def _retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class NpsClient:
    """Client over one ``httpx.Client``; use as a context manager or call ``close()``.

    Thread-safe: the fetch layer shares one client between its workers. When any call
    is answered 429, every call waits out the same pause, so parallel workers back off
    together instead of hammering the API.
    """

    def __init__(
        self,
        base_url: str,
        shop_id: str,
        shop_secret: str | None = None,
        *,
        timeout: float = 10.0,
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
            _secret_filter.add(self._secret)
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        # The shared 429 pause is kept on this clock; tests pair it with `sleep`.
        self._clock = clock
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
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

    def categories(self) -> list[Category]:
        body = _json(self._request("GET", "/nps/categories", params={"shop_id": self.shop_id}))
        return [
            Category(
                code=str(item["code"]),
                name=item.get("name"),
                id=item.get("id"),
                **{text: item.get(text) for text in CATEGORY_TEXTS},
            )
            for item in _unwrap(body, "categories")
        ]

    def channels(self) -> list[Channel]:
        body = _json(self._request("GET", "/nps/channels", params={"shop_id": self.shop_id}))
        return [
            Channel(code=str(item["code"]), name=item.get("name"), id=item.get("id"))
            for item in _unwrap(body, "channels")
        ]

    def raw_reviews(
        self,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        channel: str | None = None,
        category: str | None = None,
    ) -> list[dict[str, Any]]:
        """One ``/nps/reviews`` call, the review objects as the API sent them.

        The fetch layer reads these column by column (``nps_core.data.wire_table``);
        building a dataclass per review costs more than the frame it ends in.
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
        return _unwrap(_json(self._request("GET", "/nps/reviews", params=params)), "reviews")

    def reviews(
        self,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        channel: str | None = None,
        category: str | None = None,
    ) -> list[Review]:
        """One ``/nps/reviews`` call: at most the API's cap (1000), no splitting.

        Read by the fetch layer's rules (``wire_table.review_records``): ``created_at``
        in UTC, empty texts as None, numeric client ids as exact ints.
        """
        rows = self.raw_reviews(date_from, date_to, channel, category)
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

    def _wait_for_shared_pause(self) -> None:
        with self._lock:
            delay = self._resume_at - self._clock()
        if delay > 0:
            self._sleep(delay)

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
    ) -> httpx.Response:
        """Send with retries; the first successful response, or the last error raised."""
        last_error: NpsApiError | None = None
        for attempt in range(self.retries + 1):
            self._wait_for_shared_pause()
            with self._lock:
                self._requests += 1
            try:
                response = self._http.request(method, path, params=params, json=json_body)
            except RETRYABLE_ERRORS as exc:
                # `from None`: httpx's exceptions carry the request URL, secret included.
                last_error = ApiUnavailable(None, f"{type(exc).__name__}: {self._clean(exc)}")
                logger.info("%s %s failed (%s), attempt %d", method, path, last_error, attempt)
                if attempt < self.retries:
                    self._sleep(self._backoff(attempt))
                continue
            if response.status_code < 400:
                return response
            message = self._clean(_error_message(response))
            status = response.status_code
            if status not in RETRYABLE_STATUS:
                raise self._error_for(status, message, response)
            last_error = self._error_for(status, message, response)
            logger.info("%s %s answered %d, attempt %d", method, path, status, attempt)
            if attempt < self.retries:
                hint = _retry_after_seconds(response.headers.get("Retry-After"))
                if status == 429:
                    self._pause_everyone(min(hint or self._backoff(attempt), self.max_backoff))
                else:
                    self._sleep(min(hint, self.max_backoff) if hint else self._backoff(attempt))
        assert last_error is not None
        raise last_error

    def _error_for(self, status: int, message: str, response: httpx.Response) -> NpsApiError:
        if status == 400:
            return BadRequest(status, message)
        if status in (401, 403):
            return AuthError(status, message)
        if status == 404:
            return ShopNotFound(status, message)
        if status == 429:
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            return RateLimited(status, message, retry_after)
        if status >= 500:
            return ApiUnavailable(status, message)
        return NpsApiError(status, message)

    def _clean(self, value: object) -> str:
        return redact(str(value), secret_forms(self._secret) if self._secret else [])
