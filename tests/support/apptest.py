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
    "ACCESS_SECRETS",
    "ADMIN",
    "LINK_KEY",
    "MANAGER",
    "TIMEOUT",
    "VIEWER",
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


# Secrets of a dashboard with sign-in, an access list and screen links, and one account
# of each listed role.
LINK_KEY = "a-test-link-key-of-forty-characters-0001"
ACCESS_SECRETS: dict[str, Any] = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "a-cookie-secret-of-thirty-two-chars",
        "client_id": "nps-dashboard",
        "client_secret": "nps-dashboard-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    },
    "access": {
        "admins": ["boss@shop.com"],
        "managers": ["anna@shop.com"],
        "viewers": ["*@shop.com"],
    },
    "screens": {"link_key": LINK_KEY},
}
VIEWER, MANAGER, ADMIN = "viewer@shop.com", "anna@shop.com", "boss@shop.com"


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
