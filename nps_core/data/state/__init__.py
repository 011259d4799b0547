"""The dashboard's own state: what the vendor's API does not hold.

Follow-ups of reviews, the alert ledger, control-band episodes, leases and pinned
comment themes, in one
database reached through SQLAlchemy Core: a SQLite file in the data folder by default,
or the database ``Settings.state_url`` names (PostgreSQL for several replicas). The
schema is versioned by Alembic migrations shipped in this package and applied on open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from nps_core.data.state.database import default_url, open_engine
from nps_core.data.state.episodes import Episode, Episodes
from nps_core.data.state.followups import Change, FollowUp, FollowUps, VersionConflict
from nps_core.data.state.lease import LeaseHolder, Leases
from nps_core.data.state.ledger import AlertLedger, Backoff, LedgerRow
from nps_core.data.state.pinned import SqlPinnedStore

__all__ = [
    "AlertLedger",
    "Backoff",
    "Change",
    "Episode",
    "Episodes",
    "FollowUp",
    "FollowUps",
    "LeaseHolder",
    "Leases",
    "LedgerRow",
    "SqlPinnedStore",
    "StateStore",
    "VersionConflict",
    "default_url",
    "open_state",
]


@dataclass
class StateStore:
    """The state store's parts over one engine."""

    engine: Engine
    backoff: Backoff = field(default_factory=Backoff)

    def __post_init__(self) -> None:
        self.followups = FollowUps(self.engine)
        self.ledger = AlertLedger(self.engine, self.backoff)
        self.episodes = Episodes(self.engine)
        self.leases = Leases(self.engine)
        self.pinned = SqlPinnedStore(self.engine)

    def close(self) -> None:
        self.engine.dispose()


def open_state(url: str = "", backoff: Backoff | None = None) -> StateStore:
    """The store at ``url`` (default: SQLite in the data folder), migrated to the newest
    schema."""
    return StateStore(open_engine(url), backoff or Backoff())
