"""Network latency: every HTTP answer waits, as one from a vendor across the internet does.

Loopback answers in microseconds, which hides what concurrency buys a client (or what
its lack costs). The wait is asynchronous: no worker thread is held while it passes.
"""

from __future__ import annotations

import asyncio
import random
import threading

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["Latency"]


class Latency:
    """Delays each HTTP request by ``ms`` milliseconds, varied by up to ``jitter`` (a
    share: 0.2 is ±20%) either way, before the application sees it."""

    def __init__(self, app: ASGIApp, ms: float, jitter: float, seed: int | None = None) -> None:
        self.app = app
        self.seconds = ms / 1000
        self.jitter = jitter
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def delay(self) -> float:
        with self._lock:
            return self.seconds * (1 + self._rng.uniform(-self.jitter, self.jitter))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(self.delay())
        await self.app(scope, receive, send)
