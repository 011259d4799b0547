"""Reading one HTTP answer within bounds: a deadline, a decoded size, a known encoding.

httpx's timeouts apply to each read, so a server that trickles a byte at a time can hold
a call forever; and its decoders inflate a compressed chunk whole, so a small gzip body
can expand to gigabytes in memory. Here every read of the socket (connect, headers and
body) is cut short at the request's deadline (``DeadlineTransport``), the body is read
raw and inflated in small steps, counting decoded bytes (``read_body``), and JSON is
parsed exactly (``parse_json``). Each failure is a typed ``NpsApiError`` raised
``from None``: httpx's own exceptions carry the request URL, shop secret included.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import threading
import time
import typing
import zlib
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx
import orjson

from nps_core.contract.errors import AnswerTooLarge, DeadlineExceeded, MalformedAnswer

__all__ = [
    "DeadlineTransport",
    "deadline_scope",
    "error_message",
    "parse_json",
    "read_body",
    "retry_after_seconds",
    "unwrap",
]

# Inflate at most this much per step: a bomb is stopped within one step of the limit.
_STEP = 64 * 1024
# gzip or zlib, told apart by their header (RFC 9110's "deflate" is zlib).
_GZIP_OR_ZLIB = 32 + zlib.MAX_WBITS

# Longest API message kept (an error body is read up to 64 KiB).
_MESSAGE_CHARS = 300

_local = threading.local()


@contextlib.contextmanager
def deadline_scope(deadline: float) -> Iterator[None]:
    """Within the block, every socket operation of this thread ends by ``deadline``
    (``time.monotonic``), whatever the per-read timeout."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = deadline
    try:
        yield
    finally:
        _local.deadline = previous


def _clamp(timeout: float | None) -> float | None:
    deadline: float | None = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    # Never zero (that would make the socket non-blocking): a spent deadline still
    # ends in the library's own timeout error, which the client then names.
    remaining = max(deadline - time.monotonic(), 0.001)
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, _clamp(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _clamp(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(path, _clamp(timeout), socket_options)
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport, its sockets bounded by the thread's ``deadline_scope``.

    httpx offers no hook for the network backend; its connection pool keeps the one it
    uses in ``_network_backend`` (a test trickles headers and body to guard this).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        pool = self._pool
        if isinstance(pool, httpcore.ConnectionPool):
            pool._network_backend = _DeadlineBackend(pool._network_backend)


class _Inflater:
    """The body as sent (``identity``) or inflated (``gzip``, ``deflate``) in steps."""

    def __init__(self, encoding: str | None, status: int) -> None:
        name = (encoding or "identity").strip().lower()
        if name not in ("identity", "gzip", "x-gzip", "deflate"):
            raise MalformedAnswer(status, f"the API's answer has an unknown encoding {name[:40]!r}")
        self._name = name
        self._status = status
        self._zlib = None if name == "identity" else zlib.decompressobj(_GZIP_OR_ZLIB)

    def _broken(self) -> MalformedAnswer:
        return MalformedAnswer(self._status, f"the API's answer is not valid {self._name} data")

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._zlib is None:
            yield data
            return
        while data:
            try:
                piece = self._zlib.decompress(data, _STEP)
            except zlib.error:
                piece = None
            # Raised outside the handler: no library error chained. Bytes after the end
            # of the compressed stream are no part of any answer either.
            if piece is None or (self._zlib.eof and self._zlib.unused_data):
                raise self._broken()
            yield piece
            data = self._zlib.unconsumed_tail

    def finish(self) -> None:
        """Raises if a compressed body ended before its stream did."""
        if self._zlib is not None and not self._zlib.eof:
            raise self._broken()


def read_body(response: httpx.Response, limit: int, deadline: float) -> bytes:
    """The decoded body of a streamed ``response``: at most ``limit`` bytes, read by
    ``deadline`` (``time.monotonic``). Raises ``AnswerTooLarge``, ``DeadlineExceeded``
    or ``MalformedAnswer``; network errors propagate (the client retries those)."""
    status = response.status_code
    if response.is_stream_consumed:  # built in memory (a mock transport): httpx decoded it
        if len(response.content) > limit:
            raise AnswerTooLarge(status, f"the API's answer is larger than {limit:,} bytes")
        return response.content
    inflater = _Inflater(response.headers.get("content-encoding"), status)
    body = bytearray()
    for raw in response.iter_raw():
        for piece in inflater.feed(raw):
            body += piece
            if len(body) > limit:
                raise AnswerTooLarge(status, f"the API's answer is larger than {limit:,} bytes")
        if time.monotonic() > deadline:
            raise DeadlineExceeded(None, "the API's answer did not arrive in time")
    inflater.finish()
    return bytes(body)


# orjson is several times faster than the stdlib but reads integers of 2**64 and more
# (20 digits or longer) as floats. Mapping every digit to "1" and every other byte to
# "0" turns "is there such a number?" into one substring search, at C speed.
_DIGIT_MAP = bytes(49 if 48 <= byte <= 57 else 48 for byte in range(256))
_TWENTY_DIGITS = b"1" * 20


def parse_json(content: bytes, status: int) -> Any:
    """The body as JSON, integers exact whatever their size."""
    try:
        if _TWENTY_DIGITS in content.translate(_DIGIT_MAP):
            return json.loads(content)  # exact for integers of any size
        return orjson.loads(content)
    except (ValueError, RecursionError):  # both parsers' decode errors derive from ValueError
        pass
    # Raised outside the handler: a JSONDecodeError holds the whole document.
    raise MalformedAnswer(status, "the API's answer is not JSON")


def unwrap(body: Any, key: str) -> list[Any]:
    """A bare JSON array, or the announced ``{"status", "payload": {key: [...]}}``."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        payload = body.get("payload", body)
        if isinstance(payload, list):
            return payload
        if isinstance(payload, dict) and isinstance(payload.get(key), list):
            return payload[key]
    raise MalformedAnswer(200, f"unexpected response shape for {key}")


def error_message(status: int, reason: str, body: bytes) -> str:
    """The API's message, from ``message`` or ``payload.message``, else the reason."""
    try:
        data = parse_json(body, status)
    except MalformedAnswer:
        data = None
    message = None
    if isinstance(data, dict):
        payload = data.get("payload")
        if isinstance(data.get("message"), str):
            message = data["message"]
        elif isinstance(payload, dict) and isinstance(payload.get("message"), str):
            message = payload["message"]
    message = message or reason or f"HTTP {status}"
    return message if len(message) <= _MESSAGE_CHARS else message[:_MESSAGE_CHARS] + "…"


def retry_after_seconds(value: str | None) -> float | None:
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
