"""Reviews in the server's database: writes (with the replace rule) and filtered reads."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from nps_core.contract.validation import identity_of
from nps_core.contract.wire import CREATE_FIELDS, CREATE_TEXT_FIELDS, REVIEW_FIELDS
from nps_core.server.database import Database

__all__ = [
    "DAY_MS",
    "REVIEW_COLUMNS",
    "REVIEW_TEXTS",
    "STORED_AS",
    "ReviewStore",
    "client_id_for",
    "now_ms",
]

DAY_MS = 86_400_000

# Create fields stored under another one's name: `sid` is the newer name of `seance`.
STORED_AS: dict[str, str] = {"sid": "seance"}
# A review's own fields as stored: `id` is the row's key, `created_at` is kept in ms.
_OWN_COLUMNS = ("created_ms", *(f for f in REVIEW_FIELDS if f not in ("id", "created_at")))
# Stored columns of a review besides id and shop_id, in insert order: its own fields, the
# create fields it does not show, and who wrote it (see identity_of).
REVIEW_COLUMNS: tuple[str, ...] = (
    *_OWN_COLUMNS,
    *(f for f in CREATE_TEXT_FIELDS if f not in _OWN_COLUMNS and f not in STORED_AS),
    "identity",
)
_REQUIRED = ("created_ms", "channel", "category", "rate")
# The optional texts of create_review: the create fields stored beside the segment.
REVIEW_TEXTS: tuple[str, ...] = tuple(
    f for f in REVIEW_COLUMNS if f in CREATE_FIELDS and f not in ("channel", "category", "rate")
)

# What the API returns; query_reviews yields dicts with these keys.
_API_COLUMNS = ("id", "created_ms", "channel", "category", "rate", "comment", "client_id")
_API_SELECT = ", ".join((*_API_COLUMNS, "email", "phone"))

# created_ms as the vendor writes it, 2023-07-21T02:35:06.374Z: floor division keeps
# times before 1970 right, where SQLite's integer division would round toward zero.
_ISO_MS_SQL = (
    "strftime('%Y-%m-%dT%H:%M:%S', (created_ms - (created_ms % 1000 + 1000) % 1000) / 1000,"
    " 'unixepoch') || printf('.%03dZ', (created_ms % 1000 + 1000) % 1000)"
)
_JSON_FIELDS = (
    "'id', id, 'channel', channel, 'category', category, 'rate', rate, 'comment', comment,"
    " 'client_id', client_id, 'client', client_id, 'email', email, 'phone', phone,"
    f" 'created_at', {_ISO_MS_SQL}"
)
_LEGACY_JSON_FIELDS = (
    "'id', id, 'client', client_id, 'rate', rate, 'channel', channel, 'category', category,"
    " 'comment', comment"
)
_INSERT_REVIEW = (
    f"INSERT INTO reviews (shop_id, {', '.join(REVIEW_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(REVIEW_COLUMNS) + 1))})"
)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def client_id_for(shop_id: str, identity: str) -> int:
    """A stable 63-bit id per person and shop: fits SQLite's INTEGER, usually > 2^53."""
    digest = hashlib.sha256(f"{shop_id}\x00{identity}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _stored(shop_id: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """Every column of REVIEW_COLUMNS for `row`: missing ones NULL, an empty comment NULL,
    `identity` and `client_id` derived from did/email/phone when absent."""
    identity = row.get("identity")
    if identity is None:
        identity = identity_of(row.get("did"), row.get("email"), row.get("phone"))
    client_id = row.get("client_id")
    if client_id is None and identity is not None:
        client_id = client_id_for(shop_id, identity)
    values = {c: row[c] if c in _REQUIRED else row.get(c) for c in REVIEW_COLUMNS}
    return values | {
        "comment": row.get("comment") or None,
        "client_id": client_id,
        "identity": identity,
    }


class ReviewStore(Database):
    """Reviews: written one by one (the API) or in bulk (imports, the demo), read filtered."""

    def __init__(self, db_path: str | Path, *, clock: Callable[[], int] = now_ms) -> None:
        # Milliseconds since the epoch for new reviews; tests replace it to move days.
        self.clock = clock
        super().__init__(db_path)

    def create_review(
        self,
        shop_id: str,
        *,
        channel: str,
        category: str,
        rate: int,
        created_ms: int | None = None,
        **texts: str | None,
    ) -> int:
        """Store a review and return its id; `texts` are any of REVIEW_TEXTS.

        A second review by the same person (did, else email, else phone) for the same
        channel, category and UTC day replaces the first in place: same id, new values.
        """
        unknown = set(texts) - set(REVIEW_TEXTS)
        if unknown:
            raise TypeError(f"unknown review fields: {', '.join(sorted(unknown))}")
        ms = self.clock() if created_ms is None else created_ms
        row = {name: value or None for name, value in texts.items()}
        values = _stored(
            shop_id,
            row | {"created_ms": ms, "channel": channel, "category": category, "rate": rate},
        )
        day_start = ms - ms % DAY_MS
        with self.transaction() as con:
            existing = None
            if values["identity"] is not None:
                existing = con.execute(
                    "SELECT id FROM reviews WHERE shop_id = ? AND identity = ? AND channel = ? "
                    "AND category = ? AND created_ms >= ? AND created_ms < ? ORDER BY id LIMIT 1",
                    (shop_id, values["identity"], channel, category, day_start, day_start + DAY_MS),
                ).fetchone()
            if existing is not None:
                sets = ", ".join(f"{c} = ?" for c in REVIEW_COLUMNS)
                con.execute(
                    f"UPDATE reviews SET {sets} WHERE id = ?", (*values.values(), existing[0])
                )
                return int(existing[0])
            cur = con.execute(_INSERT_REVIEW, (shop_id, *values.values()))
            return int(cur.lastrowid or 0)

    def insert_reviews_bulk(self, shop_id: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert rows as given (no replace rule), all in one transaction; returns the count.

        Each row maps REVIEW_COLUMNS to values (missing keys are NULL); `identity` and
        `client_id` are derived from did/email/phone when absent.
        """
        with self.transaction() as con:
            self._require_shop(con, shop_id)
            before = con.total_changes
            con.executemany(
                _INSERT_REVIEW, ((shop_id, *_stored(shop_id, row).values()) for row in rows)
            )
            return con.total_changes - before

    @staticmethod
    def _filters(
        shop_id: str,
        start_ms: int | None,
        end_ms: int | None,
        channel: str | None,
        category: str | None,
    ) -> tuple[str, list[Any]]:
        where = ["shop_id = ?"]
        params: list[Any] = [shop_id]
        for clause, value in (
            ("created_ms >= ?", start_ms),
            ("created_ms < ?", end_ms),
            ("channel = ?", channel),
            ("category = ?", category),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        return " AND ".join(where), params

    def query_reviews(
        self,
        shop_id: str,
        start_ms: int | None = None,
        end_ms: int | None = None,
        channel: str | None = None,
        category: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Reviews with start_ms <= created_ms < end_ms, ascending by id, first `limit`.

        Each dict has id, created_ms, channel, category, rate, comment, client_id,
        email and phone.
        """
        rows = self._select(_API_SELECT, shop_id, start_ms, end_ms, channel, category, limit)
        keys = (*_API_COLUMNS, "email", "phone")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def reviews_json(
        self,
        shop_id: str,
        start_ms: int | None = None,
        end_ms: int | None = None,
        channel: str | None = None,
        category: str | None = None,
        limit: int | None = None,
        *,
        legacy: bool = False,
    ) -> str:
        """The reviews ``query_reviews`` selects, as the API's JSON array text.

        SQLite writes each object (json_object, in C): five times faster than building
        dicts and dumping them, and integers such as client ids stay exact.
        """
        fields = _LEGACY_JSON_FIELDS if legacy else _JSON_FIELDS
        rows = self._select(
            f"json_object({fields})", shop_id, start_ms, end_ms, channel, category, limit
        )
        return "[" + ",".join(row[0] for row in rows) + "]"

    def _select(
        self,
        columns: str,
        shop_id: str,
        start_ms: int | None,
        end_ms: int | None,
        channel: str | None,
        category: str | None,
        limit: int | None,
    ) -> sqlite3.Cursor:
        """``columns`` of the selected reviews, ascending by id, the first ``limit``."""
        where, params = self._filters(shop_id, start_ms, end_ms, channel, category)
        sql = f"SELECT {columns} FROM reviews WHERE {where} ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._conn().execute(sql, params)

    def count_reviews(
        self,
        shop_id: str,
        start_ms: int | None = None,
        end_ms: int | None = None,
        channel: str | None = None,
        category: str | None = None,
    ) -> int:
        where, params = self._filters(shop_id, start_ms, end_ms, channel, category)
        return int(
            self._conn()
            .execute(f"SELECT COUNT(*) FROM reviews WHERE {where}", params)
            .fetchone()[0]
        )

    def all_reviews(self, shop_id: str) -> list[dict[str, Any]]:
        """Every stored column of every review of a shop, ascending by id (for tests)."""
        cur = self._conn().execute(
            "SELECT * FROM reviews WHERE shop_id = ? ORDER BY id", (shop_id,)
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]
