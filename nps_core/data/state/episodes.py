"""Control-band episodes: a segment's rolling NPS out of its band, from start to recovery.

The alerts worker opens an episode when a segment leaves its band and closes it when it
recovers; an open episode is what keeps it from announcing the same drop on every tick
and across restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from nps_core.data.state.schema import alert_episodes

__all__ = ["Episode", "Episodes"]


@dataclass(frozen=True)
class Episode:
    id: int
    segment: str
    opened_at: datetime
    opened_nps: float
    opened_limit: float


class Episodes:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def open_ones(self, source: str) -> dict[str, Episode]:
        """The episodes still open, by segment."""
        table = alert_episodes
        query = select(
            table.c.id, table.c.segment, table.c.opened_at, table.c.opened_nps, table.c.opened_limit
        ).where(table.c.source == source, table.c.closed_at.is_(None))
        with self.engine.connect() as connection:
            return {row.segment: Episode(*row) for row in connection.execute(query)}

    def open(self, source: str, segment: str, nps: float, limit: float, now: datetime) -> Episode:
        values = {
            "source": source,
            "segment": segment,
            "opened_at": now,
            "opened_nps": nps,
            "opened_limit": limit,
        }
        try:
            with self.engine.begin() as connection:
                result = connection.execute(insert(alert_episodes).values(**values))
                (episode_id,) = result.inserted_primary_key or (0,)
        except IntegrityError:  # the unique index: one open episode per segment
            return self.open_ones(source)[segment]
        return Episode(int(episode_id), segment, now, nps, limit)

    def close(self, episode: Episode, nps: float, now: datetime) -> bool:
        """Close ``episode``; False when it was closed already (by another worker)."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(alert_episodes)
                .where(alert_episodes.c.id == episode.id, alert_episodes.c.closed_at.is_(None))
                .values(closed_at=now, closed_nps=nps)
            )
        return result.rowcount == 1
