"""The replace rule as a unique key: ``reviews.replace_day`` and ``uq_reviews_replace``.

Before, the server found a person's earlier review of the day under a write lock; now
the database enforces the rule (an upsert on the unique index), so it holds across
processes and replicas. Existing rows keep their place in the rule: the first (lowest
id) of each person, channel, category and UTC day gets its day, the rest NULL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_DAY_MS = 86_400_000
# The UTC day of created_ms, rounded down before 1970 too (% truncates on both databases).
_DAY = f"(created_ms - ((created_ms % {_DAY_MS}) + {_DAY_MS}) % {_DAY_MS}) / {_DAY_MS}"
_KEY = ("shop_id", "identity", "channel", "category", "replace_day")


def upgrade() -> None:
    op.add_column("reviews", sa.Column("replace_day", sa.Integer()))
    op.execute(
        f"UPDATE reviews SET replace_day = {_DAY} WHERE id IN ("
        "SELECT MIN(id) FROM reviews WHERE identity IS NOT NULL "
        f"GROUP BY shop_id, identity, channel, category, {_DAY})"
    )
    op.create_index("uq_reviews_replace", "reviews", list(_KEY), unique=True)
    # The unique index serves the lookup this one did.
    op.drop_index("reviews_shop_identity", table_name="reviews")


def downgrade() -> None:
    op.create_index(
        "reviews_shop_identity",
        "reviews",
        ["shop_id", "identity", "channel", "category", "created_ms"],
    )
    op.drop_index("uq_reviews_replace", table_name="reviews")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("replace_day")
