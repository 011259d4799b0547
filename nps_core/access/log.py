"""The access log: who saw what, one JSON object per line, only ever appended.

Each line holds the time (UTC), the account (or ``screen:<link id>``), its role, the
page, the event — ``page`` (a page opened), ``contacts`` (customers' contacts shown),
``export`` (a CSV downloaded), ``no_access`` (an account not on the list),
``screen_link`` / ``revoke`` (an admin's work on screen links) — and a few details.
Nothing secret is written: no token, no cookie, no link signature, no customer's
contact. ``JsonAccessLog`` appends lines to a file under an exclusive lock, so several
dashboard processes on one folder share it without interleaving; with a state store
configured, ``nps_core.access.stored.SqlAccessLog`` keeps the same records for every
replica.
"""

from __future__ import annotations

import fcntl
import json
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

__all__ = ["EVENTS", "AccessEvent", "AccessLog", "JsonAccessLog", "stamped"]

EVENTS: tuple[str, ...] = ("page", "contacts", "export", "no_access", "screen_link", "revoke")


@dataclass(frozen=True)
class AccessEvent:
    account: str
    role: str
    page: str
    event: str
    detail: dict[str, Any] = field(default_factory=dict)
    time: str = ""  # filled in when appended

    def __post_init__(self) -> None:
        if self.event not in EVENTS:
            raise ValueError(f"unknown access event {self.event!r}")


def stamped(event: AccessEvent, now: datetime | None = None) -> dict[str, Any]:
    """The record of ``event`` as the log keeps it, with its time (UTC, ISO 8601)."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return {**asdict(event), "time": stamp}


class AccessLog(Protocol):
    """All the dashboard asks of the access log."""

    def append(self, event: AccessEvent, *, now: datetime | None = None) -> None: ...

    def latest(self, limit: int) -> list[dict[str, Any]]: ...


class JsonAccessLog:
    """``AccessLog`` in one JSON Lines file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, event: AccessEvent, *, now: datetime | None = None) -> None:
        line = json.dumps(stamped(event, now), ensure_ascii=False, sort_keys=True, default=str)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            fcntl.flock(out, fcntl.LOCK_EX)
            try:
                out.write(line + "\n")
                out.flush()
            finally:
                fcntl.flock(out, fcntl.LOCK_UN)

    def latest(self, limit: int) -> list[dict[str, Any]]:
        """The last ``limit`` records, newest first; a damaged line is skipped."""
        try:
            with self.path.open(encoding="utf-8") as lines:
                tail = deque(lines, maxlen=limit)
        except FileNotFoundError:
            return []
        records = []
        for line in reversed(tail):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return records
