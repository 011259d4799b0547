"""Races in tests: calls run in threads released together."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

__all__ = ["at_once"]


def at_once(calls: Sequence[Callable[[], object]]) -> list[BaseException]:
    """Run each call in its own thread, all released together by a barrier, and wait for
    them: the exceptions they raised, for the test to assert on."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            call()
        except BaseException as exc:  # returned to the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
