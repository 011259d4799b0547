"""Fixtures of the reliability tests: one server per module over the contract-test shop,
on each kind of database."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from nps_core.server import ServerHandle, Store
from tests.support.databases import (  # each_server_db: the server_db fixture
    each_server_db,  # noqa: F401
    example_server,
)
from tests.support.shops import clear_reviews, stored_reviews


@pytest.fixture(scope="module")
def api(
    server_db: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerHandle]:
    """The default server over the vendor example shop (``serve_example_shops``)."""
    with example_server(server_db, request, tmp_path_factory.mktemp("api")) as handle:
        yield handle


@pytest.fixture
def api_store(api: ServerHandle) -> Store:
    """The module server's store, emptied of reviews before the test."""
    store: Store = api.app.state.store
    clear_reviews(store)
    return store


@pytest.fixture
def http(api: ServerHandle, api_store: Store) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=10) as client:
        yield client


@pytest.fixture
def nothing_stored(api_store: Store) -> Iterator[None]:
    """The test's requests must leave no review behind, in any shop."""
    yield
    assert stored_reviews(api_store) == 0
