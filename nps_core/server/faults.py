"""Fault injection: an ASGI middleware that spoils a share of the API's answers.

Clients are tested against it: every fault is one a real deployment produces now and
then. Kinds: "500" and "502" (error bodies), "429" (with Retry-After: 1), "slow"
(waits, then answers normally) and "drop" (the connection closes with no response).
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from nps_core.server.options import FaultKind
from nps_core.server.responses import error_response

__all__ = ["FaultInjector"]

_MESSAGES = {
    "500": "injected fault: internal server error",
    "502": "injected fault: bad gateway",
    "429": "injected fault: too many requests",
}


class FaultInjector:
    """Replaces `rate` of the answers under `prefix` with a fault drawn from `kinds`.

    Must wrap the application outermost (outside Starlette's own middleware), so that
    `send` is the server's own: a dropped connection needs the server's transport.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        rate: float,
        kinds: Sequence[FaultKind],
        delay: float = 15.0,
        seed: int | None = None,
        prefix: str = "/nps/",
    ) -> None:
        self.app = app
        self.rate = rate
        self.kinds = tuple(kinds)
        self.delay = delay
        self.prefix = prefix
        self.injected: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self) -> FaultKind | None:
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(self.kinds)
            self.injected[kind] += 1
            return kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        kind = self.draw()
        if kind is None:
            await self.app(scope, receive, send)
        elif kind == "slow":
            await asyncio.sleep(self.delay)
            await self.app(scope, receive, send)
        elif kind == "drop":
            await _drop_connection(send)
        else:
            headers = {"Retry-After": "1"} if kind == "429" else None
            response = error_response(int(kind), _MESSAGES[kind], headers)
            await response(scope, receive, send)


async def _drop_connection(send: Send) -> None:
    """Close the connection before any byte of a response is written.

    ASGI has no message for this. uvicorn's `send` is a bound method of its
    request-response cycle, which holds the socket's transport: aborting that is a
    genuine drop (the client sees "server disconnected without sending a response").
    Raising an exception instead would make uvicorn answer 500.
    """
    cycle: Any = getattr(send, "__self__", None)
    transport: Any = getattr(cycle, "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        # Let the protocol's connection_lost mark the cycle as disconnected, so the
        # server does not try to answer on its own when we return.
        for _ in range(20):
            if getattr(cycle, "disconnected", True):
                break
            await asyncio.sleep(0)
        return
    # Other servers: promise a longer body than is sent, then stop. The client's HTTP
    # parser fails on the short body (httpx raises RemoteProtocolError).
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
        }
    )
    await send({"type": "http.response.body", "body": b"[", "more_body": True})
