"""Per-shop requests-per-minute limit, answered like the vendor: 429 + Retry-After."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["RateLimiter"]

WINDOW_S = 60.0


class RateLimiter:
    """A sliding one-minute window per key; thread-safe."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        # Seconds, monotonic; tests substitute a clock they can move.
        self.clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def check(self, key: str) -> int | None:
        """Record a call; None if allowed, else whole seconds until one would be."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - WINDOW_S:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(1, math.ceil(hits[0] + WINDOW_S - now))
            hits.append(now)
            return None
