"""Where a test's bundled server keeps its data: a SQLite file or a PostgreSQL database.

The server's contract tests run on both (the ``server_db`` fixture of ``tests/server``
and ``tests/reliability`` is parametrised over ``SERVER_DATABASES``); the rest of the
suite, whose subject is not the server, on SQLite alone. PostgreSQL databases live on
the session's throwaway cluster (the ``pg`` fixture, started on first use).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from nps_core.server import ServerHandle
from tests.support.postgres import pg_database
from tests.support.shops import serve_example_shops

__all__ = ["SERVER_DATABASES", "ServerDatabases", "each_server_db", "example_server"]

SERVER_DATABASES = ("sqlite", "postgresql")


class ServerDatabases:
    """``databases(name)``: the database called ``name``, made empty on first call (a
    file in ``folder``, or a new PostgreSQL database); those made go with ``stack``."""

    def __init__(
        self, kind: str, request: pytest.FixtureRequest, folder: Path, stack: ExitStack
    ) -> None:
        self.kind = kind
        self._request = request
        self._folder = folder
        self._stack = stack
        self._made: dict[str, str | Path] = {}

    def __contains__(self, name: str) -> bool:
        return name in self._made

    def __call__(self, name: str = "nps.sqlite3") -> str | Path:
        if name not in self._made:
            if self.kind == "sqlite":
                self._made[name] = self._folder / name
            else:
                cluster = self._request.getfixturevalue("pg")
                self._made[name] = self._stack.enter_context(pg_database(cluster))
        return self._made[name]


@pytest.fixture(scope="session", params=SERVER_DATABASES, name="server_db")
def each_server_db(request: pytest.FixtureRequest) -> str:
    """``server_db`` for the server's own tests: each kind in turn (imported by their
    conftest files, overriding the suite's SQLite)."""
    return str(request.param)


@contextmanager
def example_server(
    kind: str, request: pytest.FixtureRequest, folder: Path
) -> Iterator[ServerHandle]:
    """A default server over the example shops in a new database of ``kind``."""
    with ExitStack() as stack:
        db = ServerDatabases(kind, request, folder, stack)()
        yield stack.enter_context(serve_example_shops(db))
