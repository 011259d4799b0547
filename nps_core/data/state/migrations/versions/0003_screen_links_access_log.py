"""Screen links, their revocations and the access log join the state store.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

With several dashboard replicas, files in one replica's data folder are not the team's:
a link revoked on one replica would still open on another. The tables are used when
``state_url`` is set; a single dashboard without it keeps its files.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screen_links",
        sa.Column("link_id", sa.String(64), nullable=False),
        sa.Column("label", sa.String(255), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("expires", sa.BigInteger(), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("link_id", name=op.f("pk_screen_links")),
    )
    op.create_table(
        "revoked_links",
        sa.Column("link_id", sa.String(64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("link_id", name=op.f("pk_revoked_links")),
    )
    op.create_table(
        "access_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("time", sa.DateTime(), nullable=False),
        sa.Column("account", sa.String(320), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("page", sa.String(64), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_events")),
    )


def downgrade() -> None:
    op.drop_table("access_events")
    op.drop_table("revoked_links")
    op.drop_table("screen_links")
