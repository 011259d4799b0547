"""Screen links and the access log in the state store, shared by a team's replicas.

Behind a proxy every replica must refuse a revoked link and every replica's visitors
belong in one log, so with ``state_url`` set the dashboard keeps both in the state
store's tables instead of files in one replica's data folder. Same records, same
interfaces (``LinkRegistry``, ``AccessLog``) as the files.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from nps_core.access.log import AccessEvent, stamped
from nps_core.access.registry import IssuedLink
from nps_core.data.state.ledger import insert_absent
from nps_core.data.state.schema import access_events, revoked_links, screen_links

__all__ = ["SqlAccessLog", "SqlLinkRegistry"]


class SqlLinkRegistry:
    """``LinkRegistry`` over the ``screen_links`` and ``revoked_links`` tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def issue(self, link: IssuedLink) -> None:
        row = {
            "link_id": link.link_id,
            "label": link.label,
            "created_by": link.created_by,
            "created_at": link.created_at,
            "expires": link.expires,
            "params": json.dumps(link.params, ensure_ascii=False, sort_keys=True),
        }
        with self.engine.begin() as connection:
            connection.execute(insert(screen_links).values(**row))

    def revoke(self, link_id: str) -> None:
        row = {"link_id": link_id, "revoked_at": datetime.now(UTC)}
        with self.engine.begin() as connection:  # a second revocation changes nothing
            insert_absent(connection, revoked_links, [row], ("link_id",))

    def is_revoked(self, link_id: str) -> bool:
        query = select(revoked_links.c.link_id).where(revoked_links.c.link_id == link_id)
        with self.engine.connect() as connection:
            return connection.execute(query).first() is not None

    def revoked(self) -> frozenset[str]:
        with self.engine.connect() as connection:
            return frozenset(map(str, connection.scalars(select(revoked_links.c.link_id))))

    def issued(self) -> list[IssuedLink]:
        query = select(screen_links).order_by(screen_links.c.created_at, screen_links.c.link_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            IssuedLink(
                link_id=row["link_id"],
                label=row["label"],
                created_by=row["created_by"],
                created_at=row["created_at"],
                expires=int(row["expires"]),
                params=dict(json.loads(row["params"])),
            )
            for row in rows
        ]


class SqlAccessLog:
    """``AccessLog`` over the ``access_events`` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def append(self, event: AccessEvent, *, now: datetime | None = None) -> None:
        record = stamped(event, now)
        row = {
            "time": datetime.fromisoformat(record["time"]),
            "account": event.account,
            "role": event.role,
            "page": event.page,
            "event": event.event,
            "detail": json.dumps(event.detail, ensure_ascii=False, sort_keys=True, default=str),
        }
        with self.engine.begin() as connection:
            connection.execute(insert(access_events).values(**row))

    def latest(self, limit: int) -> list[dict[str, Any]]:
        """The last ``limit`` records, newest first, as the file holds them."""
        query = select(access_events).order_by(access_events.c.id.desc()).limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            {
                "account": row["account"],
                "role": row["role"],
                "page": row["page"],
                "event": row["event"],
                "detail": json.loads(row["detail"]),
                "time": row["time"].isoformat(timespec="seconds"),
            }
            for row in rows
        ]
