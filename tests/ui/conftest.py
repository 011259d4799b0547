"""AppTest fixtures: pages run in-process against the bundled server over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nps_core.server import create_demo, start_server
from tests.support.apptest import (
    AppFactory,
    DemoApi,
    clear_streamlit_caches,
    point_app_at,
    run_app,
)

DEMO_REVIEWS = 20_000


@pytest.fixture(scope="session")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoApi]:
    db_path = tmp_path_factory.mktemp("ui-api") / "demo.sqlite3"
    shop_id, secret = create_demo(db_path, reviews=DEMO_REVIEWS)
    with start_server(db_path) as server:
        yield server, shop_id, secret


@pytest.fixture
def app_factory(
    demo_api: DemoApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[AppFactory]:
    """``make(page, **query)``: the app (on ``page``, with URL ``query``) over the demo API."""
    server, shop_id, secret = demo_api
    point_app_at(monkeypatch, server.url, shop_id, secret, tmp_path / "data")
    clear_streamlit_caches()
    yield run_app
    clear_streamlit_caches()
