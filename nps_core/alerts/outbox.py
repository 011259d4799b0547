"""Delivering the ledger's pending rows: one worker per destination, retried with backoff.

For each destination the worker first takes the lease ``deliver:<target>`` in the state
store, and renews it before every message; a worker that cannot (another live worker
holds it) leaves that destination alone. Each row is marked as being tried (committed)
before the message leaves and marked sent after, so the ledger's guarantees hold:
nothing sent is sent again, nothing recorded is lost, and a crash leaves at most the one
message in flight in doubt (sent again with a note and the same idempotency key).
Every failed try is logged with its error and when the next try is due.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from nps_core.alerts.notify import Destination
from nps_core.data.state import LedgerRow, StateStore
from nps_core.present.message import Message

__all__ = ["DEFAULT_LEASE", "FlushReport", "Outbox", "lease_name", "worker_name"]

DEFAULT_LEASE = timedelta(seconds=120)
log = logging.getLogger("nps_core.alerts")


def lease_name(destination: Destination) -> str:
    return f"deliver:{destination.target}"


def worker_name() -> str:
    """Unique per process: a restarted worker is a new holder."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class FlushReport:
    sent: int = 0
    failed: int = 0
    blocked: list[Destination] = field(default_factory=list)


@dataclass
class Outbox:
    state: StateStore
    destinations: list[Destination]
    holder: str = field(default_factory=worker_name)
    lease: timedelta = DEFAULT_LEASE
    clock: Callable[[], datetime] = utc_now

    def _hold(self, destination: Destination) -> bool:
        return self.state.leases.acquire(
            lease_name(destination), self.holder, self.lease, self.clock()
        )

    def flush(self, only: Collection[str] | None = None, wait: float = 0.0) -> FlushReport:
        """Deliver what is due (``only`` these event keys, if given); wait up to ``wait``
        seconds for a destination another worker holds."""
        report = FlushReport()
        for destination in self.destinations:
            if not self._wait_for(destination, wait):
                report.blocked.append(destination)
                continue
            for row in self.state.ledger.due([destination.target], self.clock(), limit=10_000):
                if only is not None and row.event_key not in only:
                    continue
                if not self._hold(destination):  # lost it (we stalled past its expiry)
                    report.blocked.append(destination)
                    break
                if self._deliver(destination, row):
                    report.sent += 1
                else:
                    report.failed += 1
        return report

    def _wait_for(self, destination: Destination, wait: float) -> bool:
        deadline = time.monotonic() + wait
        while not self._hold(destination):
            if time.monotonic() >= deadline:
                holder = self.state.leases.current(lease_name(destination))
                log.info(
                    "%s %s: another worker (%s) delivers there until %s",
                    destination.service, destination.target,
                    holder.holder if holder else "?", holder.expires_at if holder else "?",
                )  # fmt: skip
                return False
            time.sleep(0.5)
        return True

    def _deliver(self, destination: Destination, row: LedgerRow) -> bool:
        ledger = self.state.ledger
        in_doubt = row.in_doubt
        row = ledger.start_attempt(row, self.clock())
        message = Message.from_payload(row.payload)
        error = destination.send(message, row.event_key, repeat=in_doubt)
        if error is None:
            ledger.mark_sent(row, self.clock())
            log.info("sent %s to %s %s", row.event_key, destination.service, destination.target)
            return True
        after = ledger.mark_failed(row, error, self.clock())
        then = (
            f"next try at {after.next_attempt_at:%H:%M:%S} UTC"
            if after.status == "pending"
            else "gave up: status failed"
        )
        log.warning(
            "delivery failed: %s to %s %s (try %d of %d): %s; %s",
            row.event_key, destination.service, destination.target, after.attempts,
            ledger.backoff.max_attempts, error.replace("\n", " "), then,
        )  # fmt: skip
        return False

    def pending(self, keys: Collection[str]) -> int:
        """How many rows of ``keys`` for these destinations are not sent yet."""
        targets = {d.target for d in self.destinations}
        rows = self.state.ledger.rows(keys)
        return sum(1 for r in rows if r.target in targets and r.status == "pending")

    def release(self) -> None:
        for destination in self.destinations:
            self.state.leases.release(lease_name(destination), self.holder)
