"""Concurrent writers against a server in its own process: no error, no lost review."""

from __future__ import annotations

import pytest

from tests.support.databases import ServerDatabases
from tests.support.writers import DUPLICATE_EMAIL, write_concurrently

pytestmark = pytest.mark.slow


def test_writers_lose_nothing_and_duplicates_replace(server_databases: ServerDatabases) -> None:
    report, rows = write_concurrently(
        server_databases("writers.sqlite3"), writers=20, seconds=3, duplicate_writers=5
    )
    assert report.errors == []
    assert report.successes >= 100, "too few writes to mean anything"
    emails = [row["email"] for row in rows]
    assert len(set(emails)) == len(emails)
    # Every accepted distinct review is stored: the count equals the successful answers.
    assert len(rows) - emails.count(DUPLICATE_EMAIL) == report.successes
    # The same person, channel, category and day: one row (per UTC day the run touched),
    # holding one of the rates sent.
    repeated = [row for row in rows if row["email"] == DUPLICATE_EMAIL]
    assert report.duplicate_successes > len(report.duplicate_days) == len(repeated)
    assert {row["rate"] for row in repeated} <= report.duplicate_rates
