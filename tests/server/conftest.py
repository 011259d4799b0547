"""Fixtures of the server tests: a real database (each test runs on SQLite and on
PostgreSQL) and uvicorn on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from nps_core.server import ServerHandle, ServerOptions, Store, start_server
from nps_core.server.store import now_ms
from tests.support.databases import (  # each_server_db: the server_db fixture
    ServerDatabases,
    each_server_db,  # noqa: F401
    example_server,
)
from tests.support.servers import ServerFactory
from tests.support.shops import clear_reviews, write_example_shops


@pytest.fixture
def db_path(server_databases: ServerDatabases) -> str | Path:
    """The example shops in a new database: a SQLite file's path or a PostgreSQL URL."""
    return write_example_shops(server_databases())


@pytest.fixture
def start(db_path: str | Path) -> Iterator[ServerFactory]:
    """Start a server on the seeded database with the given ServerOptions fields."""
    with ExitStack() as stack:

        def run(**options: Any) -> ServerHandle:
            return stack.enter_context(start_server(db_path, ServerOptions(**options)))

        yield run


@pytest.fixture(scope="module")
def shared_server(
    server_db: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerHandle]:
    """One default server per test module: starting and stopping costs ~0.2 s each."""
    with example_server(server_db, request, tmp_path_factory.mktemp("shared")) as handle:
        yield handle


@pytest.fixture
def server(shared_server: ServerHandle) -> Iterator[ServerHandle]:
    """The module's default server, with no reviews and the real clock at test start."""
    store: Store = shared_server.app.state.store
    clear_reviews(store)
    yield shared_server
    store.clock = now_ms


@pytest.fixture
def store(server: ServerHandle) -> Store:
    """The running server's own store (its clock can be moved)."""
    return server.app.state.store


@pytest.fixture
def client(server: ServerHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c
