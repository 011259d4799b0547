"""Opening the state store's database: the engine, its settings, and the migrations.

``open_engine(url)`` makes an engine for any SQLAlchemy URL (SQLite by default, in the
data folder; PostgreSQL by ``postgresql+psycopg://…``) and brings its schema to the
newest revision with Alembic before returning, so every process (dashboard replicas,
the alerts worker) meets the same tables. Migrations are serialised between processes:
by a file lock beside a SQLite file, by a transaction-scoped advisory lock on
PostgreSQL (which also runs the DDL in one transaction). Opening an up-to-date store
again changes nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.pool import StaticPool

from nps_core.data.settings import data_dir

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "STATE_FILE",
    "alembic_config",
    "current_revision",
    "default_url",
    "head_revision",
    "open_engine",
]

STATE_FILE = "state.sqlite3"
_SCRIPTS = "nps_core.data.state:migrations"
# Any fixed number: the key of PostgreSQL's advisory lock around migrations.
_MIGRATION_LOCK = 0x4E505314
# A writer waits this long for another (SQLite locks the whole file for a write).
_BUSY_TIMEOUT_MS = 30_000


def default_url() -> str:
    """A SQLite file in the data folder."""
    return f"sqlite:///{data_dir() / STATE_FILE}"


# Alembic is imported where used: the store's readers (every page of the dashboard
# that keeps state) should not pay for it when the schema is up to date.


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _SCRIPTS)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the state store ships at least one migration"
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    cursor.close()


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":  # SQLAlchemy would pick psycopg2, not installed
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    memory = parsed.database in (None, "", ":memory:")
    if not memory:
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if memory:  # one connection, or every checkout would see a new empty database
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@contextlib.contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """Held around a SQLite file's migration, so two processes never both create tables."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        yield
        return
    with open(f"{database}.migrate.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _upgrade(engine: Engine) -> None:
    from alembic import command

    with _file_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        command.upgrade(alembic_config(connection), "head")


def open_engine(url: str = "") -> Engine:
    """An engine on ``url`` (default: ``default_url()``) whose schema is the newest."""
    engine = _make_engine(url or default_url())
    try:
        if current_revision(engine) != head_revision():
            _upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine
