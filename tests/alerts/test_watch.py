"""The alerts worker over real parts: the bundled server, a webhook receiver on loopback,
the state store on disk, the worker as its own process."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from nps_core.data.state import open_state
from nps_core.server import Store
from tests.support.receivers import webhook_receiver
from tests.support.rows import to_ms
from tests.support.servers import ServerFactory
from tests.support.shops import SHOP_ID
from tests.support.workers import (
    PUBLIC_URL,
    ledger_counts,
    recent,
    run_worker,
    watch_once,
    worker_env,
)

pytestmark = pytest.mark.slow

DETRACTORS = [(5 + 3 * k, k % 7) for k in range(12)]  # (minutes ago, rate)


def seeded_rows() -> list[dict]:
    rows = [
        recent(minutes, rate, comment=f"detractor {k}")
        for k, (minutes, rate) in enumerate(DETRACTORS)
    ]
    rows += [recent(10 + k, 9 + k % 2) for k in range(6)]  # promoters
    rows += [recent(8, 8)]  # a passive
    rows += [recent(60 * 72, 1), recent(60 * 50, 2)]  # detractors older than the 48 h lookback
    return rows


def detractor_keys(folder: Path) -> set[str]:
    """The event keys the worker uses, by the review ids the server gave the rows."""
    store = Store(folder / "api.sqlite3")
    try:
        with store.transaction() as con:
            ids = [
                row[0] for row in con.execute("SELECT id FROM reviews WHERE rate <= 6 ORDER BY id")
            ]
    finally:
        store.close()
    return {str(i) for i in ids}


def test_each_new_detractor_is_announced_once_and_a_restart_resends_nothing(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    server = server_factory(seeded_rows())
    env = worker_env(tmp_path, server)
    with webhook_receiver() as receiver:
        first = run_worker(tmp_path, env, *watch_once(receiver.url()))
        assert first.returncode == 0, first.stderr
        keys = receiver.keys()
        assert len(keys) == len(DETRACTORS)
        assert len(set(keys)) == len(keys)
        again = run_worker(tmp_path, env, *watch_once(receiver.url()))
        assert again.returncode == 0, again.stderr
        assert receiver.keys() == keys  # nothing sent twice
    body = receiver.deliveries[-1].body  # the newest detractor is announced last
    assert body["title"] == "Detractor: 0/10 · Web · Delivery"
    lines = body["message"].splitlines()
    assert lines[0] == "Rate 0 of 10 · Web · Delivery"
    assert lines[2] == "“detractor 0”"
    assert lines[3].startswith(f"Follow up: {PUBLIC_URL}/followup?review=")
    datetime.strptime(lines[1], "%Y-%m-%d %H:%M (UTC)")
    assert ledger_counts(tmp_path) == {"pending": 0, "sent": len(DETRACTORS), "failed": 0}


def test_max_rate_sets_what_counts_as_news(server_factory: ServerFactory, tmp_path: Path) -> None:
    server = server_factory(seeded_rows())
    with webhook_receiver() as receiver:
        args = watch_once(receiver.url(), more=("--max-rate", "2"))
        done = run_worker(tmp_path, worker_env(tmp_path, server), *args)
        assert done.returncode == 0, done.stderr
    rates = sorted(int(d.body["title"].split()[1].split("/")[0]) for d in receiver.deliveries)
    assert rates == sorted(rate for _, rate in DETRACTORS if rate <= 2)


def test_every_destination_gets_every_message(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    server = server_factory([recent(5, 3), recent(6, 4)])
    with webhook_receiver() as one, webhook_receiver() as two:
        args = watch_once(one.url(), two.url("other"))
        done = run_worker(tmp_path, worker_env(tmp_path, server), *args)
        assert done.returncode == 0, done.stderr
        assert sorted(one.keys()) == sorted(two.keys())
        assert len(one.keys()) == 2


# ------------------------------------------------------------------------ control band


def band_rows(today: date) -> list[dict]:
    """Eight weeks of NPS +40 on web × delivery, then a week of detractors there (days
    −6..−3, older than the detractor lookback) while sms × product stays as it was."""
    rows: list[dict] = []
    for k in range(63):
        day = today - timedelta(days=62 - k)
        soured = k >= 56 and day <= today - timedelta(days=3)
        moment = datetime.combine(day, time(1), UTC)
        web = [2] * 10 if soured else [10] * 6 + [8] * 2 + [3] * 2
        if k < 56 or soured:
            rows += [
                {"created_ms": to_ms(moment), "channel": "web", "category": "delivery", "rate": r}
                for r in web
            ]
        rows += [
            {"created_ms": to_ms(moment), "channel": "sms", "category": "product", "rate": r}
            for r in [10] * 6 + [8] * 2 + [3] * 2
        ]
    return rows


def band_deliveries(receiver_keys: list[str | None]) -> Counter[str]:
    return Counter(k.rsplit(":", 1)[-1] for k in receiver_keys if k and k.startswith("band:"))


def test_a_drop_alerts_once_per_episode_and_once_on_recovery(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    today = datetime.now(UTC).date()
    server = server_factory(band_rows(today))
    env = worker_env(tmp_path, server)
    with webhook_receiver() as receiver:
        args = ["watch", "--notify", receiver.url(), "--once"]
        for _ in range(2):  # the second look finds the episode open: no new message
            done = run_worker(tmp_path, env, *args)
            assert done.returncode == 0, done.stderr
        bands = [d.body for d in receiver.deliveries if (d.key or "").startswith("band:")]
        titles = sorted(b["title"] for b in bands)
        assert titles == ["NPS drop: Web · Delivery", "NPS drop: the whole shop"]
        assert band_deliveries(receiver.keys()) == {"open": 2}
        web = next(b for b in bands if "Web" in b["title"])["message"]
        assert "below the lower 99% limit" in web
        assert f"{PUBLIC_URL}/segments?channel=web&category=delivery" in web
        # Web × delivery recovers: many promoters today.
        store = Store(tmp_path / "api.sqlite3")
        store.insert_reviews_bulk(SHOP_ID, [recent(1, 10) for _ in range(150)])
        store.close()
        for _ in range(2):
            done = run_worker(tmp_path, env, *args, "--max-rate", "0")
            assert done.returncode == 0, done.stderr
        assert band_deliveries(receiver.keys()) == {"open": 2, "recovered": 2}
    recovered = [
        d.body["title"] for d in receiver.deliveries if (d.key or "").endswith(":recovered")
    ]
    assert sorted(recovered) == ["NPS recovered: Web · Delivery", "NPS recovered: the whole shop"]


def test_an_episode_opened_just_before_a_crash_is_still_announced(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    server = server_factory(band_rows(datetime.now(UTC).date()))
    # The worker opened the shop's episode, then was killed before recording its message.
    store = open_state(f"sqlite:///{tmp_path / 'data' / 'state.sqlite3'}")
    opened = store.episodes.open(f"{server.url}|{SHOP_ID}", "*", -50.0, 20.0, datetime.now(UTC))
    store.close()
    with webhook_receiver() as receiver:
        done = run_worker(
            tmp_path, worker_env(tmp_path, server), "watch", "--notify", receiver.url(), "--once"
        )
        assert done.returncode == 0, done.stderr
    titles = sorted(
        d.body["title"] for d in receiver.deliveries if (d.key or "").startswith("band:")
    )
    assert titles == ["NPS drop: Web · Delivery", "NPS drop: the whole shop"]
    shop = next(d for d in receiver.deliveries if d.body["title"] == "NPS drop: the whole shop")
    assert (shop.key or "").endswith(f":{opened.id}:open")  # the episode found open, not a new one
