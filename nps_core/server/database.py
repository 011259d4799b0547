"""The SQLite database of the bundled server: its schema, connections and transactions.

stdlib sqlite3 in WAL mode, one connection per thread (FastAPI runs sync handlers in a
thread pool). Every write is a `BEGIN IMMEDIATE` transaction, which takes the write
lock up front: a read-then-write (the replace-on-duplicate rule) can then never
interleave with another writer, and a busy database waits (busy_timeout) instead of
failing. `:memory:` is not supported (each connection would see its own database).
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

__all__ = ["BUSY_TIMEOUT_S", "Database"]

BUSY_TIMEOUT_S = 30.0

# The stored format: a new column needs a migration of existing files, so the columns
# are spelt out here rather than derived from the wire's field lists.
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


class _Connection(sqlite3.Connection):
    """sqlite3.Connection itself cannot be weakly referenced; a subclass can."""


class Database:
    """A database file with the server's schema; one connection per thread."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = str(db_path)
        if self.path == ":memory:" or self.path.startswith("file:"):
            raise ValueError("Store needs a database file path")
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
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

    @staticmethod
    def _require_shop(con: sqlite3.Connection, shop_id: str) -> None:
        if con.execute("SELECT 1 FROM shops WHERE shop_id = ?", (shop_id,)).fetchone() is None:
            raise KeyError(f"unknown shop: {shop_id}")
