"""The demo shop: deterministic, realistic, and served like any other shop."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from nps_core.server.demo import (
    DEMO_SHOP_ID,
    create_demo,
    demo_credentials,
    demo_secret,
    generate_reviews,
)
from nps_core.server.runner import start_server
from nps_core.server.store import DAY_MS, Store

TODAY = date(2025, 6, 30)
CYRILLIC = re.compile("[а-яА-ЯёЁ]")


def nps(rates: list[int]) -> float:
    return 100 * (sum(r >= 9 for r in rates) - sum(r <= 6 for r in rates)) / len(rates)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shop_id, secret = create_demo(path, today=TODAY)
    assert (shop_id, secret) == (DEMO_SHOP_ID, demo_secret(1))
    store = Store(path)
    rows = store.all_reviews(DEMO_SHOP_ID)
    store.close()
    return path, rows


def test_size_and_period(demo: tuple[Path, list[dict[str, Any]]]) -> None:
    _, rows = demo
    assert len(rows) == 60_000
    days = {r["created_ms"] // DAY_MS for r in rows}
    first = (TODAY - date(1970, 1, 1)).days - 364
    assert min(days) == first
    assert max(days) == first + 364
    ids = [r["id"] for r in rows]
    stamps = [r["created_ms"] for r in rows]
    assert stamps == sorted(stamps)  # ids follow time
    assert ids == sorted(ids)


def test_same_seed_same_rows(tmp_path: Path, demo: tuple[Path, list[dict[str, Any]]]) -> None:
    _, rows = demo
    again = tmp_path / "again.sqlite3"
    assert create_demo(again, today=TODAY) == (DEMO_SHOP_ID, demo_secret(1))
    store = Store(again)
    assert store.all_reviews(DEMO_SHOP_ID) == rows
    store.close()
    other = tmp_path / "other.sqlite3"
    assert create_demo(other, reviews=2000, seed=2, today=TODAY)[1] != demo_secret(1)
    assert demo_credentials(other) == (DEMO_SHOP_ID, demo_secret(2))
    assert demo_credentials(tmp_path / "absent.sqlite3") is None


def test_peak_days_exceed_the_cap(demo: tuple[Path, list[dict[str, Any]]]) -> None:
    _, rows = demo
    per_day = Counter(r["created_ms"] // DAY_MS for r in rows)
    peaks = [n for n in per_day.values() if n > 1000]
    assert 2 <= len(peaks) <= 3
    assert all(n < 3000 for n in peaks)
    cells = Counter((r["created_ms"] // DAY_MS, r["channel"], r["category"]) for r in rows)
    assert max(cells.values()) < 1000


def test_segments_differ(demo: tuple[Path, list[dict[str, Any]]]) -> None:
    _, rows = demo

    def score(**where: str) -> float:
        return nps([r["rate"] for r in rows if all(r[k] == v for k, v in where.items())])

    assert score(channel="ios_app") > score(channel="email") + 15
    assert score(channel="sms") < score(channel="email") - 15
    assert score(category="support") < score(category="product") - 25
    assert all(1 <= r["rate"] <= 10 for r in rows)


def test_delivery_dip_about_four_months_ago(demo: tuple[Path, list[dict[str, Any]]]) -> None:
    _, rows = demo
    last_day = (TODAY - date(1970, 1, 1)).days
    by_days_ago: dict[int, list[int]] = {}
    for r in rows:
        if r["category"] == "delivery":
            by_days_ago.setdefault(last_day - r["created_ms"] // DAY_MS, []).append(r["rate"])

    def window(newest: int, oldest: int) -> float:
        return nps([x for d in range(newest, oldest + 1) for x in by_days_ago.get(d, [])])

    dip, before, after = window(108, 117), window(130, 160), window(60, 90)
    assert dip < before - 30
    assert dip < after - 30
    assert abs(before - after) < 20


def test_comments(demo: tuple[Path, list[dict[str, Any]]]) -> None:
    _, rows = demo
    comments = [r["comment"] for r in rows]
    empty = sum(c is None for c in comments) / len(rows)
    russian = sum(bool(c and CYRILLIC.search(c)) for c in comments) / len(rows)
    assert 0.28 < empty < 0.42
    assert 0.10 < russian < 0.20
    assert len(set(comments)) > 3000
    delivery_low = [r["comment"] for r in rows if r["category"] == "delivery" and r["rate"] <= 3]
    assert any("courier" in (c or "").lower() or "late" in (c or "") for c in delivery_low)


def test_people_and_retired_segments(demo: tuple[Path, list[dict[str, Any]]]) -> None:
    path, rows = demo
    assert all(r["email"] or r["phone"] for r in rows)
    assert sum(r["client_id"] > 2**53 for r in rows) > 0.99 * len(rows)
    per_person = Counter(
        (r["identity"], r["channel"], r["category"], r["created_ms"] // DAY_MS) for r in rows
    )
    assert max(per_person.values()) == 1  # the replace rule holds in the data too
    kiosk = [r for r in rows if r["channel"] == "kiosk"]
    pickup = [r for r in rows if r["category"] == "pickup"]
    assert kiosk
    assert pickup
    cutoff = max(r["created_ms"] for r in kiosk + pickup)
    assert cutoff < max(r["created_ms"] for r in rows) - 100 * DAY_MS

    with start_server(path) as handle:
        channels = httpx.get(f"{handle.url}/nps/channels", params={"shop_id": "demo"}).json()
        categories = httpx.get(f"{handle.url}/nps/categories", params={"shop_id": "demo"}).json()
    assert [c["code"] for c in channels] == ["email", "web", "sms", "ios_app", "android_app"]
    assert [c["code"] for c in categories] == ["delivery", "product", "support", "checkout"]
    assert all(c["promoter_question"] and c["detractor_success"] for c in categories)


def test_default_period_ends_now(tmp_path: Path) -> None:
    path = tmp_path / "now.sqlite3"
    create_demo(path, reviews=3000, days=30)
    store = Store(path)
    newest = max(r["created_ms"] for r in store.all_reviews(DEMO_SHOP_ID))
    store.close()
    now = datetime.now(UTC).timestamp() * 1000
    assert now - 2 * DAY_MS < newest <= now


def test_peak_day_sets_the_busiest_day() -> None:
    """A big shop's bench asks for peak days of a given size; the rest stays the same."""
    rows = generate_reviews(20_000, today=TODAY, peak_day=3_000)
    per_day = Counter(r["created_ms"] // DAY_MS for r in rows)
    assert len(rows) == 20_000
    assert 2_700 <= max(per_day.values()) <= 3_300
    assert generate_reviews(2_000, today=TODAY) == generate_reviews(
        2_000, today=TODAY, peak_day=None
    )
