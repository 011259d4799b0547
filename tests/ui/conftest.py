"""AppTest fixtures: pages run in-process against the bundled server over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from nps_core.server.demo import create_demo
from nps_core.server.runner import ServerHandle, start_server

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DEMO_REVIEWS = 20_000
TIMEOUT = 60


@pytest.fixture(scope="session")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerHandle, str, str]]:
    db_path = tmp_path_factory.mktemp("ui-api") / "demo.sqlite3"
    shop_id, secret = create_demo(db_path, reviews=DEMO_REVIEWS)
    with start_server(db_path) as server:
        yield server, shop_id, secret


def clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


AppFactory = Callable[..., AppTest]


@pytest.fixture
def app_factory(
    demo_api: tuple[ServerHandle, str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[AppFactory]:
    """``make(page, **query)``: the app (on ``page``, with URL ``query``) over the demo API."""
    server, shop_id, secret = demo_api
    monkeypatch.setenv("NPS_API_URL", server.url)
    monkeypatch.setenv("NPS_SHOP_ID", shop_id)
    monkeypatch.setenv("NPS_SHOP_SECRET", secret)
    monkeypatch.setenv("NPS_DATA_DIR", str(tmp_path / "data"))
    clear_streamlit_caches()

    def make(page: str | None = None, **query: str) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=TIMEOUT)
        for key, value in query.items():
            app.query_params[key] = value
        app.run()
        if page is not None:
            app.switch_page(page)
            app.run()
        return app

    yield make
    clear_streamlit_caches()
