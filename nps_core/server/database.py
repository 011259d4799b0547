"""The database of the bundled server: where it is, its engine and its transactions.

``--db`` names a SQLite file (a path, as always) or a PostgreSQL database by URL
(``postgresql://`` and ``postgresql+psycopg://`` both mean psycopg 3). One schema serves
both (``schema``, versioned by ``migrate``), through SQLAlchemy Core.

Connections come from a pool as large as the thread pool that runs FastAPI's sync
handlers, so no request waits for one. SQLite runs in WAL mode with a busy timeout; its
write transactions begin IMMEDIATE (they take the write lock up front, so a transaction
that reads before it writes cannot fail on a stale snapshot), reads run without one,
and this process's writers queue on a lock first: SQLite's busy handler sleeps in
growing steps and lets late arrivals overtake (with 50 concurrent writers the p99
latency was 0.7 s instead of 0.13 s). The lock only orders writers; the replace rule is
the database's unique key (``schema``), which holds across processes and replicas.

The statements every request runs go through ``Database.run``: compiled once by
SQLAlchemy, executed on a pooled connection's driver.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import (
    URL,
    ClauseElement,
    Connection,
    Engine,
    Table,
    create_engine,
    event,
    inspect,
    make_url,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler

from nps_core.server.migrate import upgrade
from nps_core.server.schema import shops

__all__ = ["BUSY_TIMEOUT_S", "POOL_SIZE", "Database", "database_exists", "database_url", "shown"]

BUSY_TIMEOUT_S = 30.0
# anyio's thread pool, which runs FastAPI's sync handlers, has 40 threads: one
# connection each, and a few more for anything else (a CLI, a test's own calls).
POOL_SIZE = 40
_POOL_OVERFLOW = 10
# How long a PostgreSQL that does not answer may keep a command or the server waiting.
_CONNECT_TIMEOUT_S = 10
_PG_SCHEMES = ("postgresql://", "postgres://")


def database_url(target: str | Path) -> URL:
    """The SQLAlchemy URL of ``--db``: a PostgreSQL URL as given (psycopg 3 for plain
    ``postgresql://``), a ``sqlite:///`` URL, or else a SQLite file's path."""
    text = str(target)
    if text.startswith(_PG_SCHEMES):
        text = "postgresql+psycopg://" + text.split("://", 1)[1]
    if text.startswith(("postgresql+", "sqlite:")):
        try:
            url = make_url(text)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL: {shown(text)}") from exc
    else:
        url = URL.create("sqlite", database=text)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise ValueError("Store needs a database file path")
    elif url.get_backend_name() != "postgresql":
        raise ValueError(f"not a SQLite path or PostgreSQL URL: {shown(text)}")
    return url


def shown(target: str | Path | URL) -> str:
    """``target`` fit for a message or a log: any password hidden."""
    if isinstance(target, URL):
        return target.render_as_string(hide_password=True)
    text = str(target)
    if "://" not in text:
        return text
    try:
        return make_url(text).render_as_string(hide_password=True)
    except ArgumentError:
        return text.split("://", 1)[0] + "://..."


def database_exists(target: str | Path) -> bool:
    """Whether ``target`` holds the server's tables (a SQLite file: whether it exists)."""
    url = database_url(target)
    if url.get_backend_name() == "sqlite":
        return Path(url.database or "").is_file()
    engine = create_engine(url, connect_args={"connect_timeout": _CONNECT_TIMEOUT_S})
    try:
        with engine.connect() as con:
            return inspect(con).has_table(shops.name)
    finally:
        engine.dispose()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # No transaction of the driver's own: _sqlite_begin says when one begins.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(con: Connection) -> None:
    # Writes say how to begin; a read is one statement, which needs no transaction
    # (a BEGIN and a ROLLBACK around each cost a read of 1000 reviews 5%).
    mode = con.get_execution_options().get("sqlite_begin")
    if mode:
        con.exec_driver_sql(mode)


def _make_engine(url: URL) -> Engine:
    pool = {"pool_size": POOL_SIZE, "max_overflow": _POOL_OVERFLOW}
    if url.get_backend_name() != "sqlite":
        return create_engine(url, connect_args={"connect_timeout": _CONNECT_TIMEOUT_S}, **pool)
    Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        # Each connection is used by one thread at a time, handed on by the pool.
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
        **pool,
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement as its driver runs it: the SQL, and how to lay out its parameters."""

    sql: str
    # Positional drivers (SQLite): the parameters' values in order, from a mapping.
    pick: Callable[[Mapping[str, Any]], tuple[Any, ...]] | None
    defaults: dict[str, Any]  # values SQLAlchemy bound itself (an OFFSET 0, say)

    def parameters(self, given: Mapping[str, Any]) -> tuple[Any, ...] | Mapping[str, Any]:
        values = self.defaults | dict(given) if self.defaults else given
        return values if self.pick is None else self.pick(values)


def _picker(order: Sequence[str]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """Values of ``order`` from a mapping, as a tuple (itemgetter: 10x a comprehension)."""
    if len(order) == 1:
        (name,) = order
        return lambda values: (values[name],)
    return itemgetter(*order)


class Database:
    """The server's database at ``target`` (see ``database_url``), its schema brought
    to the newest revision on opening. Safe to share between threads."""

    def __init__(self, target: str | Path) -> None:
        self.url = database_url(target)
        self.sqlite = self.url.get_backend_name() == "sqlite"
        self.engine = _make_engine(self.url)
        self._write_lock: AbstractContextManager[Any] = (
            threading.Lock() if self.sqlite else nullcontext()
        )
        self._compiled: dict[ClauseElement, _Compiled] = {}
        try:
            upgrade(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    def __repr__(self) -> str:
        return f"{type(self).__name__}({shown(self.url)!r})"

    def insert(self, table: Table) -> sqlite.Insert | postgresql.Insert:
        """An INSERT of this database's dialect, which can upsert (ON CONFLICT)."""
        return (sqlite.insert if self.sqlite else postgresql.insert)(table)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction; committed at the end of the block, rolled back on error."""
        with self._write_lock, self.engine.connect() as con:
            con.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            with con.begin():
                yield con

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads (on SQLite each statement reads its own snapshot)."""
        with self.engine.connect() as con:
            yield con

    def run(
        self, statement: ClauseElement, params: Mapping[str, Any], *, write: bool = False
    ) -> list[Any]:
        """The rows of one statement (a write, committed, if ``write``), run on a pooled
        connection's driver: SQLAlchemy compiles it once, but does not execute it, which
        costs 50-100 µs a statement, a quarter of a create request's time. For the
        statements every request runs, made once (each is kept for the store's life),
        with plain values (no type conversions)."""
        compiled = self._compile(statement)
        parameters = compiled.parameters(params)
        with self._write_lock if write else nullcontext():
            con = self.engine.raw_connection()
            try:
                cursor = con.cursor()
                cursor.execute(compiled.sql, parameters)
                rows = list(cursor.fetchall()) if cursor.description else []
                cursor.close()
                con.commit()  # SQLite runs each statement in its own transaction anyway
                return rows
            except self.engine.dialect.loaded_dbapi.Error as exc:
                if self.engine.dialect.is_disconnect(exc, con.dbapi_connection, None):
                    con.invalidate(exc)  # a restarted PostgreSQL: not back to the pool
                raise DBAPIError.instance(
                    compiled.sql,
                    parameters,
                    exc,
                    self.engine.dialect.loaded_dbapi.Error,
                    hide_parameters=True,  # customers' contacts stay out of any log
                ) from exc
            finally:
                con.close()  # back to the pool, rolled back if still in a transaction

    def run_many(
        self, con: Connection, statement: ClauseElement, rows: list[dict[str, Any]]
    ) -> None:
        """``statement`` once for each of ``rows``, in ``con``'s transaction, compiled as
        ``run`` does: SQLAlchemy's own preparation of 200,000 rows takes longer than
        SQLite's inserting them."""
        compiled = self._compile(statement)
        batch: Any = [compiled.parameters(row) for row in rows]
        con.exec_driver_sql(compiled.sql, batch)

    def _compile(self, statement: ClauseElement) -> _Compiled:
        compiled = self._compiled.get(statement)
        if compiled is None:
            done = statement.compile(dialect=self.engine.dialect)
            assert isinstance(done, SQLCompiler)
            order = done.positiontup if self.engine.dialect.positional else None
            pick = _picker(order) if order else None
            defaults = {k: v for k, v in done.params.items() if v is not None}
            compiled = _Compiled(done.string, pick, defaults)
            self._compiled[statement] = compiled
        return compiled

    def close(self) -> None:
        self.engine.dispose()

    @staticmethod
    def _require_shop(con: Connection, shop_id: str) -> None:
        found = con.execute(shops.select().where(shops.c.shop_id == shop_id)).first()
        if found is None:
            raise KeyError(f"unknown shop: {shop_id}")
