"""Fixtures shared by the whole suite: the bundled server on a loopback port."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from nps_core.server.options import ServerOptions
from nps_core.server.runner import ServerHandle, start_server
from nps_core.server.store import Store

SHOP_ID = "shop-1"
SHOP_SECRET = "test-secret-8f3a9c"
CHANNELS = ("email", "web", "sms")
CATEGORIES = ("delivery", "product")

ServerFactory = Callable[..., ServerHandle]


def seed_shop(
    db_path: Path,
    rows: Iterable[Mapping[str, Any]] = (),
    *,
    shop_id: str = SHOP_ID,
    secret: str = SHOP_SECRET,
) -> Store:
    """A shop with three channels and two categories, holding ``rows``."""
    store = Store(db_path)
    store.add_shop(shop_id, secret, name="Test shop")
    for code in CHANNELS:
        store.add_channel(shop_id, code, name=code.title())
    for code in CATEGORIES:
        store.add_category(
            shop_id,
            code,
            name=code.title(),
            promoter_question="What did you like?",
            promoter_success="Thank you!",
            passive_question="What would make it a 10?",
            passive_success="Thanks for the feedback.",
            detractor_question="What went wrong?",
            detractor_success="Sorry, we will do better.",
        )
    rows = list(rows)
    if rows:
        store.insert_reviews_bulk(shop_id, rows)
    return store


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[ServerFactory]:
    """Start servers over one SQLite file per test; all stop at teardown."""
    with ExitStack() as stack:

        def start(
            rows: Iterable[Mapping[str, Any]] = (), db_name: str = "api.sqlite3", **options: Any
        ) -> ServerHandle:
            db_path = tmp_path / db_name
            if not db_path.exists():
                seed_shop(db_path, rows).close()
            return stack.enter_context(start_server(db_path, ServerOptions(**options)))

        yield start


def require_tool(path: str) -> None:
    """Skip without a tool locally; under CI a missing tool is a failure."""
    if not os.path.exists(path):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is required under CI (make test installs it)")
        pytest.skip(f"{path} is not installed")
