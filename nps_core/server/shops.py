"""Shops and their catalog (channels and categories) in the server's database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nps_core.contract.models import Category, Channel
from nps_core.contract.wire import CATEGORY_TEXTS
from nps_core.server.database import Database
from nps_core.server.definitions import ShopDefinition

__all__ = ["Shop", "ShopStore"]

_TEXT_COLUMNS = ", ".join(CATEGORY_TEXTS)


@dataclass(frozen=True, slots=True)
class Shop:
    shop_id: str
    secret: str = field(repr=False)
    name: str | None = None


def _category(row: tuple[Any, ...]) -> Category:
    """A category from a row of (id, code, name, *CATEGORY_TEXTS)."""
    return Category(
        id=row[0], code=row[1], name=row[2], **dict(zip(CATEGORY_TEXTS, row[3:], strict=True))
    )


def _put_shop(con: sqlite3.Connection, shop_id: str, secret: str, name: str | None) -> None:
    con.execute(
        "INSERT INTO shops (shop_id, secret, name) VALUES (?, ?, ?) "
        "ON CONFLICT (shop_id) DO UPDATE SET secret = excluded.secret, "
        "name = COALESCE(excluded.name, shops.name)",
        (shop_id, secret, name),
    )


def _put_channel(
    con: sqlite3.Connection, shop_id: str, code: str, name: str | None, active: bool
) -> int:
    con.execute(
        "INSERT INTO channels (shop_id, code, name, active) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (shop_id, code) DO UPDATE SET "
        "name = COALESCE(?, channels.name), active = excluded.active",
        (shop_id, code, name or code, int(active), name),
    )
    row = con.execute("SELECT id FROM channels WHERE shop_id = ? AND code = ?", (shop_id, code))
    return int(row.fetchone()[0])


def _put_category(
    con: sqlite3.Connection,
    shop_id: str,
    code: str,
    name: str | None,
    active: bool,
    texts: Mapping[str, str | None],
) -> int:
    values = [texts.get(t) for t in CATEGORY_TEXTS]
    updates = ", ".join(f"{t} = COALESCE(excluded.{t}, categories.{t})" for t in CATEGORY_TEXTS)
    con.execute(
        f"INSERT INTO categories (shop_id, code, name, active, {_TEXT_COLUMNS}) "
        f"VALUES (?, ?, ?, ?, {', '.join('?' * len(CATEGORY_TEXTS))}) "
        "ON CONFLICT (shop_id, code) DO UPDATE SET "
        f"name = COALESCE(?, categories.name), active = excluded.active, {updates}",
        (shop_id, code, name or code, int(active), *values, name),
    )
    row = con.execute("SELECT id FROM categories WHERE shop_id = ? AND code = ?", (shop_id, code))
    return int(row.fetchone()[0])


class ShopStore(Database):
    """Shops, channels and categories: created or updated by code, read in id order."""

    def add_shop(self, shop_id: str, secret: str, name: str | None = None) -> Shop:
        """Create a shop, or update the secret (and the name, if given) of an existing one."""
        with self.transaction() as con:
            _put_shop(con, shop_id, secret, name)
        shop = self.get_shop(shop_id)
        assert shop is not None
        return shop

    def define_shops(self, definitions: Iterable[ShopDefinition]) -> None:
        """Create or update shops with their channels and categories, all in one
        transaction: nothing is written unless everything is."""
        with self.transaction() as con:
            for shop in definitions:
                _put_shop(con, shop.shop_id, shop.secret, shop.name)
                for entry in shop.channels:
                    _put_channel(con, shop.shop_id, entry.code, entry.name, entry.active)
                for entry in shop.categories:
                    _put_category(
                        con, shop.shop_id, entry.code, entry.name, entry.active, entry.texts
                    )

    def get_shop(self, shop_id: str) -> Shop | None:
        row = (
            self._conn()
            .execute("SELECT shop_id, secret, name FROM shops WHERE shop_id = ?", (shop_id,))
            .fetchone()
        )
        return Shop(*row) if row else None

    def shops(self) -> list[Shop]:
        rows = self._conn().execute("SELECT shop_id, secret, name FROM shops ORDER BY shop_id")
        return [Shop(*row) for row in rows]

    def add_channel(
        self, shop_id: str, code: str, name: str | None = None, active: bool = True
    ) -> int:
        """Create or update a channel (by code); returns its id, which never changes."""
        with self.transaction() as con:
            self._require_shop(con, shop_id)
            return _put_channel(con, shop_id, code, name, active)

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
            return _put_category(con, shop_id, code, name, active, texts)

    def active_channels(self, shop_id: str) -> list[Channel]:
        rows = self._conn().execute(
            "SELECT id, code, name FROM channels WHERE shop_id = ? AND active ORDER BY id",
            (shop_id,),
        )
        return [Channel(id=i, code=code, name=name) for i, code, name in rows]

    def active_categories(self, shop_id: str) -> list[Category]:
        rows = self._conn().execute(
            f"SELECT id, code, name, {_TEXT_COLUMNS} FROM categories "
            "WHERE shop_id = ? AND active ORDER BY id",
            (shop_id,),
        )
        return [_category(row) for row in rows]

    def all_channels(self, shop_id: str) -> list[tuple[Channel, bool]]:
        """Every channel with its active flag (for tools and tests)."""
        rows = self._conn().execute(
            "SELECT id, code, name, active FROM channels WHERE shop_id = ? ORDER BY id",
            (shop_id,),
        )
        return [(Channel(id=i, code=c, name=n), bool(a)) for i, c, n, a in rows]

    def all_categories(self, shop_id: str) -> list[tuple[Category, bool]]:
        rows = self._conn().execute(
            f"SELECT active, id, code, name, {_TEXT_COLUMNS} FROM categories "
            "WHERE shop_id = ? ORDER BY id",
            (shop_id,),
        )
        return [(_category(row[1:]), bool(row[0])) for row in rows]

    def reset_shop(self, shop_id: str) -> None:
        """Delete a shop's reviews, channels and categories (the shop itself stays)."""
        with self.transaction() as con:
            for table in ("reviews", "channels", "categories"):
                con.execute(f"DELETE FROM {table} WHERE shop_id = ?", (shop_id,))
