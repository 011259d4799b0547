"""Fixtures of the server tests: a real SQLite file and uvicorn on a loopback port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from nps_core.server.options import ServerOptions
from nps_core.server.runner import ServerHandle, start_server
from nps_core.server.store import Store, now_ms

# The vendor page's example shop.
SHOP = "0d42fd8b713d0752776ca589cc0056"
SECRET = "0123456789abcdef0123456789abcdef"
OTHER_SHOP = "other-shop"
OTHER_SECRET = "other-secret"

TEXTS = {
    "promoter_question": "What did you like most?",
    "promoter_success": "Thank you!",
    "passive_question": "What would make it a 10?",
    "passive_success": "Thanks for the feedback.",
    "detractor_question": "What went wrong?",
    "detractor_success": "Sorry, we will do better.",
}

Start = Callable[..., ServerHandle]


def seed(store: Store) -> None:
    """The vendor example shop (channel_id / category_id), plus more and a second shop."""
    store.add_shop(SHOP, SECRET, "Example shop")
    store.add_channel(SHOP, "channel_id", "Example channel")
    store.add_channel(SHOP, "email", "Email")
    store.add_channel(SHOP, "kiosk", "Kiosk", active=False)
    store.add_category(SHOP, "category_id", "Example category", **TEXTS)
    store.add_category(SHOP, "support", "Support", **TEXTS)
    store.add_category(SHOP, "pickup", "Pickup", active=False, **TEXTS)
    store.add_shop(OTHER_SHOP, OTHER_SECRET)
    store.add_channel(OTHER_SHOP, "web")
    store.add_category(OTHER_SHOP, "product")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "nps.sqlite3"
    store = Store(path)
    seed(store)
    store.close()
    return path


@pytest.fixture
def start(db_path: Path) -> Iterator[Start]:
    """Start a server on the seeded database with the given ServerOptions fields."""
    with ExitStack() as stack:

        def run(**options: Any) -> ServerHandle:
            return stack.enter_context(start_server(db_path, ServerOptions(**options)))

        yield run


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """One default server per test module: starting and stopping costs ~0.2 s each."""
    path = tmp_path_factory.mktemp("shared") / "nps.sqlite3"
    store = Store(path)
    seed(store)
    store.close()
    with start_server(path) as handle:
        yield handle


@pytest.fixture
def server(shared_server: ServerHandle) -> Iterator[ServerHandle]:
    """The module's default server, with no reviews and the real clock at test start."""
    store: Store = shared_server.app.state.store
    with store.transaction() as con:
        con.execute("DELETE FROM reviews")
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


def review(**fields: Any) -> dict[str, Any]:
    """A valid create body for the example shop; keyword arguments override fields."""
    body: dict[str, Any] = {
        "shop_id": SHOP,
        "shop_secret": SECRET,
        "channel": "channel_id",
        "category": "category_id",
        "rate": 8,
        "comment": "ok thanks",
        "email": "john.doe@examplemail.com",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not ...}


def assert_error(response: httpx.Response, status: int, *words: str) -> str:
    """The contract's error body with `status`; returns the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "message", "payload"}
    assert body["status"] == "error"
    assert isinstance(body["message"], str)
    assert body["message"]
    assert body["payload"] == {"message": body["message"]}
    assert "Traceback" not in response.text
    for word in words:
        assert word in body["message"], body["message"]
    return body["message"]
