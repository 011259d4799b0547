"""Two dashboard processes on one state store behave as one: every save of a follow-up
is checked against the version it read, across processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from nps_core.data.state import Change, VersionConflict, open_state

SOURCE = "http://api.test|shop-1"
REVIEW = 42
EDITS = 40


def edit_until_saved(state_url: str, who: str, start: Barrier, out: Queue) -> None:
    """A manager's session adding ``EDITS`` lines to one note; on a conflict it reads the
    stored note again and re-applies its line, as the page offers. Puts the conflicts it
    met on ``out``."""
    store = open_state(state_url)
    conflicts = 0
    start.wait()
    try:
        for k in range(EDITS):
            seen = store.followups.get(SOURCE, REVIEW)
            while True:
                line = f"{who}-{k}"
                note = f"{seen.note}\n{line}" if seen.note else line
                try:
                    store.followups.save(SOURCE, seen, Change(note=note, owner=who), who)
                    break
                except VersionConflict as conflict:
                    conflicts += 1
                    seen = conflict.current
    finally:
        store.close()
    out.put(conflicts)


def test_two_processes_editing_one_follow_up_lose_nothing(state_url: str) -> None:
    open_state(state_url).close()  # the schema, made before the race
    context = multiprocessing.get_context("spawn")
    start, out = context.Barrier(2), context.Queue()
    sessions = [
        context.Process(target=edit_until_saved, args=(state_url, who, start, out))
        for who in ("ann", "bob")
    ]
    for session in sessions:
        session.start()
    conflicts = [out.get(timeout=120) for _ in sessions]
    for session in sessions:
        session.join(30)
        assert session.exitcode == 0
    store = open_state(state_url)
    try:
        final = store.followups.get(SOURCE, REVIEW)
    finally:
        store.close()
    lines = (final.note or "").splitlines()
    expected = {f"{who}-{k}" for who in ("ann", "bob") for k in range(EDITS)}
    assert sorted(lines) == sorted(expected)  # every edit kept, none twice
    assert final.version == 2 * EDITS  # one version per saved edit
    assert sum(conflicts) > 0, "the two sessions never raced: the test proved nothing"
