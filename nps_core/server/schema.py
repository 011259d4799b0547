"""The bundled server's tables, in SQLAlchemy Core: one schema for SQLite and PostgreSQL.

The migrations (``migrations/versions``) create exactly these; a change here needs a new
revision there. Revision 0001 is the schema the server wrote by hand before it used
Alembic, so files made then are stamped with it and upgraded (see ``migrate``).

The replace-on-duplicate rule is the unique index ``uq_reviews_replace``: a review
posted through the API carries ``replace_day`` (its UTC day, days since 1970), and a
second one by the same person (``identity``) for the same channel, category and day
meets the first there and replaces it (an upsert). Rows loaded as given (imports, the
demo) are always stored: only the first of each person, segment and day whose key is
free takes it (``reviews.ReviewStore.insert_reviews_bulk``); the rest keep NULL, and
NULLs never collide in a unique index.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    true,
)

from nps_core.contract.wire import CATEGORY_TEXTS

__all__ = ["REPLACE_KEY", "categories", "channels", "metadata", "reviews", "shops"]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite's AUTOINCREMENT needs the column to be exactly INTEGER (64-bit there anyway).
_ReviewId = BigInteger().with_variant(Integer(), "sqlite")
# Stored 0/1 in SQLite, as before Alembic; BOOLEAN in PostgreSQL.
_Active = Boolean(create_constraint=False)

shops = Table(
    "shops",
    metadata,
    Column("shop_id", Text, primary_key=True),
    Column("secret", Text, nullable=False),
    Column("name", Text),
)


def _catalog(name: str, *texts: str) -> Table:
    """A shop's channels or categories: codes unique per shop, ids that never change."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("shop_id", Text, ForeignKey("shops.shop_id"), nullable=False),
        Column("code", Text, nullable=False),
        Column("name", Text),
        Column("active", _Active, nullable=False, server_default=true()),
        *(Column(text, Text) for text in texts),
        UniqueConstraint("shop_id", "code"),
    )


channels = _catalog("channels")
categories = _catalog("categories", *CATEGORY_TEXTS)

# The columns of the replace rule's unique index, in its order.
REPLACE_KEY = ("shop_id", "identity", "channel", "category", "replace_day")

reviews = Table(
    "reviews",
    metadata,
    Column("id", _ReviewId, primary_key=True, autoincrement=True),
    Column("shop_id", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("channel", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("rate", Integer, nullable=False),
    Column("comment", Text),
    Column("client_id", BigInteger),
    Column("email", Text),
    Column("phone", Text),
    Column("did", Text),
    Column("order_id", Text),
    Column("loyalty_id", Text),
    Column("external_id", Text),
    Column("seance", Text),
    Column("identity", Text),
    Column("replace_day", Integer),
    Index("reviews_shop_time", "shop_id", "created_ms"),
    Index("reviews_shop_segment_time", "shop_id", "channel", "category", "created_ms"),
    Index("uq_reviews_replace", *REPLACE_KEY, unique=True),
    # Ids only grow, never reused after a delete (as the server always did).
    sqlite_autoincrement=True,
)
