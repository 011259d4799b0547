"""Pinned comment themes in the state store, behind ``nps_core.data.pinned.PinnedStore``.

A shop's pinned themes are saved as one list: ``save`` replaces them in a single
transaction, so every replica of the dashboard reads either the old list or the new one.
Rows that are not valid pinned themes any more (a rule of ``PinnedTheme`` tightened) are
skipped on reading, never an error on a page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select

from nps_core.contract.pinned import PinnedTheme
from nps_core.data.state.schema import pinned_themes

__all__ = ["SqlPinnedStore"]


class SqlPinnedStore:
    """``PinnedStore`` over the ``pinned_themes`` table (``shop``: its source key)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def load(self, shop: str) -> list[PinnedTheme]:
        query = (
            select(pinned_themes.c.name, pinned_themes.c.words)
            .where(pinned_themes.c.source == shop)
            .order_by(pinned_themes.c.position)
        )
        themes: list[PinnedTheme] = []
        with self.engine.connect() as connection:
            for name, words in connection.execute(query):
                try:
                    themes.append(PinnedTheme(name, tuple(map(str, json.loads(words)))))
                except (TypeError, ValueError):
                    continue
        return themes

    def save(self, shop: str, themes: list[PinnedTheme]) -> None:
        now = datetime.now(UTC)
        rows = [
            {
                "source": shop,
                "position": position,
                "name": theme.name,
                "words": json.dumps(list(theme.words), ensure_ascii=False),
                "pinned_at": now,
            }
            for position, theme in enumerate(themes)
        ]
        with self.engine.begin() as connection:
            connection.execute(delete(pinned_themes).where(pinned_themes.c.source == shop))
            if rows:
                connection.execute(insert(pinned_themes), rows)

    def shops(self) -> list[str]:
        """Every shop with a pinned theme."""
        query = select(pinned_themes.c.source).distinct().order_by(pinned_themes.c.source)
        with self.engine.connect() as connection:
            return [str(shop) for shop in connection.scalars(query)]
