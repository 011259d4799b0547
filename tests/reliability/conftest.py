"""Fixtures of the reliability tests: one server per module over the contract-test shop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nps_core.server.runner import ServerHandle, start_server
from nps_core.server.store import Store
from tests.server.conftest import seed


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """The default server over the vendor example shop (tests.server's seed)."""
    path: Path = tmp_path_factory.mktemp("api") / "nps.sqlite3"
    store = Store(path)
    seed(store)
    store.close()
    with start_server(path) as handle:
        yield handle


@pytest.fixture
def api_store(api: ServerHandle) -> Store:
    """The module server's store, emptied of reviews before the test."""
    store: Store = api.app.state.store
    with store.transaction() as con:
        con.execute("DELETE FROM reviews")
    return store


@pytest.fixture
def http(api: ServerHandle, api_store: Store) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=10) as client:
        yield client


def stored_reviews(store: Store) -> int:
    """Reviews in the database, every shop counted."""
    with store.transaction() as con:
        return int(con.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])


@pytest.fixture
def nothing_stored(api_store: Store) -> Iterator[None]:
    """The test's requests must leave no review behind, in any shop."""
    yield
    assert stored_reviews(api_store) == 0
