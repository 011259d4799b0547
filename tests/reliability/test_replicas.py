"""Two ``serve`` replicas on one PostgreSQL database: nothing lost, duplicates replaced
once, and what either serves is exactly what the database holds.

50 writers spread over both replicas for ``NPS_REPLICA_SECONDS`` (30 s by default; the
figures of longer runs are in bench/README.md), plus 10 writers posting the same
person's review to both at once: the replace rule is the database's unique key, so it
must hold across the processes.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pandas as pd
import pytest

from nps_core.data.client import NpsClient
from nps_core.data.fetch import fetch_reviews
from tests.support.shops import CATEGORIES, CHANNELS, SHOP_ID, SHOP_SECRET, seed_shop
from tests.support.writers import (
    DUPLICATE_EMAIL,
    replicas,
    run_writers,
    shop_load,
    stored_rows,
)

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("NPS_REPLICA_SECONDS", "30"))
# One answer holds the whole run: its reviews are all of one day.
PAGE_LIMIT = 1_000_000
COMPARED = ["id", "channel", "category", "rate", "comment", "client_id", "email", "created_ms"]


def served_frame(url: str, rows: list[dict]) -> pd.DataFrame:
    """The reviews ``fetch_reviews`` gets through ``url`` for the days of ``rows``."""
    days = [datetime.fromtimestamp(r["created_ms"] / 1000, UTC).date() for r in rows]
    with NpsClient(url, SHOP_ID, SHOP_SECRET, timeout=60) as client:
        result = fetch_reviews(client, min(days), max(days), page_limit=PAGE_LIMIT)
    assert result.complete, (result.truncated, result.rejected)
    frame = result.frame.copy()
    frame["created_ms"] = frame["created_at"].astype("int64") // 1_000_000
    return table(frame.to_dict("records"))


def table(rows: list[dict]) -> pd.DataFrame:
    """The compared fields of ``rows`` as plain Python values, by id."""
    frame = pd.DataFrame(rows)[COMPARED].astype(object).sort_values("id", ignore_index=True)
    return frame.where(frame.notna(), None)


def test_two_replicas_lose_nothing_and_agree(pg_url: str) -> None:
    seed_shop(pg_url).close()
    with replicas(pg_url, 2, "--page-limit", str(PAGE_LIMIT)) as urls:
        # The distinct writers over every cell, so that fetch_reviews can prove each
        # answer whole.
        segments = tuple((c, k) for c in CHANNELS for k in CATEGORIES)
        load = shop_load(urls, 50, SECONDS, duplicate_writers=10, segments=segments)
        report = run_writers(load)
        rows = stored_rows(pg_url)
        served = [served_frame(url, rows) for url in urls]

    assert report.errors == []
    assert report.successes >= 500, "too few writes to mean anything"
    # Every accepted distinct review is stored, once.
    emails = [row["email"] for row in rows if row["email"] != DUPLICATE_EMAIL]
    assert len(emails) == len(set(emails))
    assert set(emails) == report.accepted
    # The same person, channel, category and day, through both replicas: one row a day.
    repeated = [row for row in rows if row["email"] == DUPLICATE_EMAIL]
    assert report.duplicate_successes > len(report.duplicate_days) == len(repeated)
    assert {row["rate"] for row in repeated} <= report.duplicate_rates
    # Either replica serves exactly the database's rows.
    expected = table(rows)
    for frame in served:
        assert frame.to_dict("records") == expected.to_dict("records")
