"""The pages and the wall screen say when the API sent reviews that had to be left out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.apptest import clear_streamlit_caches, point_app_at, run_app
from tests.support.hostile import HostileServer, hostile_server

NOTICE = "3 reviews from the API were malformed and left out"


@pytest.fixture
def hostile_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HostileServer]:
    """The app pointed at an API whose answers hold two good reviews and three broken."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    good = {
        "created_at": yesterday.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "channel": "web",
        "category": "delivery",
        "comment": None,
        "client_id": 5,
        "email": None,
        "phone": None,
    }
    with hostile_server() as server:
        server.reviews = [
            {**good, "id": 1, "rate": 10},
            {**good, "id": 2, "rate": 3},
            {**good, "id": 3, "rate": "abc"},
            {**good, "id": 4, "rate": 11},
            {**good, "id": 5, "rate": 9, "created_at": "yesterday"},
        ]
        point_app_at(monkeypatch, f"{server.url}/rows", "shop", "secret", tmp_path / "data")
        clear_streamlit_caches()
        yield server
        clear_streamlit_caches()


def test_the_overview_warns_and_counts_only_good_reviews(hostile_app: HostileServer) -> None:
    app = run_app()
    assert not app.exception, app.exception
    warnings = [warning.value for warning in app.warning]
    assert any(NOTICE in text and "rate is not an integer" in text for text in warnings), warnings
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown["Responses"] == "2"


def test_the_wallboard_says_so_too(hostile_app: HostileServer) -> None:
    app = run_app("app_pages/wallboard.py")
    assert not app.exception, app.exception
    board = next(e.proto.body for e in app.get("html") if e.proto.body.startswith('<div class="wb'))
    assert f"{NOTICE}." in board
