"""Review rows for the test shop (``seed_shop``), random but seeded: what fetches are
checked against.

Rows are as ``Store.insert_reviews_bulk`` takes them; days from ``DAY0``, and ``CAP``
the page limit that the servers of these tests are started with.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd

from nps_core import rows_to_table, table_to_frame
from tests.support.shops import CATEGORIES, CHANNELS

__all__ = ["CAP", "DAY0", "random_rows", "review_frame", "review_row", "to_ms", "wire_review"]

DAY0 = date(2025, 3, 1)
CAP = 25


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def random_rows(seed: int, days: int = 24, *, hot_cell: bool = False) -> list[dict]:
    """Reviews over ``days`` days from DAY0: sparse days, dense days, big client ids.

    With ``hot_cell`` one day × channel × category holds more than CAP reviews.
    """
    rng = random.Random(seed)
    rows = []
    for offset in range(days):
        day = DAY0 + timedelta(days=offset)
        count = rng.choice([0, 1, 3, 8, 15, 40, 70])
        for _ in range(count):
            moment = datetime.combine(day, time(), UTC) + timedelta(
                milliseconds=rng.randrange(86_400_000)
            )
            rows.append(review_row(rng, moment))
    if hot_cell:
        day = DAY0 + timedelta(days=rng.randrange(2, days - 2))
        for _ in range(CAP + 5):
            moment = datetime.combine(day, time(12), UTC) + timedelta(seconds=rng.randrange(3600))
            rows.append(review_row(rng, moment, channel="web", category="product"))
    return rows


def review_row(rng: random.Random, moment: datetime, **fixed: str) -> dict:
    rate = rng.randrange(0, 11)
    return {
        "created_ms": to_ms(moment),
        "channel": fixed.get("channel") or rng.choice(CHANNELS),
        "category": fixed.get("category") or rng.choice(CATEGORIES),
        "rate": rate,
        "comment": rng.choice([None, "", "fine", "слишком долго", f"note {rate}"]),
        "client_id": rng.randrange(2**62, 2**63 - 1),
        "email": rng.choice([None, f"u{rng.randrange(999)}@example.com"]),
        "phone": rng.choice([None, f"+7999{rng.randrange(10**6, 10**7)}"]),
    }


def wire_review(review_id: int, moment: datetime, rate: int, **fields: object) -> dict:
    """A review as the API sends it (``fields``: channel, category, comment, contacts)."""
    return {
        "id": review_id,
        "created_at": moment.astimezone(UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "channel": "web",
        "category": "delivery",
        "rate": rate,
        "comment": None,
        "client_id": None,
        "email": None,
        "phone": None,
        **fields,
    }


def review_frame(reviews: list[dict], tz: str = "UTC") -> pd.DataFrame:
    """The review frame of wire ``reviews``, read as the fetch layer reads an answer."""
    return table_to_frame(rows_to_table(reviews), tz)
