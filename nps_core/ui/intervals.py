"""Reads made once per interval of the wall clock, each made as its interval begins.

Wall screens refresh every ``every`` seconds and share one read per interval of the
wall clock (``time // every``), whatever their number. A screen's tick falls anywhere
in an interval, so the first tick of each interval used to wait for the read: the API's
answer was on the board's clock. Here, once an interval's read has had a reader, the
next interval's is made as that interval begins, in the background, and the ticks that
follow find it done. The API is asked as often as before, once per interval, and once
more after the last screen has gone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

__all__ = ["IntervalReads"]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
# Slot: (key, every, interval).
Slot = tuple[Hashable, int, int]
# A read ahead starts this long after its interval's start: never before it.
_AHEAD_S = 0.05


class IntervalReads(Generic[K, T]):
    """``read(key)`` once per key and interval, for every reader; the next ahead.

    A read that raises is not kept: its waiting readers get the error, the next reader
    reads again (a read that must be kept when it fails returns its error instead).
    """

    def __init__(self, read: Callable[[K], T]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self._answers: dict[Slot, Future[T]] = {}
        self._ahead: dict[Slot, threading.Timer] = {}

    def get(self, key: K, every: int) -> T:
        """The read of ``key`` for the current interval of ``every`` seconds."""
        interval = int(time.time() // every)
        answer = self._answer((key, every, interval))
        self._read_ahead((key, every, interval + 1))
        return answer.result()

    def clear(self) -> None:
        """Forget every read and cancel the reads ahead."""
        with self._lock:
            self._answers.clear()
            for timer in self._ahead.values():
                timer.cancel()
            self._ahead.clear()

    def _answer(self, slot: Slot) -> Future[T]:
        """The slot's read: under way or done, or made now in this thread."""
        with self._lock:
            key, every, interval = slot
            # Past intervals are never asked for again.
            for old in [s for s in self._answers if s[:2] == (key, every) and s[2] < interval]:
                del self._answers[old]
            answer = self._answers.get(slot)
            if answer is not None:
                return answer
            answer = self._answers[slot] = Future()
        try:
            answer.set_result(self._read(key))  # type: ignore[arg-type]
        except BaseException as error:
            with self._lock:
                if self._answers.get(slot) is answer:
                    del self._answers[slot]
            answer.set_exception(error)
        return answer

    def _read_ahead(self, slot: Slot) -> None:
        with self._lock:
            if slot in self._answers or slot in self._ahead:
                return
            _, every, interval = slot
            delay = max(0.0, interval * every - time.time()) + _AHEAD_S
            timer = self._ahead[slot] = threading.Timer(delay, self._ahead_read, (slot,))
        timer.daemon = True
        timer.start()

    def _ahead_read(self, slot: Slot) -> None:
        with self._lock:
            if self._ahead.pop(slot, None) is None:
                return  # cleared meanwhile
        future = self._answer(slot)
        future.exception()  # a failed read ahead is read again by the first screen
