"""SQLite storage of the bundled server: shops, channels, categories and reviews.

stdlib sqlite3 in WAL mode, one connection per thread (FastAPI runs sync handlers in a
thread pool). Every write is a `BEGIN IMMEDIATE` transaction, which takes the write
lock up front: a read-then-write (the replace-on-duplicate rule) can then never
interleave with another writer, and a busy database waits (busy_timeout) instead of
failing. `:memory:` is not supported (each connection would see its own database).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nps_core.contract.models import Category, Channel
from nps_core.contract.validation import identity_of

__all__ = [
    "CATEGORY_TEXTS",
    "DAY_MS",
    "REVIEW_COLUMNS",
    "Shop",
    "Store",
    "client_id_for",
    "now_ms",
]

DAY_MS = 86_400_000
BUSY_TIMEOUT_S = 30.0

CATEGORY_TEXTS: tuple[str, ...] = (
    "promoter_question",
    "promoter_success",
    "passive_question",
    "passive_success",
    "detractor_question",
    "detractor_success",
)

# Stored columns of a review besides id and shop_id, in insert order.
REVIEW_COLUMNS: tuple[str, ...] = (
    "created_ms",
    "channel",
    "category",
    "rate",
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

_SCHEMA = """
CREATE TABLE IF NOT EXISTS shops (
    shop_id TEXT PRIMARY KEY,
    secret  TEXT NOT NULL,
    name    TEXT
);
CREATE TABLE IF NOT EXISTS channels (
    id      INTEGER PRIMARY KEY,
    shop_id TEXT NOT NULL REFERENCES shops(shop_id),
    code    TEXT NOT NULL,
    name    TEXT,
    active  INTEGER NOT NULL DEFAULT 1,
    UNIQUE (shop_id, code)
);
CREATE TABLE IF NOT EXISTS categories (
    id                 INTEGER PRIMARY KEY,
    shop_id            TEXT NOT NULL REFERENCES shops(shop_id),
    code               TEXT NOT NULL,
    name               TEXT,
    active             INTEGER NOT NULL DEFAULT 1,
    promoter_question  TEXT,
    promoter_success   TEXT,
    passive_question   TEXT,
    passive_success    TEXT,
    detractor_question TEXT,
    detractor_success  TEXT,
    UNIQUE (shop_id, code)
);
CREATE TABLE IF NOT EXISTS reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    shop_id     TEXT NOT NULL,
    created_ms  INTEGER NOT NULL,
    channel     TEXT NOT NULL,
    category    TEXT NOT NULL,
    rate        INTEGER NOT NULL,
    comment     TEXT,
    client_id   INTEGER,
    email       TEXT,
    phone       TEXT,
    did         TEXT,
    order_id    TEXT,
    loyalty_id  TEXT,
    external_id TEXT,
    seance      TEXT,
    identity    TEXT
);
CREATE INDEX IF NOT EXISTS reviews_shop_time ON reviews (shop_id, created_ms);
CREATE INDEX IF NOT EXISTS reviews_shop_segment_time
    ON reviews (shop_id, channel, category, created_ms);
-- Serves the replace-on-duplicate lookup.
CREATE INDEX IF NOT EXISTS reviews_shop_identity
    ON reviews (shop_id, identity, channel, category, created_ms);
