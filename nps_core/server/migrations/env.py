"""Alembic's environment for the bundled server's database.

``migrate.upgrade`` runs the migrations on a connection it passes in
``config.attributes["connection"]``. Developers make a new revision with
``alembic -c nps_core/server/alembic.ini revision --autogenerate -m "..."`` against a
scratch database (``-x url=sqlite:///scratch.sqlite3``).
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from nps_core.server.migrate import VERSION_TABLE
from nps_core.server.schema import metadata

config = context.config


def _configure(**options: Any) -> None:
    # Batch mode lets later ALTERs run on SQLite too (it copies the table).
    context.configure(
        target_metadata=metadata, render_as_batch=True, version_table=VERSION_TABLE, **options
    )


def run_offline() -> None:
    _configure(url=context.get_x_argument(as_dictionary=True).get("url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True)["url"]
    with create_engine(url).connect() as own:
        _configure(connection=own)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
