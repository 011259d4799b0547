"""Shops and their catalog (channels and categories) in the server's database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, Text, bindparam, func, literal, select, union_all

from nps_core.contract.models import Category, Channel
from nps_core.contract.wire import CATEGORY_TEXTS
from nps_core.server.database import Database
from nps_core.server.definitions import ShopDefinition
from nps_core.server.schema import categories, channels, reviews, shops

__all__ = ["Shop", "ShopStore"]


@dataclass(frozen=True, slots=True)
class Shop:
    shop_id: str
    secret: str = field(repr=False)
    name: str | None = None


def _category(row: Sequence[Any]) -> Category:
    """A category from a row of (id, code, name, *CATEGORY_TEXTS)."""
    return Category(
        id=row[0], code=row[1], name=row[2], **dict(zip(CATEGORY_TEXTS, row[3:], strict=True))
    )


def _upsert(
    db: Database, con: Connection, table: Table, values: Mapping[str, Any], given_name: str | None
) -> int:
    """Create or update a channel or category (by shop and code); returns its id.

    On update, a name or text that is not given (None) keeps its stored value."""
    insert = db.insert(table).values(values)
    kept = {c: func.coalesce(insert.excluded[c], table.c[c]) for c in values if c in CATEGORY_TEXTS}
    upsert = insert.on_conflict_do_update(
        index_elements=["shop_id", "code"],
        set_={
            "name": func.coalesce(literal(given_name, Text), table.c.name),
            "active": insert.excluded.active,
            **kept,
        },
    ).returning(table.c.id)
    return int(con.execute(upsert).scalar_one())


def _put_shop(db: Database, con: Connection, shop_id: str, secret: str, name: str | None) -> None:
    insert = db.insert(shops).values(shop_id=shop_id, secret=secret, name=name)
    con.execute(
        insert.on_conflict_do_update(
            index_elements=["shop_id"],
            set_={
                "secret": insert.excluded.secret,
                "name": func.coalesce(insert.excluded.name, shops.c.name),
            },
        )
    )


def _put_channel(
    db: Database, con: Connection, shop_id: str, code: str, name: str | None, active: bool
) -> int:
    values = {"shop_id": shop_id, "code": code, "name": name or code, "active": active}
    return _upsert(db, con, channels, values, name)


def _put_category(
    db: Database,
    con: Connection,
    shop_id: str,
    code: str,
    name: str | None,
    active: bool,
    texts: Mapping[str, str | None],
) -> int:
    values = {"shop_id": shop_id, "code": code, "name": name or code, "active": active}
    return _upsert(db, con, categories, values | {t: texts.get(t) for t in CATEGORY_TEXTS}, name)


# The reads of every request, built once (building a statement costs more than running
# it); the shop is the parameter.
_SHOP = shops.select().where(shops.c.shop_id == bindparam("shop_id"))
_CHANNELS = (
    select(channels.c.id, channels.c.code, channels.c.name, channels.c.active)
    .where(channels.c.shop_id == bindparam("shop_id"))
    .order_by(channels.c.id)
)
# The codes of a shop's active channels and categories, in one statement: what a create
# request is checked against.
_ACTIVE_CODES = union_all(
    *(
        select(literal(table.name), table.c.code).where(
            table.c.shop_id == bindparam("shop_id"), table.c.active
        )
        for table in (channels, categories)
    )
)
_CATEGORIES = (
    select(
        categories.c.id,
        categories.c.code,
        categories.c.name,
        *(categories.c[t] for t in CATEGORY_TEXTS),
        categories.c.active,
    )
    .where(categories.c.shop_id == bindparam("shop_id"))
    .order_by(categories.c.id)
)


class ShopStore(Database):
    """Shops, channels and categories: created or updated by code, read in id order."""

    def add_shop(self, shop_id: str, secret: str, name: str | None = None) -> Shop:
        """Create a shop, or update the secret (and the name, if given) of an existing one."""
        with self.transaction() as con:
            _put_shop(self, con, shop_id, secret, name)
        shop = self.get_shop(shop_id)
        assert shop is not None
        return shop

    def define_shops(self, definitions: Iterable[ShopDefinition]) -> None:
        """Create or update shops with their channels and categories, all in one
        transaction: nothing is written unless everything is."""
        with self.transaction() as con:
            for shop in definitions:
                _put_shop(self, con, shop.shop_id, shop.secret, shop.name)
                for entry in shop.channels:
                    _put_channel(self, con, shop.shop_id, entry.code, entry.name, entry.active)
                for entry in shop.categories:
                    _put_category(
                        self, con, shop.shop_id, entry.code, entry.name, entry.active, entry.texts
                    )

    def get_shop(self, shop_id: str) -> Shop | None:
        rows = self.run(_SHOP, {"shop_id": shop_id})
        return Shop(*rows[0]) if rows else None

    def shops(self) -> list[Shop]:
        with self.reading() as con:
            return [Shop(*row) for row in con.execute(shops.select().order_by(shops.c.shop_id))]

    def add_channel(
        self, shop_id: str, code: str, name: str | None = None, active: bool = True
    ) -> int:
        """Create or update a channel (by code); returns its id, which never changes."""
        with self.transaction() as con:
            self._require_shop(con, shop_id)
            return _put_channel(self, con, shop_id, code, name, active)

    def add_category(
        self,
        shop_id: str,
        code: str,
        name: str | None = None,
        active: bool = True,
        **texts: str | None,
    ) -> int:
        """Create or update a category; `texts` are any of CATEGORY_TEXTS.

        On update, texts (and the name) that are not given keep their stored value.
        """
        unknown = set(texts) - set(CATEGORY_TEXTS)
        if unknown:
            raise TypeError(f"unknown category fields: {', '.join(sorted(unknown))}")
        with self.transaction() as con:
            self._require_shop(con, shop_id)
            return _put_category(self, con, shop_id, code, name, active, texts)

    def active_channels(self, shop_id: str) -> list[Channel]:
        return [channel for channel, active in self.all_channels(shop_id) if active]

    def active_categories(self, shop_id: str) -> list[Category]:
        return [category for category, active in self.all_categories(shop_id) if active]

    def active_codes(self, shop_id: str) -> tuple[set[str], set[str]]:
        """The codes of the shop's active channels, and of its active categories."""
        found: dict[str, set[str]] = {channels.name: set(), categories.name: set()}
        for table, code in self.run(_ACTIVE_CODES, {"shop_id": shop_id}):
            found[table].add(code)
        return found[channels.name], found[categories.name]

    def all_channels(self, shop_id: str) -> list[tuple[Channel, bool]]:
        """Every channel with its active flag (for tools and tests)."""
        rows = self.run(_CHANNELS, {"shop_id": shop_id})
        return [(Channel(id=i, code=c, name=n), bool(a)) for i, c, n, a in rows]

    def all_categories(self, shop_id: str) -> list[tuple[Category, bool]]:
        rows = self.run(_CATEGORIES, {"shop_id": shop_id})
        return [(_category(row[:-1]), bool(row[-1])) for row in rows]

    def reset_shop(self, shop_id: str) -> None:
        """Delete a shop's reviews, channels and categories (the shop itself stays)."""
        with self.transaction() as con:
            for table in (reviews, channels, categories):
                con.execute(table.delete().where(table.c.shop_id == shop_id))
