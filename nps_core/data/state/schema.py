"""The state store's tables, in SQLAlchemy Core: one schema for SQLite and PostgreSQL.

The migrations (``migrations/versions``) create exactly these; a change here needs a new
revision there. Types are portable: text, integers, and ``UtcDateTime`` (UTC moments
stored without a zone, so SQLite's text and PostgreSQL's ``timestamp`` read back alike).
Each table names its constraints, so a later migration can alter them on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

__all__ = [
    "ALERT_STATUSES",
    "FOLLOWUP_STATUSES",
    "access_events",
    "alert_episodes",
    "alert_events",
    "followups",
    "leases",
    "metadata",
    "pinned_themes",
    "revoked_links",
    "screen_links",
]

FOLLOWUP_STATUSES = ("new", "contacted", "resolved", "unreachable")
ALERT_STATUSES = ("pending", "sent", "failed")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC ``datetime`` in Python, a zone-less UTC timestamp in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the state store keeps aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# One row per review someone acted on; a review without a row is "new", version 0.
# `source` names the API and shop (never a secret), so shops never share follow-ups.
followups = Table(
    "followups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(255), nullable=False),
    Column("review_id", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("owner", String(255)),
    Column("note", Text),
    Column("created_at", UtcDateTime, nullable=False),
    # The first move out of "new": when someone first tried to reach the customer.
    Column("first_contacted_at", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(255)),
    # Optimistic locking: every save names the version it read and bumps it.
    Column("version", Integer, nullable=False),
    UniqueConstraint("source", "review_id"),
    CheckConstraint(_one_of("status", FOLLOWUP_STATUSES), name="status"),
)

# The alert ledger: one row per message and destination, written before delivery.
alert_events = Table(
    "alert_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_key", String(255), nullable=False),
    # A hash of the destination's Apprise URL (the URL itself holds tokens).
    Column("target", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    # Set while a delivery is under way: found set on start, the last try is in doubt.
    Column("attempt_started_at", UtcDateTime),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    UniqueConstraint("event_key", "target"),
    CheckConstraint(_one_of("status", ALERT_STATUSES), name="status"),
    Index(None, "status", "next_attempt_at"),
)

# Control-band episodes: open while a segment's rolling NPS stays out of its band.
alert_episodes = Table(
    "alert_episodes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(255), nullable=False),
    Column("segment", String(255), nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("opened_nps", Float, nullable=False),
    Column("opened_limit", Float, nullable=False),
    Column("closed_at", UtcDateTime),
    Column("closed_nps", Float),
    # At most one open episode per segment, even with two workers deciding at once.
    Index(
        "uq_alert_episodes_open",
        "source",
        "segment",
        unique=True,
        sqlite_where=text("closed_at IS NULL"),
        postgresql_where=text("closed_at IS NULL"),
    ),
)

# Leases: who may do a job alone (deliver alerts) until when.
leases = Table(
    "leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(255), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("acquired_at", UtcDateTime, nullable=False),
)

# The comment themes a shop's managers pinned, in their order (``position``).
pinned_themes = Table(
    "pinned_themes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(255), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(255), nullable=False),
    Column("words", Text, nullable=False),  # a JSON list of words and phrases
    Column("pinned_at", UtcDateTime, nullable=False),
    UniqueConstraint("source", "position"),
    UniqueConstraint("source", "name"),
)

# The wall-screen links an admin made (never their signature: it is not a password list).
screen_links = Table(
    "screen_links",
    metadata,
    Column("link_id", String(64), primary_key=True),
    Column("label", String(255), nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("created_at", String(40), nullable=False),  # ISO 8601, as the link records it
    Column("expires", BigInteger, nullable=False),  # seconds since the epoch
    Column("params", Text, nullable=False),  # a JSON object: the board's parameters
)

# Revoked screen links: every replica refuses them from the next page load on.
revoked_links = Table(
    "revoked_links",
    metadata,
    Column("link_id", String(64), primary_key=True),
    Column("revoked_at", UtcDateTime, nullable=False),
)

# The access log: who saw what, only ever appended (``nps_core.access.log``).
access_events = Table(
    "access_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("time", UtcDateTime, nullable=False),
    Column("account", String(320), nullable=False),
    Column("role", String(32), nullable=False),
    Column("page", String(64), nullable=False),
    Column("event", String(32), nullable=False),
    Column("detail", Text, nullable=False),  # a JSON object
)
