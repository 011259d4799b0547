"""Pinned comment themes move into the state store (from pinned_themes.json).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

The themes pinned so far were kept in ``pinned_themes.json`` in the data folder (the
``JsonPinnedStore`` of the themes work): its valid entries are copied into the table
once, here, when a store reaches this revision. The file is left as it was, unread
from now on.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from nps_core.data.settings import data_dir

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LEGACY_FILE = "pinned_themes.json"


def _legacy_rows() -> list[dict[str, Any]]:
    """The file's valid entries as rows: a name, and a list with a word in it."""
    try:
        data = json.loads((data_dir() / LEGACY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    shops = data.get("shops") if isinstance(data, dict) else None
    rows: list[dict[str, Any]] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    for shop, entries in (shops if isinstance(shops, dict) else {}).items():
        names: set[str] = set()
        for entry in entries if isinstance(entries, list) else []:
            name = entry.get("name") if isinstance(entry, dict) else None
            words = entry.get("words") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not name.strip() or name in names:
                continue
            if not isinstance(words, list) or not any(isinstance(w, str) and w for w in words):
                continue
            names.add(name)
            rows.append(
                {
                    "source": str(shop)[:255],
                    "position": len(names) - 1,
                    "name": name[:255],
                    "words": json.dumps([str(w) for w in words], ensure_ascii=False),
                    "pinned_at": now,
                }
            )
    return rows


def upgrade() -> None:
    table = op.create_table(
        "pinned_themes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("pinned_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pinned_themes")),
        sa.UniqueConstraint("source", "name", name=op.f("uq_pinned_themes_source_name")),
        sa.UniqueConstraint("source", "position", name=op.f("uq_pinned_themes_source_position")),
    )
    rows = _legacy_rows()
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("pinned_themes")
