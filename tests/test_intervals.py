"""IntervalReads: one read per key and wall-clock interval, the next made ahead."""

from __future__ import annotations

import threading
import time

import pytest

from nps_core.ui.intervals import IntervalReads

EVERY = 1


def wait_for_interval_start(offset: float = 0.2) -> None:
    time.sleep(EVERY - (time.time() % EVERY) + offset)


def test_readers_of_one_interval_share_one_read() -> None:
    calls: list[str] = []

    def read(key: str) -> str:
        calls.append(key)
        time.sleep(0.05)
        return key.upper()

    reads: IntervalReads[str, str] = IntervalReads(read)
    wait_for_interval_start()
    answers: list[str] = []
    threads = [
        threading.Thread(target=lambda: answers.append(reads.get("a", EVERY))) for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["A"] * 5
    assert calls == ["a"]
    assert reads.get("b", EVERY) == "B"
    assert calls == ["a", "b"]
    reads.clear()


def test_the_next_interval_is_read_as_it_begins() -> None:
    stamps: list[float] = []

    def read(key: str) -> float:
        stamps.append(time.time())
        return stamps[-1]

    reads: IntervalReads[str, float] = IntervalReads(read)
    wait_for_interval_start(0.5)
    reads.get("a", EVERY)
    wait_for_interval_start(0.5)  # the tick of the next interval: its read is done
    answer = reads.get("a", EVERY)
    assert len(stamps) == 2
    assert answer % EVERY < 0.4  # made at the interval's start, not at this tick
    reads.clear()
    time.sleep(EVERY)
    assert len(stamps) == 2  # cleared: nothing more is read ahead


def test_a_failed_read_is_not_kept() -> None:
    outcomes = iter([RuntimeError("down"), "up"])

    def read(key: str) -> str:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    reads: IntervalReads[str, str] = IntervalReads(read)
    wait_for_interval_start()
    with pytest.raises(RuntimeError):
        reads.get("a", EVERY)
    assert reads.get("a", EVERY) == "up"
    reads.clear()
