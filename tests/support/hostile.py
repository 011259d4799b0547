"""A hostile API on a loopback port: every misbehaviour a client must survive.

The first segment of the path names the case; the rest is the API path the client asks
for, so ``NpsClient(f"{server.url}/trickle", ...)`` talks to a server that trickles.
Cases:

* ``rows``: ``/nps/reviews`` answers ``server.reviews`` (any JSON values, malformed
  ones too), those with a ``created_at`` outside ``date_from..date_to`` left out;
  catalogs are empty;
* ``trickle``: a valid answer, one byte every ``server.interval`` seconds;
* ``trickle-head``: the status line and headers themselves, a byte at a time;
* ``gzip-bomb``: a 1 MB gzip body that inflates to 1 GiB of JSON; ``busy-bomb``: the
  same as the body of a 503;
* ``false-gzip``: ``Content-Encoding: gzip`` on a plain body;
* ``redirect``: 302 to another path with the same query (secret included);
* ``not-json``, ``wrong-shape``, ``teapot`` (418), ``forbidden`` (403), ``large`` (2 MiB
  of valid JSON).
"""

from __future__ import annotations

import contextlib
import functools
import json
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["GOOD", "HostileServer", "gzip_bomb", "hostile_server"]

BOMB_BYTES = 2**30
# A review as the contract has it, of 2024-05-01: what broken ones are made from.
GOOD = {
    "id": 1,
    "created_at": "2024-05-01T10:00:00.000Z",
    "channel": "web",
    "category": "delivery",
    "rate": 9,
    "comment": "fine",
    "client_id": 7,
    "email": None,
    "phone": None,
}


@functools.cache
def gzip_bomb() -> bytes:
    """A JSON array of 1 GiB of spaces, gzip-compressed to about 1 MB (built once)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    spaces = b" " * 2**24
    parts = [compressor.compress(b"[")]
    parts += [compressor.compress(spaces) for _ in range(BOMB_BYTES // len(spaces))]
    parts += [compressor.compress(b"]"), compressor.flush()]
    return b"".join(parts)


@dataclass
class HostileServer:
    url: str
    reviews: list[Any] = field(default_factory=list)
    interval: float = 0.5  # seconds between trickled bytes
    requests: list[str] = field(default_factory=list)  # paths asked for, in order


def _in_period(item: Any, query: dict[str, str]) -> bool:
    """Whether a review object's day is in the query's period (no plausible day: always,
    so that every answer carries the broken objects)."""
    when = item.get("created_at") if isinstance(item, dict) else None
    day = when[:10] if isinstance(when, str) else ""
    if not "1900" <= day[:4] <= "2199":
        return True
    return query.get("date_from", day) <= day <= query.get("date_to", day)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: HostileServer  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self.state.requests.append(self.path)
        parts = urlsplit(self.path)
        case, _, api_path = parts.path.lstrip("/").partition("/")
        query = dict(parse_qsl(parts.query))
        answer = _CASES.get(case)
        with contextlib.suppress(OSError):  # the client may hang up: that is its right
            if answer is None:
                self._send(404, b'{"status":"error","message":"no such case"}')
            else:
                answer(self, f"/{api_path}", query)

    def _send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, value: Any) -> None:
        self._send(200, json.dumps(value).encode())

    def _trickle(self, data: bytes) -> None:
        for index in range(len(data)):
            self.wfile.write(data[index : index + 1])
            self.wfile.flush()
            time.sleep(self.state.interval)


def _rows(handler: _Handler, path: str, query: dict[str, str]) -> None:
    if path == "/nps/reviews":
        handler._json([item for item in handler.state.reviews if _in_period(item, query)])
    else:
        handler._json([])


def _trickle(handler: _Handler, path: str, query: dict[str, str]) -> None:
    body = b"[" + b" " * 200 + b"]"
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.flush()
    handler._trickle(body)


def _trickle_head(handler: _Handler, path: str, query: dict[str, str]) -> None:
    handler._trickle(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X: y\r\n" * 50)


def _gzip_bomb(handler: _Handler, path: str, query: dict[str, str]) -> None:
    handler._send(200, gzip_bomb(), Content_Encoding="gzip")


def _busy_bomb(handler: _Handler, path: str, query: dict[str, str]) -> None:
    handler._send(503, gzip_bomb(), Content_Encoding="gzip")


def _false_gzip(handler: _Handler, path: str, query: dict[str, str]) -> None:
    handler._send(200, b"[]", Content_Encoding="gzip")


def _redirect(handler: _Handler, path: str, query: dict[str, str]) -> None:
    location = f"/rows{path}?{urlsplit(handler.path).query}"
    handler._send(302, b"[]", Location=location)


_CASES: dict[str, Callable[[_Handler, str, dict[str, str]], None]] = {
    "rows": _rows,
    "trickle": _trickle,
    "trickle-head": _trickle_head,
    "gzip-bomb": _gzip_bomb,
    "busy-bomb": _busy_bomb,
    "false-gzip": _false_gzip,
    "redirect": _redirect,
    "not-json": lambda h, p, q: h._send(200, b"<html>busy</html>", Content_Type="text/html"),
    "wrong-shape": lambda h, p, q: h._json({"status": "success", "payload": {"items": []}}),
    "teapot": lambda h, p, q: h._send(418, b'{"message": "I am a teapot"}'),
    "forbidden": lambda h, p, q: h._send(403, b'{"message": "shop_secret is wrong"}'),
    "large": lambda h, p, q: h._send(200, b"[" + b" " * 2**21 + b"]"),
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up mid-answer is what these tests are about


@contextlib.contextmanager
def hostile_server() -> Iterator[HostileServer]:
    """The hostile API on 127.0.0.1 and a free port, while in the block."""
    state = HostileServer(url="")
    handler = type("Handler", (_Handler,), {"state": state})
    server = _Server(("127.0.0.1", 0), handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="hostile-api", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
