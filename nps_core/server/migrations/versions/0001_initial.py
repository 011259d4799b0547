"""Shops, channels, categories and reviews: the schema the server wrote before Alembic.

Files made then hold exactly these tables (with unnamed constraints) and are stamped
with this revision rather than migrated by it.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _catalog(name: str, *texts: str) -> None:
    """A channels or categories table: per-shop codes, optional texts."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("shop_id", sa.Text(), sa.ForeignKey("shops.shop_id"), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text()),
        sa.Column(
            "active", sa.Boolean(create_constraint=False), nullable=False, server_default=sa.true()
        ),
        *(sa.Column(text, sa.Text()) for text in texts),
        sa.UniqueConstraint("shop_id", "code"),
    )


def upgrade() -> None:
    op.create_table(
        "shops",
        sa.Column("shop_id", sa.Text(), primary_key=True),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("name", sa.Text()),
    )
    _catalog("channels")
    _catalog(
        "categories",
        "promoter_question",
        "promoter_success",
        "passive_question",
        "passive_success",
        "detractor_question",
        "detractor_success",
    )
    op.create_table(
        "reviews",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("shop_id", sa.Text(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("rate", sa.Integer(), nullable=False),
        *(
            sa.Column(name, sa.BigInteger() if name == "client_id" else sa.Text())
            for name in (
                "comment",
                "client_id",
                "email",
                "phone",
                "did",
                "order_id",
                "loyalty_id",
                "external_id",
                "seance",
                "identity",
            )
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("reviews_shop_time", "reviews", ["shop_id", "created_ms"])
    op.create_index(
        "reviews_shop_segment_time", "reviews", ["shop_id", "channel", "category", "created_ms"]
    )
    op.create_index(
        "reviews_shop_identity",
        "reviews",
        ["shop_id", "identity", "channel", "category", "created_ms"],
    )


def downgrade() -> None:
    for table in ("reviews", "categories", "channels", "shops"):
        op.drop_table(table)
