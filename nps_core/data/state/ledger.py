"""The alert ledger: every message is written here before it is delivered.

One row per event and destination (``target``: a hash of the destination's URL, which
holds tokens and so is never stored). A row is ``pending`` until delivered, then
``sent``; a failed try puts it off with exponential backoff, and after ``max_attempts``
it is ``failed`` (reported, not tried again). So:

* a restart never sends again what was sent: ``sent`` rows are never picked;
* a crash never loses a message: its row is still ``pending`` and is picked on start;
* the one message in flight at a crash is in doubt (it may have arrived): its row has
  ``attempt_started_at`` set, and the worker sends it again marked as a possible repeat,
  with the same idempotency key, so receivers that honour the key drop it.

Recording is insert-if-absent on the unique (event key, target), so finding the same
detractor on every tick records it once.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Insert, Row, Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from nps_core.data.state.schema import alert_events

__all__ = ["AlertLedger", "Backoff", "LedgerRow", "insert_absent"]


@dataclass(frozen=True)
class Backoff:
    """Delay before try ``n + 1`` after ``n`` failed tries: base · 2^(n−1), at most cap."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 10

    def delay(self, attempts: int) -> timedelta:
        return min(self.base * (2 ** max(attempts - 1, 0)), self.cap)


@dataclass(frozen=True)
class LedgerRow:
    id: int
    event_key: str
    target: str
    kind: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    attempt_started_at: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @property
    def in_doubt(self) -> bool:
        """A try began and never recorded how it ended (the worker was killed)."""
        return self.status == "pending" and self.attempt_started_at is not None


def _row(row: Row) -> LedgerRow:
    values = dict(row._mapping)
    values["payload"] = json.loads(values["payload"])
    return LedgerRow(**values)


def insert_absent(
    connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
) -> int:
    """Insert the rows whose unique ``keys`` are not stored yet; how many were new."""
    if not rows:
        return 0
    statement: Insert
    if connection.dialect.name == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    elif connection.dialect.name == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    else:  # pragma: no cover - the two databases the store supports
        raise NotImplementedError(connection.dialect.name)
    # Counted by RETURNING: psycopg reports no rowcount (-1) for such an insert.
    statement = statement.returning(table.c[keys[0]])
    return sum(len(connection.execute(statement, dict(row)).all()) for row in rows)


class AlertLedger:
    def __init__(self, engine: Engine, backoff: Backoff | None = None) -> None:
        self.engine = engine
        self.backoff = backoff or Backoff()

    def record(
        self,
        event_key: str,
        kind: str,
        payload: Mapping[str, Any],
        targets: Collection[str],
        now: datetime | None = None,
    ) -> int:
        """The event, pending for each target it is not recorded for yet; how many new."""
        now = now or datetime.now(UTC)
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        rows = [
            {
                "event_key": event_key,
                "target": target,
                "kind": kind,
                "payload": text,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for target in sorted(targets)
        ]
        with self.engine.begin() as connection:
            return insert_absent(connection, alert_events, rows, ("event_key", "target"))

    def known(self, event_keys: Collection[str], target: str) -> set[str]:
        """Which of ``event_keys`` are recorded for ``target`` (in any status)."""
        keys = sorted(event_keys)
        found: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(keys), 500):
                query = select(alert_events.c.event_key).where(
                    alert_events.c.target == target,
                    alert_events.c.event_key.in_(keys[start : start + 500]),
                )
                found.update(connection.scalars(query))
        return found

    def rows(self, event_keys: Collection[str]) -> list[LedgerRow]:
        """Every row of ``event_keys``, for every target."""
        query = select(alert_events).where(alert_events.c.event_key.in_(sorted(event_keys)))
        with self.engine.connect() as connection:
            return [_row(row) for row in connection.execute(query)]

    def due(self, targets: Collection[str], now: datetime, limit: int = 100) -> list[LedgerRow]:
        """Pending rows for ``targets`` whose time has come, oldest first."""
        query = (
            select(alert_events)
            .where(
                alert_events.c.status == "pending",
                alert_events.c.next_attempt_at <= now,
                alert_events.c.target.in_(sorted(targets)),
            )
            .order_by(alert_events.c.id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [_row(row) for row in connection.execute(query)]

    def _set(self, row_id: int, **values: Any) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(alert_events).where(alert_events.c.id == row_id), values)

    def start_attempt(self, row: LedgerRow, now: datetime) -> LedgerRow:
        """Written (and committed) before the message leaves: a crash leaves it in doubt.
        Returns the row counting this try."""
        attempts = row.attempts + 1
        self._set(row.id, attempt_started_at=now, attempts=attempts)
        return replace(row, attempt_started_at=now, attempts=attempts)

    def mark_sent(self, row: LedgerRow, now: datetime) -> None:
        self._set(row.id, status="sent", sent_at=now, attempt_started_at=None, last_error=None)

    def mark_failed(self, row: LedgerRow, error: str, now: datetime) -> LedgerRow:
        """The try ``start_attempt`` began failed: put off with backoff, or ``failed``
        after the last one."""
        status = "failed" if row.attempts >= self.backoff.max_attempts else "pending"
        values: dict[str, Any] = {
            "status": status,
            "attempt_started_at": None,
            "last_error": error[:2000],
            "next_attempt_at": now + self.backoff.delay(row.attempts),
        }
        self._set(row.id, **values)
        return replace(
            row,
            status=status,
            attempt_started_at=None,
            last_error=values["last_error"],
            next_attempt_at=values["next_attempt_at"],
        )

    def counts(self) -> dict[str, int]:
        query = select(alert_events.c.status, func.count()).group_by(alert_events.c.status)
        with self.engine.connect() as connection:
            found = {str(status): int(n) for status, n in connection.execute(query)}
        return {status: found.get(status, 0) for status in ("pending", "sent", "failed")}

    def troubles(self, limit: int = 20) -> list[LedgerRow]:
        """Rows that failed or are being retried, latest first."""
        query = (
            select(alert_events)
            .where(alert_events.c.status != "sent", alert_events.c.last_error.is_not(None))
            .order_by(alert_events.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [_row(row) for row in connection.execute(query)]

    def pending_targets(self) -> dict[str, int]:
        """Pending rows per target: a target no worker serves any more shows up here."""
        query = (
            select(alert_events.c.target, func.count())
            .where(alert_events.c.status == "pending")
            .group_by(alert_events.c.target)
        )
        with self.engine.connect() as connection:
            return {str(t): int(n) for t, n in connection.execute(query)}
