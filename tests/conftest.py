"""Fixtures shared by the whole suite: the bundled server on a loopback port."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from nps_core.server import ServerHandle, ServerOptions, start_server
from tests.support.servers import ServerFactory
from tests.support.shops import seed_shop


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[ServerFactory]:
    """``start(rows, db_name, **options)``: servers over the test shop holding ``rows``,
    one SQLite file per name; all stop at teardown."""
    with ExitStack() as stack:

        def start(
            rows: Iterable[Mapping[str, Any]] = (), db_name: str = "api.sqlite3", **options: Any
        ) -> ServerHandle:
            db_path = tmp_path / db_name
            if not db_path.exists():
                seed_shop(db_path, rows).close()
            return stack.enter_context(start_server(db_path, ServerOptions(**options)))

        yield start
