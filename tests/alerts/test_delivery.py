"""The ledger's promises, tested on the worker as a process: kill -9 mid-batch never
skips a message, a restart never resends, failures are retried with backoff and
reported, and two workers at once never both deliver."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from nps_core.alerts.notify import REPEAT_NOTE
from tests.support.receivers import webhook_receiver
from tests.support.servers import ServerFactory
from tests.support.workers import (
    ledger_counts,
    recent,
    run_worker,
    start_worker,
    watch_once,
    worker_env,
)

pytestmark = pytest.mark.slow


def detractors(count: int) -> list[dict]:
    return [recent(2 + k, k % 7, comment=f"complaint {k}") for k in range(count)]


def detractors_env(
    server_factory: ServerFactory, tmp_path: Path, count: int, state_url: str = ""
) -> dict[str, str]:
    """A worker's environment over a server holding ``count`` recent detractors."""
    return worker_env(tmp_path, server_factory(detractors(count)), state_url)


def test_kill_9_mid_batch_then_restart_notifies_every_detractor_exactly_once(
    server_factory: ServerFactory, tmp_path: Path, state_url: str
) -> None:
    count = 20
    env = detractors_env(server_factory, tmp_path, count, state_url)
    args = ["watch", "--once", "--no-bands", "--lease-seconds", "2"]
    with webhook_receiver(delay=0.4) as receiver:  # a slow service: messages are in flight
        worker = start_worker(
            tmp_path, env, *args, "--notify", receiver.url(), log=tmp_path / "w1.log"
        )
        receiver.wait_for(6, timeout=60)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        assert worker.returncode == -signal.SIGKILL
        before = len(receiver.deliveries)
        assert before < count  # killed mid-batch
        restarted = run_worker(tmp_path, env, *args, "--notify", receiver.url())
        assert restarted.returncode == 0, restarted.stderr
    seen = Counter(receiver.keys())
    assert len(seen) == count  # nobody skipped
    repeats = [key for key, n in seen.items() if n > 1]
    # Only the one message in flight at the kill can arrive twice: with the same
    # idempotency key (a receiver drops it) and a note saying it may be a repeat.
    assert len(repeats) <= 1
    assert sum(seen.values()) <= count + 1
    for key in repeats:
        copies = [d.body["message"] for d in receiver.deliveries if d.key == key]
        assert REPEAT_NOTE not in copies[0]
        assert copies[1].endswith(REPEAT_NOTE)
    assert ledger_counts(tmp_path, state_url) == {"pending": 0, "sent": count, "failed": 0}


def test_a_failing_receiver_is_retried_with_backoff_until_it_takes_the_message(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    env = detractors_env(server_factory, tmp_path, 1)
    log = tmp_path / "worker.log"
    with webhook_receiver(fail_first=3) as receiver:
        worker = start_worker(
            tmp_path, env, "watch", "--notify", receiver.url(), "--interval", "0.2",
            "--retry-base", "0.5", "--no-bands", log=log,
        )  # fmt: skip
        try:
            receiver.wait_for(1, timeout=60)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(30)
        assert worker.returncode == 0
        gaps = [b - a for a, b in zip(receiver.times, receiver.times[1:], strict=False)]
    assert receiver.requests == 4
    # Backoff: 0.5 s, 1 s, 2 s after each failure; a tick (0.2 s) may pass before the try.
    for gap, delay in zip(gaps, [0.5, 1.0, 2.0], strict=True):
        assert delay <= gap <= delay + 1.5
    failures = [line for line in log.read_text().splitlines() if "delivery failed" in line]
    assert len(failures) == 3
    for attempt, line in enumerate(failures, start=1):
        assert f"(try {attempt} of 10)" in line
        assert "next try at" in line
        assert "500" in line
    assert ledger_counts(tmp_path) == {"pending": 0, "sent": 1, "failed": 0}


def test_a_message_that_keeps_failing_is_marked_failed_and_reported(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    env = detractors_env(server_factory, tmp_path, 1)
    with webhook_receiver(fail_first=100) as receiver:
        args = watch_once(receiver.url(), more=("--max-attempts", "2"))
        first = run_worker(tmp_path, env, *args, "--retry-base", "0.1")
        assert first.returncode == 1  # a --once run that could not deliver says so
        assert "(try 1 of 2)" in first.stderr
        time.sleep(0.2)
        second = run_worker(tmp_path, env, *args, "--retry-base", "0.1")
        assert "(try 2 of 2)" in second.stderr
        assert "gave up: status failed" in second.stderr
        status = run_worker(tmp_path, env, "status", "--notify", receiver.url())
        assert receiver.requests == 2
    assert status.returncode == 1
    assert "0 pending, 0 sent, 1 failed" in status.stdout
    assert "2 tries, gave up" in status.stdout


def test_two_workers_at_once_never_both_deliver(
    server_factory: ServerFactory, tmp_path: Path, state_url: str
) -> None:
    count = 15
    env = detractors_env(server_factory, tmp_path, count, state_url)
    with webhook_receiver(delay=0.05) as receiver:
        args = watch_once(receiver.url(), more=("--lease-seconds", "30"))
        workers = [start_worker(tmp_path, env, *args, log=tmp_path / f"w{i}.log") for i in range(2)]
        for worker in workers:
            worker.wait(120)
        assert sorted(Counter(receiver.keys()).values()) == [1] * count
