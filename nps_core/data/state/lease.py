"""Leases: one holder at a time for a job (delivering alerts), until an expiry.

A holder takes or renews a lease with one conditional UPDATE (the row is free when it
is its own or expired) or, when no row exists yet, one INSERT that the primary key lets
only one process win. Both are single statements, atomic on SQLite and on PostgreSQL
(whose row lock makes a second UPDATE re-check the condition after the first commits),
so two workers on one database never both hold it. A holder that dies simply lets it
expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, case, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from nps_core.data.state.schema import leases

__all__ = ["LeaseHolder", "Leases"]


@dataclass(frozen=True)
class LeaseHolder:
    holder: str
    expires_at: datetime


class Leases:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def acquire(self, name: str, holder: str, ttl: timedelta, now: datetime | None = None) -> bool:
        """Take or renew ``name`` for ``ttl``; False while another live holder has it."""
        now = now or datetime.now(UTC)
        free = or_(leases.c.holder == holder, leases.c.expires_at < now)
        values = {"holder": holder, "expires_at": now + ttl}
        try:
            with self.engine.begin() as connection:
                kept = case((leases.c.holder == holder, leases.c.acquired_at), else_=now)
                taken = connection.execute(
                    update(leases)
                    .where(leases.c.name == name, free)
                    .values(acquired_at=kept, **values)
                )
                if taken.rowcount == 1:
                    return True
                exists = connection.execute(select(leases.c.name).where(leases.c.name == name))
                if exists.first() is not None:
                    return False
                connection.execute(insert(leases).values(name=name, acquired_at=now, **values))
                return True
        except IntegrityError:  # another process inserted the row first
            return False

    def release(self, name: str, holder: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(leases).where(leases.c.name == name, leases.c.holder == holder)
            )

    def all(self) -> dict[str, LeaseHolder]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(leases.c.name, leases.c.holder, leases.c.expires_at))
            return {row.name: LeaseHolder(row.holder, row.expires_at) for row in rows}

    def current(self, name: str) -> LeaseHolder | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(leases.c.holder, leases.c.expires_at).where(leases.c.name == name)
            ).first()
        return LeaseHolder(row.holder, row.expires_at) if row else None
