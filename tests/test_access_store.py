"""The link registry and the access log, in files and in the state store (SQLite and
PostgreSQL), and the loopback rule."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nps_core.access.listen import is_loopback, listen_refusal
from nps_core.access.log import AccessEvent, AccessLog, JsonAccessLog
from nps_core.access.registry import IssuedLink, JsonLinkRegistry, LinkRegistry
from nps_core.access.stored import SqlAccessLog, SqlLinkRegistry
from nps_core.data.state import open_state

WRITERS, LINES = 4, 150

# Where a registry and a log live: ("file", a folder) or ("sql", a state store's URL).
Place = tuple[str, str]


@pytest.fixture(params=["file", "sqlite", "postgresql"])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Place:
    if request.param == "file":
        return ("file", str(tmp_path))
    if request.param == "postgresql":
        return ("sql", str(request.getfixturevalue("pg_url")))
    return ("sql", f"sqlite:///{tmp_path / 'state.sqlite3'}")


def registry_at(place: Place) -> LinkRegistry:
    """A registry at ``place``; each call is another process's view of it."""
    kind, where = place
    if kind == "file":
        return JsonLinkRegistry(Path(where) / "links.json")
    return SqlLinkRegistry(open_state(where).engine)


def log_at(place: Place) -> AccessLog:
    kind, where = place
    if kind == "file":
        return JsonAccessLog(Path(where) / "access.jsonl")
    return SqlAccessLog(open_state(where).engine)


def _link(link_id: str) -> IssuedLink:
    return IssuedLink(link_id, "Support TV", "boss@shop.com", "2026-01-01T00:00:00+00:00", 99)


def _revoke_many(place: Place, writer: int) -> None:
    registry = registry_at(place)
    for n in range(20):
        registry.revoke(f"writer{writer}-{n:02d}")


def _append_many(place: Place, writer: int) -> None:
    log = log_at(place)
    for n in range(LINES):
        log.append(AccessEvent(f"w{writer}@shop.com", "viewer", "Overview", "page", {"n": n}))


def test_links_issued_and_revoked_are_kept(place: Place) -> None:
    registry = registry_at(place)
    assert registry.issued() == []
    assert registry.revoked() == frozenset()
    link = IssuedLink(
        "Abc-defgh123", "TV", "boss@shop.com", "2026-01-01T00:00:00+00:00", 99, {"a": "1"}
    )
    registry.issue(link)
    registry.issue(_link("Second-link-1"))
    registry.revoke("Abc-defgh123")
    registry.revoke("Abc-defgh123")  # twice is once
    again = registry_at(place)  # another process's view
    assert again.issued() == [link, _link("Second-link-1")]
    assert again.is_revoked("Abc-defgh123")
    assert not again.is_revoked("Second-link-1")
    assert again.revoked() == {"Abc-defgh123"}


def test_revocations_from_several_processes_at_once_all_land(place: Place) -> None:
    registry_at(place)  # the state store's schema, made before the race
    with ProcessPoolExecutor(WRITERS) as pool:
        list(pool.map(_revoke_many, [place] * WRITERS, range(WRITERS)))
    assert len(registry_at(place).revoked()) == WRITERS * 20


def test_the_access_log_appends_records_read_back_newest_first(place: Place) -> None:
    log = log_at(place)
    assert log.latest(10) == []
    for n, event in enumerate(("page", "contacts", "export")):
        when = datetime(2026, 1, 1, 12, n, tzinfo=UTC)
        log.append(AccessEvent("anna@shop.com", "manager", "Comments", event, {"n": n}), now=when)
    latest = log.latest(2)
    assert [record["event"] for record in latest] == ["export", "contacts"]
    assert latest[0] == {
        "time": "2026-01-01T12:02:00+00:00",
        "account": "anna@shop.com",
        "role": "manager",
        "page": "Comments",
        "event": "export",
        "detail": {"n": 2},
    }


def test_a_damaged_line_is_skipped_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "access.jsonl"
    log = JsonAccessLog(path)
    log.append(AccessEvent("a@shop.com", "viewer", "Overview", "page"))
    with path.open("a") as out:
        out.write('{"half a line\n')
    log.append(AccessEvent("b@shop.com", "viewer", "Overview", "page"))
    assert [record["account"] for record in log.latest(10)] == ["b@shop.com", "a@shop.com"]


def test_several_processes_append_without_mixing_lines(tmp_path: Path) -> None:
    with ProcessPoolExecutor(WRITERS) as pool:
        list(pool.map(_append_many, [("file", str(tmp_path))] * WRITERS, range(WRITERS)))
    lines = (tmp_path / "access.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == WRITERS * LINES
    records = [json.loads(line) for line in lines]  # every line whole
    _each_in_order(records)


def test_several_replicas_append_to_one_log_in_the_state_store(place: Place) -> None:
    log_at(place)  # the state store's schema, made before the race
    with ProcessPoolExecutor(WRITERS) as pool:
        list(pool.map(_append_many, [place] * WRITERS, range(WRITERS)))
    records = list(reversed(log_at(place).latest(10 * WRITERS * LINES)))
    assert len(records) == WRITERS * LINES
    _each_in_order(records)


def _each_in_order(records: list[dict]) -> None:
    for writer in range(WRITERS):
        mine = [r["detail"]["n"] for r in records if r["account"] == f"w{writer}@shop.com"]
        assert mine == list(range(LINES))  # each writer's lines in its own order


def test_only_known_events_are_logged() -> None:
    with pytest.raises(ValueError, match="unknown access event"):
        AccessEvent("a@shop.com", "viewer", "Overview", "password")


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
        ("", False),
        (None, False),  # unset: Streamlit listens on every interface
    ],
)
def test_loopback_addresses(address: str | None, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def test_without_sign_in_only_loopback_is_allowed() -> None:
    assert listen_refusal("127.0.0.1", auth_configured=False) is None
    assert listen_refusal("0.0.0.0", auth_configured=True) is None
    assert listen_refusal(None, auth_configured=True) is None
    reason = listen_refusal("0.0.0.0", auth_configured=False)
    assert reason is not None
    assert "on 0.0.0.0 without sign-in" in reason
    assert "[auth]" in reason
    assert "every network interface" in (listen_refusal(None, auth_configured=False) or "")
