"""The server's schema brought to the newest revision, by Alembic, when a store opens.

A database made before the server used Alembic holds revision 0001's tables but no
version table: it is stamped 0001 first, then upgraded like any other. Migrations are
serialised between processes (two replicas starting at once) and run in one
transaction: on SQLite one that takes the write lock first (BEGIN IMMEDIATE), on
PostgreSQL one holding an advisory lock; each looks at the revision again once it has
the lock. Opening an up-to-date database changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["FIRST_REVISION", "VERSION_TABLE", "current_revision", "head_revision", "upgrade"]

_SCRIPTS = "nps_core.server:migrations"
# Its own name: the dashboard's state store may share a PostgreSQL database.
VERSION_TABLE = "server_alembic_version"
FIRST_REVISION = "0001"
# Any fixed number, not the state store's: the key of the advisory lock around migrations.
_MIGRATION_LOCK = 0x4E505353


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _SCRIPTS)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the server ships at least one migration"
    return head


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring ``engine``'s database to the newest revision (creating it if empty); on
    SQLite, ``engine`` begins a transaction as its ``sqlite_begin`` option says."""
    head = head_revision()
    with engine.connect() as connection:
        if current_revision(connection) == head:
            return
    from alembic import command

    with engine.connect() as connection:
        connection.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        with connection.begin():
            if engine.dialect.name == "postgresql":
                key = {"key": _MIGRATION_LOCK}
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), key)
            current = current_revision(connection)
            if current is None and inspect(connection).has_table("shops"):
                command.stamp(_config(connection), FIRST_REVISION)
            if current != head:
                command.upgrade(_config(connection), "head")
