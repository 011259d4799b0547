"""The state store over a real SQLite file and a real PostgreSQL database: migrations,
follow-ups with versions, the alert ledger, leases and control-band episodes."""

from __future__ import annotations

import argparse
import io
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import PrimaryKeyConstraint, inspect

from nps_core.data.state import Backoff, Change, FollowUp, StateStore, VersionConflict, open_state
from nps_core.data.state.database import alembic_config, current_revision, head_revision
from nps_core.data.state.schema import metadata
from tests.support.threads import at_once

SOURCE = "http://api.test|shop-1"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(state_url: str) -> StateStore:
    opened = open_state(state_url)
    yield opened
    opened.close()


# ------------------------------------------------------------------------- migrations


def test_upgrade_from_empty_creates_the_schema_at_head(state_url: str) -> None:
    store = open_state(state_url)
    try:
        tables = set(inspect(store.engine).get_table_names())
        assert {
            "followups",
            "alert_events",
            "alert_episodes",
            "leases",
            "alembic_version",
        } <= tables
        assert current_revision(store.engine) == head_revision()
    finally:
        store.close()


def test_the_migrations_build_exactly_the_declared_schema(store: StateStore) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_constraints_and_indexes_have_the_declared_names(store: StateStore) -> None:
    found = inspect(store.engine)
    for table in metadata.sorted_tables:
        names = {c["name"] for c in found.get_check_constraints(table.name)}
        names |= {c["name"] for c in found.get_unique_constraints(table.name)}
        names |= {i["name"] for i in found.get_indexes(table.name)}
        declared = {c.name for c in table.constraints if not isinstance(c, PrimaryKeyConstraint)}
        declared |= {i.name for i in table.indexes}
        assert names == declared, table.name


def test_the_same_migrations_render_for_postgresql() -> None:
    config = alembic_config()
    config.output_buffer = io.StringIO()
    config.cmd_opts = argparse.Namespace(x=["url=postgresql://nps@db.invalid/nps"])
    command.upgrade(config, "head", sql=True)
    ddl = config.output_buffer.getvalue()
    assert "CREATE TABLE followups" in ddl
    assert "CONSTRAINT ck_followups_status CHECK" in ddl
    assert (
        "CREATE UNIQUE INDEX uq_alert_episodes_open ON alert_episodes (source, segment) WHERE closed_at IS NULL"
        in ddl
    )
    assert "TIMESTAMP WITHOUT TIME ZONE" in ddl


def test_downgrade_to_nothing_and_up_again(state_url: str) -> None:
    store = open_state(state_url)
    with store.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(store.engine).get_table_names()) == {"alembic_version"}
    store.close()
    again = open_state(state_url)
    assert current_revision(again.engine) == head_revision()
    again.close()


def test_reopening_is_idempotent_and_keeps_the_data(state_url: str) -> None:
    first = open_state(state_url)
    saved = first.followups.save(SOURCE, FollowUp(7), Change(owner="ann"), "ann")
    first.close()
    for _ in range(2):
        again = open_state(state_url)
        assert current_revision(again.engine) == head_revision()
        assert again.followups.get(SOURCE, 7) == saved
        again.close()


def test_processes_opening_a_new_store_at_once_all_succeed(state_url: str) -> None:
    assert at_once([lambda: open_state(state_url).close()] * 4) == []


# -------------------------------------------------------------------------- follow-ups


def test_a_review_without_a_follow_up_reads_as_new_version_zero(store: StateStore) -> None:
    assert store.followups.get(SOURCE, 1) == FollowUp(1)


def test_saves_bump_the_version_and_keep_the_first_contact(store: StateStore) -> None:
    f = store.followups
    first = f.save(SOURCE, FollowUp(1), Change(owner="ann"), "ann", now=T0)
    assert (first.version, first.status, first.first_contacted_at) == (1, "new", None)
    contacted = f.save(
        SOURCE, first, Change(status="contacted"), "ann", now=T0 + timedelta(hours=3)
    )
    assert contacted.first_contacted_at == T0 + timedelta(hours=3)
    resolved = f.save(
        SOURCE,
        contacted,
        Change(status="resolved", note="refund"),
        "ann",
        now=T0 + timedelta(days=1),
    )
    assert resolved.first_contacted_at == T0 + timedelta(hours=3)
    assert f.get(SOURCE, 1) == resolved
    assert resolved.version == 3
    assert resolved.created_at == T0