"""

# What the API returns; query_reviews yields dicts with these keys.
_API_COLUMNS = ("id", "created_ms", "channel", "category", "rate", "comment", "client_id")
_API_SELECT = ", ".join((*_API_COLUMNS, "email", "phone"))


class _Connection(sqlite3.Connection):
    """sqlite3.Connection itself cannot be weakly referenced; a subclass can."""


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


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def client_id_for(shop_id: str, identity: str) -> int:
    """A stable 63-bit id per person and shop: fits SQLite's INTEGER, usually > 2^53."""
    digest = hashlib.sha256(f"{shop_id}\x00{identity}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


@dataclass(frozen=True, slots=True)
class Shop:
    shop_id: str
    secret: str = field(repr=False)
    name: str | None = None


class Store:
    """All database access of the server. Safe to share between threads."""

    def __init__(self, db_path: str | Path, *, clock: Callable[[], int] = now_ms) -> None:
        self.path = str(db_path)
        if self.path == ":memory:" or self.path.startswith("file:"):
            raise ValueError("Store needs a database file path")
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # Milliseconds since the epoch for new reviews; tests replace it to move days.
        self.clock = clock
        self._local = threading.local()
        self._lock = threading.Lock()
        # Writers of this process queue here rather than in SQLite's busy handler, which
        # sleeps in growing steps and lets late arrivals overtake: with 50 concurrent
        # writers that made the p99 latency 0.7 s instead of 0.13 s. Other processes
        # writing to the same file still wait through busy_timeout.
        self._write_lock = threading.Lock()
        # Weak: a pool thread that ends takes its connection with it (closed on
        # collection); close() reaches the ones still alive.
        self._connections: weakref.WeakSet[_Connection] = weakref.WeakSet()
        con = self._conn()
        con.execute("PRAGMA journal_mode=WAL")
        con.executescript(_SCHEMA)

    # -- connections -------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is None:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves.
            # check_same_thread=False only so close() can close every thread's
            # connection; each connection is still used by its own thread alone.
            con = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,
                check_same_thread=False,
                factory=_Connection,
            )
            con.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA foreign_keys=ON")
            self._local.con = con
            with self._lock:
                self._connections.add(con)
        return con

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the database's write lock from the start."""
        con = self._conn()
        with self._write_lock:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            connections = list(self._connections)
            self._connections = weakref.WeakSet()
        for con in connections:
            with suppress(sqlite3.Error):  # closing is best effort
                con.close()
        self._local = threading.local()

    # -- shops, channels, categories ---------------------------------------------

    def add_shop(self, shop_id: str, secret: str, name: str | None = None) -> Shop:
        """Create a shop, or update the secret (and the name, if given) of an existing one."""
        with self.transaction() as con:
            con.execute(
                "INSERT INTO shops (shop_id, secret, name) VALUES (?, ?, ?) "
                "ON CONFLICT (shop_id) DO UPDATE SET secret = excluded.secret, "
                "name = COALESCE(excluded.name, shops.name)",
                (shop_id, secret, name),
            )
        shop = self.get_shop(shop_id)
        assert shop is not None
        return shop

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
            con.execute(
                "INSERT INTO channels (shop_id, code, name, active) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (shop_id, code) DO UPDATE SET "
                "name = COALESCE(?, channels.name), active = excluded.active",
                (shop_id, code, name or code, int(active), name),
            )
            return con.execute(
                "SELECT id FROM channels WHERE shop_id = ? AND code = ?", (shop_id, code)
            ).fetchone()[0]

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
        values = [texts.get(t) for t in CATEGORY_TEXTS]
        updates = ", ".join(f"{t} = COALESCE(excluded.{t}, categories.{t})" for t in CATEGORY_TEXTS)
        with self.transaction() as con:
            self._require_shop(con, shop_id)
            con.execute(
                f"INSERT INTO categories (shop_id, code, name, active, {', '.join(CATEGORY_TEXTS)}) "
                f"VALUES (?, ?, ?, ?, {', '.join('?' * len(CATEGORY_TEXTS))}) "
                "ON CONFLICT (shop_id, code) DO UPDATE SET "
                f"name = COALESCE(?, categories.name), active = excluded.active, {updates}",
                (shop_id, code, name or code, int(active), *values, name),
            )
            return con.execute(
                "SELECT id FROM categories WHERE shop_id = ? AND code = ?", (shop_id, code)
            ).fetchone()[0]

    @staticmethod
    def _require_shop(con: sqlite3.Connection, shop_id: str) -> None:
        if con.execute("SELECT 1 FROM shops WHERE shop_id = ?", (shop_id,)).fetchone() is None:
            raise KeyError(f"unknown shop: {shop_id}")

    def active_channels(self, shop_id: str) -> list[Channel]:
        rows = self._conn().execute(
            "SELECT id, code, name FROM channels WHERE shop_id = ? AND active ORDER BY id",
            (shop_id,),
        )
        return [Channel(id=i, code=code, name=name) for i, code, name in rows]

    def active_categories(self, shop_id: str) -> list[Category]:
        rows = self._conn().execute(
            f"SELECT id, code, name, {', '.join(CATEGORY_TEXTS)} FROM categories "
            "WHERE shop_id = ? AND active ORDER BY id",
            (shop_id,),
        )
        return [
            Category(id=r[0], code=r[1], name=r[2], **dict(zip(CATEGORY_TEXTS, r[3:], strict=True)))
            for r in rows
        ]

    def all_channels(self, shop_id: str) -> list[tuple[Channel, bool]]:
        """Every channel with its active flag (for tools and tests)."""
        rows = self._conn().execute(
            "SELECT id, code, name, active FROM channels WHERE shop_id = ? ORDER BY id",
            (shop_id,),
        )
        return [(Channel(id=i, code=c, name=n), bool(a)) for i, c, n, a in rows]

    def all_categories(self, shop_id: str) -> list[tuple[Category, bool]]:
        rows = self._conn().execute(
            f"SELECT id, code, name, active, {', '.join(CATEGORY_TEXTS)} FROM categories "
            "WHERE shop_id = ? ORDER BY id",
            (shop_id,),
        )
        return [
            (
                Category(
                    id=r[0], code=r[1], name=r[2], **dict(zip(CATEGORY_TEXTS, r[4:], strict=True))
                ),
                bool(r[3]),
            )
            for r in rows
        ]

    def reset_shop(self, shop_id: str) -> None:
        """Delete a shop's reviews, channels and categories (the shop itself stays)."""
        with self.transaction() as con:
            for table in ("reviews", "channels", "categories"):
                con.execute(f"DELETE FROM {table} WHERE shop_id = ?", (shop_id,))

    # -- reviews -------------------------------------------------------------------

    def create_review(
        self,
        shop_id: str,
        *,
        channel: str,
        category: str,
        rate: int,
        comment: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        did: str | None = None,
        order_id: str | None = None,
        loyalty_id: str | None = None,
        external_id: str | None = None,
        seance: str | None = None,
        created_ms: int | None = None,
    ) -> int:
        """Store a review and return its id.

        A second review by the same person (did, else email, else phone) for the same
        channel, category and UTC day replaces the first in place: same id, new values.
        """
        identity = identity_of(did, email, phone)
        ms = self.clock() if created_ms is None else created_ms
        client_id = client_id_for(shop_id, identity) if identity else None
        values = (
            ms,
            channel,
            category,
            rate,
            comment or None,
            client_id,
            email or None,
            phone or None,
            did or None,
            order_id or None,
            loyalty_id or None,
            external_id or None,
            seance or None,
            identity,
        )
        day_start = ms - ms % DAY_MS
        with self.transaction() as con:
            existing = None
            if identity is not None:
                existing = con.execute(
                    "SELECT id FROM reviews WHERE shop_id = ? AND identity = ? AND channel = ? "
                    "AND category = ? AND created_ms >= ? AND created_ms < ? ORDER BY id LIMIT 1",
                    (shop_id, identity, channel, category, day_start, day_start + DAY_MS),
                ).fetchone()
            if existing is not None:
                sets = ", ".join(f"{c} = ?" for c in REVIEW_COLUMNS)
                con.execute(f"UPDATE reviews SET {sets} WHERE id = ?", (*values, existing[0]))
                return int(existing[0])
            cur = con.execute(_INSERT_REVIEW, (shop_id, *values))
            return int(cur.lastrowid or 0)

    def insert_reviews_bulk(self, shop_id: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert rows as given (no replace rule), all in one transaction; returns the count.

        Each row maps REVIEW_COLUMNS to values (missing keys are NULL); `identity` and
        `client_id` are derived from did/email/phone when absent.
        """

        def tuples() -> Iterator[tuple[Any, ...]]:
            for row in rows:
                identity = row.get("identity")
                if identity is None:
                    identity = identity_of(row.get("did"), row.get("email"), row.get("phone"))
                client_id = row.get("client_id")
                if client_id is None and identity is not None:
                    client_id = client_id_for(shop_id, identity)
                yield (
                    shop_id,
                    row["created_ms"],
                    row["channel"],
                    row["category"],
                    row["rate"],
                    row.get("comment") or None,
                    client_id,
                    row.get("email"),
                    row.get("phone"),
                    row.get("did"),
                    row.get("order_id"),
                    row.get("loyalty_id"),
                    row.get("external_id"),
                    row.get("seance"),
                    identity,
                )

        with self.transaction() as con:
            self._require_shop(con, shop_id)
            before = con.total_changes
            con.executemany(_INSERT_REVIEW, tuples())
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


_INSERT_REVIEW = (
    f"INSERT INTO reviews (shop_id, {', '.join(REVIEW_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(REVIEW_COLUMNS) + 1))})"
)
