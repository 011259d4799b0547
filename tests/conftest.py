"""Fixtures shared by the whole suite: the bundled server on a loopback port, a
throwaway PostgreSQL cluster."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from nps_core.server import ServerHandle, ServerOptions, start_server
from tests.support.databases import ServerDatabases
from tests.support.postgres import PgCluster, pg_cluster, pg_database
from tests.support.servers import ServerFactory
from tests.support.shops import seed_shop


@pytest.fixture(scope="session")
def server_db() -> str:
    """The kind of database the bundled server keeps its data in: SQLite, but in the
    server's own tests (``tests/server``, ``tests/reliability``), which take both."""
    return "sqlite"


@pytest.fixture
def server_databases(
    server_db: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[ServerDatabases]:
    """``server_databases(name)``: a new empty database of the ``server_db`` kind."""
    with ExitStack() as stack:
        yield ServerDatabases(server_db, request, tmp_path, stack)


@pytest.fixture
def server_factory(server_databases: ServerDatabases) -> Iterator[ServerFactory]:
    """``start(rows, db_name, **options)``: servers over the test shop holding ``rows``,
    one database per name (seeded when first named); all stop at teardown."""
    with ExitStack() as stack:

        def start(
            rows: Iterable[Mapping[str, Any]] = (), db_name: str = "api.sqlite3", **options: Any
        ) -> ServerHandle:
            fresh = db_name not in server_databases
            db = server_databases(db_name)
            if fresh:
                seed_shop(db, rows).close()
            return stack.enter_context(start_server(db, ServerOptions(**options)))

        yield start


@pytest.fixture(scope="session")
def pg() -> Iterator[PgCluster]:
    """One PostgreSQL cluster for the whole run, started on first use."""
    with pg_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_url(pg: PgCluster) -> Iterator[str]:
    """The SQLAlchemy URL of a new empty PostgreSQL database, dropped after the test."""
    with pg_database(pg) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A state store's URL, once on each database it supports: a SQLite file in the
    test's folder, an empty PostgreSQL database."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'state.sqlite3'}"