def test_an_empty_value_clears_a_field(store: StateStore) -> None:
    saved = store.followups.save(SOURCE, FollowUp(1), Change(owner="ann", note="x"), "ann")
    cleared = store.followups.save(SOURCE, saved, Change(owner="", note=""), "ann")
    assert (cleared.owner, cleared.note) == (None, None)
    assert store.followups.get(SOURCE, 1).owner is None


def test_the_second_of_two_saves_from_the_same_version_conflicts(
    state_url: str, store: StateStore
) -> None:
    other = open_state(state_url)  # a second dashboard process
    try:
        seen = store.followups.save(SOURCE, FollowUp(5), Change(owner="ann"), "ann")
        store.followups.save(SOURCE, seen, Change(status="contacted"), "ann")
        with pytest.raises(VersionConflict) as caught:
            other.followups.save(SOURCE, seen, Change(note="called, no answer"), "bob")
    finally:
        other.close()
    conflict = caught.value
    assert conflict.change == Change(note="called, no answer")  # the user's input, kept
    assert conflict.changed == ["status"]
    assert "ann changed this follow-up first" in conflict.message
    assert "status contacted" in conflict.message
    assert "Your change (note) was not saved" in conflict.message
    assert store.followups.get(SOURCE, 5).note is None
    # Applied again over what is stored now, it goes through.
    again = store.followups.save(SOURCE, conflict.current, conflict.change, "bob")
    assert (again.status, again.note, again.version) == ("contacted", "called, no answer", 3)


def test_two_first_saves_of_the_same_review_conflict(store: StateStore) -> None:
    store.followups.save(SOURCE, FollowUp(9), Change(owner="ann"), "ann")
    with pytest.raises(VersionConflict) as caught:
        store.followups.save(SOURCE, FollowUp(9), Change(owner="bob"), "bob")
    assert caught.value.current.owner == "ann"


def test_bulk_assign_saves_each_and_reports_the_conflicts(store: StateStore) -> None:
    stale = FollowUp(2)
    store.followups.save(SOURCE, stale, Change(status="contacted"), "ann")
    results = store.followups.save_many(
        SOURCE,
        [
            (FollowUp(1), Change(owner="bob")),
            (stale, Change(owner="bob")),
            (FollowUp(3), Change(owner="bob")),
        ],
        "bob",
    )
    assert [type(r).__name__ for r in results] == ["FollowUp", "VersionConflict", "FollowUp"]
    assert {k: v.owner for k, v in store.followups.get_many(SOURCE, [1, 2, 3]).items()} == {
        1: "bob",
        2: None,
        3: "bob",
    }


def test_shops_never_share_follow_ups(store: StateStore) -> None:
    store.followups.save(SOURCE, FollowUp(1), Change(owner="ann"), "ann")
    assert store.followups.get("http://api.test|shop-2", 1) == FollowUp(1)


def test_a_change_is_checked_before_it_is_saved() -> None:
    with pytest.raises(ValueError, match="status"):
        Change(status="done")
    with pytest.raises(ValueError, match="note"):
        Change(note="x" * 5000)


# ------------------------------------------------------------------------------ ledger


def test_recording_the_same_event_twice_records_it_once(store: StateStore) -> None:
    assert store.ledger.record("d:1", "detractor", {"title": "t"}, ["a", "b"], now=T0) == 2
    assert store.ledger.record("d:1", "detractor", {"title": "t"}, ["a", "b", "c"], now=T0) == 1
    assert store.ledger.counts() == {"pending": 3, "sent": 0, "failed": 0}
    assert store.ledger.known({"d:1", "d:2"}, "a") == {"d:1"}


