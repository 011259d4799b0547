"""The app run in-process by Streamlit's AppTest, against a bundled server over HTTP.

The app reads its API and data folder from the environment (``point_app_at``), and its
caches live in the process: tests clear them so no run sees another's reviews.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from nps_core.server import ServerHandle, create_demo, start_server
from tests.support.paths import APP

__all__ = [
    "TIMEOUT",
    "AppFactory",
    "DemoApi",
    "clear_streamlit_caches",
    "point_app_at",
    "run_app",
    "signed_in",
    "small_api",
]

TIMEOUT = 60
# The demo API of the AppTest fixtures: the server, its shop id and secret.
DemoApi = tuple[ServerHandle, str, str]
# ``make(page, **query)``: the app_factory fixture's ``run_app``.
AppFactory = Callable[..., AppTest]


def clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def point_app_at(
    monkeypatch: pytest.MonkeyPatch, url: str, shop_id: str, secret: str, data_dir: Path
) -> None:
    monkeypatch.setenv("NPS_API_URL", url)
    monkeypatch.setenv("NPS_SHOP_ID", shop_id)
    monkeypatch.setenv("NPS_SHOP_SECRET", secret)
    monkeypatch.setenv("NPS_DATA_DIR", str(data_dir))


def run_app(
    page: str | None = None,
    *,
    secrets: Mapping[str, Any] | None = None,
    user: Mapping[str, Any] | None = None,
    **query: str,
) -> AppTest:
    """The app run once with URL ``query``; then switched to ``page`` and run, if given.

    ``secrets`` are the app's ``st.secrets`` (none: no secrets, as without a file);
    ``user`` is what ``st.user`` holds (a signed-in account: ``signed_in(email)``).
    """
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.secrets.update(secrets or {})
    if user is not None:
        app.user = dict(user)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page is not None:
        app.switch_page(page)
        app.run()
    return app


def signed_in(email: str) -> dict[str, Any]:
    """``st.user`` of an account signed in through OpenID Connect, as Streamlit fills it."""
    return {"is_logged_in": True, "email": email, "name": email.split("@")[0], "sub": email}


@contextmanager
def small_api(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Iterator[ServerHandle]:
    """A small demo shop of its own (3,000 reviews over 30 days), served while in the
    block, with the app pointed at it and its caches cleared: for tests that stop it."""
    db_path = folder / "small.sqlite3"
    shop_id, secret = create_demo(db_path, reviews=3000, days=30)
    clear_streamlit_caches()
    with start_server(db_path) as server:
        point_app_at(monkeypatch, server.url, shop_id, secret, folder / "data")
        yield server