def test_a_sent_row_is_never_due_again_and_an_interrupted_one_is_in_doubt(
    store: StateStore,
) -> None:
    ledger = store.ledger
    ledger.record("d:1", "detractor", {}, ["a"], now=T0)
    ledger.record("d:2", "detractor", {}, ["a"], now=T0)
    first, second = ledger.due(["a"], T0)
    ledger.start_attempt(first, T0)
    ledger.mark_sent(first, T0)
    ledger.start_attempt(second, T0)  # ...and the worker is killed here
    (left,) = ledger.due(["a"], T0 + timedelta(seconds=1))
    assert left.event_key == "d:2"
    assert left.in_doubt
    assert left.attempts == 1


def test_failures_back_off_exponentially_then_give_up(state_url: str) -> None:
    store = open_state(state_url, Backoff(base=timedelta(seconds=30), max_attempts=4))
    try:
        ledger = store.ledger
        ledger.record("d:1", "detractor", {}, ["a"], now=T0)
        delays, now = [], T0
        for _ in range(4):
            (row,) = ledger.due(["a"], now)
            failed = ledger.mark_failed(ledger.start_attempt(row, now), "HTTP 500", now)
            delays.append((failed.next_attempt_at - now).total_seconds())
            assert ledger.due(["a"], now) == []
            now = failed.next_attempt_at
        assert delays == [30, 60, 120, 240]
        assert failed.status == "failed"
        assert ledger.counts()["failed"] == 1
        assert [r.last_error for r in ledger.troubles()] == ["HTTP 500"]
    finally:
        store.close()


# ------------------------------------------------------------------------------ leases


def test_a_lease_has_one_holder_until_it_expires(store: StateStore) -> None:
    leases, ttl = store.leases, timedelta(seconds=60)
    assert leases.acquire("deliver:a", "w1", ttl, T0)
    assert not leases.acquire("deliver:a", "w2", ttl, T0 + timedelta(seconds=30))
    assert leases.acquire("deliver:a", "w1", ttl, T0 + timedelta(seconds=50))  # renewed
    assert not leases.acquire("deliver:a", "w2", ttl, T0 + timedelta(seconds=100))
    assert leases.acquire("deliver:a", "w2", ttl, T0 + timedelta(seconds=111))  # expired
    assert leases.current("deliver:a").holder == "w2"
    leases.release("deliver:a", "w1")  # not its holder: nothing happens
    assert leases.current("deliver:a").holder == "w2"
    leases.release("deliver:a", "w2")
    assert leases.acquire("deliver:a", "w3", ttl, T0 + timedelta(seconds=112))


def test_of_many_workers_racing_for_a_lease_exactly_one_wins(state_url: str) -> None:
    stores = [open_state(state_url) for _ in range(6)]
    won: list[str] = []

    def race(i: int) -> None:
        if stores[i].leases.acquire("deliver:x", f"w{i}", timedelta(minutes=1)):
            won.append(f"w{i}")

    assert at_once([partial(race, i) for i in range(len(stores))]) == []
    for opened in stores:
        opened.close()
    assert len(won) == 1


# ---------------------------------------------------------------------------- episodes


def test_a_segment_has_one_open_episode_at_a_time(store: StateStore) -> None:
    episodes = store.episodes
    first = episodes.open(SOURCE, "web|delivery", -20.0, -5.0, T0)
    again = episodes.open(SOURCE, "web|delivery", -25.0, -5.0, T0 + timedelta(minutes=1))
    assert again.id == first.id  # a second worker finds the one already open
    assert set(episodes.open_ones(SOURCE)) == {"web|delivery"}
    assert episodes.close(first, 10.0, T0 + timedelta(days=1))
    assert not episodes.close(first, 11.0, T0 + timedelta(days=1))  # closed once
    assert episodes.open_ones(SOURCE) == {}
    later = episodes.open(SOURCE, "web|delivery", -30.0, -5.0, T0 + timedelta(days=2))
    assert later.id != first.id


def test_a_plain_postgresql_url_means_psycopg_3(pg_url: str) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    opened = open_state(plain)
    try:
        assert opened.engine.dialect.driver == "psycopg"
        assert current_revision(opened.engine) == head_revision()
    finally:
        opened.close()
