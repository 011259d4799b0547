"""Store: schema, upserts, the replace rule and exact client ids."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from functools import partial
from pathlib import Path

from nps_core.server.migrate import current_revision, head_revision
from nps_core.server.store import DAY_MS, Store, client_id_for
from tests.support.databases import ServerDatabases
from tests.support.shops import OTHER_SHOP, SECRET, SHOP
from tests.support.threads import at_once

NOON = 1_700_000_000_000 - 1_700_000_000_000 % DAY_MS + DAY_MS // 2


def test_shop_repr_hides_secret(db_path: Path) -> None:
    store = Store(db_path)
    shop = store.get_shop(SHOP)
    assert shop is not None
    assert shop.secret == SECRET
    assert SECRET not in repr(shop)
    assert store.get_shop("nope") is None
    store.close()


def test_upserts_keep_ids_and_texts(db_path: Path) -> None:
    store = Store(db_path)
    first = store.add_channel(SHOP, "channel_id", "Renamed")
    again = store.add_channel(SHOP, "channel_id", active=False)
    assert first == again
    assert [c.code for c in store.active_channels(SHOP)] == ["email"]
    assert {c.code: c.name for c, _ in store.all_channels(SHOP)}["channel_id"] == "Renamed"
    store.add_category(SHOP, "category_id", promoter_question="New?")
    category = next(c for c in store.active_categories(SHOP) if c.code == "category_id")
    assert category.promoter_question == "New?"
    assert category.detractor_success == "Sorry, we will do better."
    store.close()


def test_replace_rule(db_path: Path) -> None:
    store = Store(db_path)
    kw = {"channel": "email", "category": "support"}
    a = store.create_review(SHOP, rate=3, email="A@x.io", created_ms=NOON, **kw)
    b = store.create_review(SHOP, rate=9, email="a@X.io", created_ms=NOON + 3600_000, **kw)
    assert a == b
    c = store.create_review(SHOP, rate=5, email="a@x.io", created_ms=NOON + DAY_MS, **kw)
    d = store.create_review(OTHER_SHOP, rate=5, email="a@x.io", created_ms=NOON, **kw)
    assert len({a, c, d}) == 3
    rows = store.all_reviews(SHOP)
    assert [(r["id"], r["rate"]) for r in rows] == [(a, 9), (c, 5)]
    assert rows[0]["created_ms"] == NOON + 3600_000
    assert rows[0]["identity"] == "email:a@x.io"
    store.close()


def test_client_id_is_stable_63_bit() -> None:
    values = [client_id_for(SHOP, f"email:user{i}@x.io") for i in range(200)]
    assert all(0 <= v < 2**63 for v in values)
    assert sum(v > 2**53 for v in values) > 190
    assert client_id_for(SHOP, "email:a@b.co") == client_id_for(SHOP, "email:a@b.co")
    assert client_id_for(SHOP, "email:a@b.co") != client_id_for(OTHER_SHOP, "email:a@b.co")


def test_bulk_insert_and_queries(db_path: Path) -> None:
    store = Store(db_path)
    rows = [
        {"created_ms": NOON + i, "channel": "email", "category": "support", "rate": i % 11}
        for i in range(50)
    ]
    rows.append(
        {
            "created_ms": NOON,
            "channel": "x",
            "category": "y",
            "rate": 7,
            "client_id": 1515915625535836508,
            "phone": "+1 555 0100",
        }
    )
    assert store.insert_reviews_bulk(SHOP, rows) == 51
    assert store.count_reviews(SHOP) == 51
    assert store.count_reviews(SHOP, channel="email", start_ms=NOON + 10, end_ms=NOON + 20) == 10
    page = store.query_reviews(SHOP, limit=5)
    assert [r["id"] for r in page] == sorted(r["id"] for r in page)
    assert len(page) == 5
    last = store.all_reviews(SHOP)[-1]
    assert last["client_id"] == 1515915625535836508
    assert last["identity"] == "phone:15550100"
    store.close()


def test_concurrent_duplicates_leave_one_row(db_path: Path) -> None:
    store = Store(db_path)

    def write(rate: int) -> None:
        store.create_review(
            SHOP, channel="email", category="support", rate=rate, did="dev-9", created_ms=NOON
        )

    assert at_once([partial(write, 1 + i % 10) for i in range(16)]) == []
    assert len(store.all_reviews(SHOP)) == 1
    store.close()


def test_rows_as_given_are_stored_and_the_first_is_replaced(db_path: Path) -> None:
    store = Store(db_path)
    same = {"channel": "email", "category": "support", "email": "a@x.io", "created_ms": NOON}
    assert store.insert_reviews_bulk(SHOP, [same | {"rate": 1}, same | {"rate": 2}]) == 2
    assert store.insert_reviews_bulk(SHOP, [same | {"rate": 3}]) == 1
    first = store.all_reviews(SHOP)[0]["id"]
    # Through the API, the same person and day replaces the first row, as always.
    kw = {"channel": "email", "category": "support", "email": "a@x.io"}
    assert store.create_review(SHOP, rate=9, created_ms=NOON + 1, **kw) == first
    assert [r["rate"] for r in store.all_reviews(SHOP)] == [9, 2, 3]
    store.close()


# The schema the server wrote by hand before Alembic (revision 0001), as files hold it.
OLD_SCHEMA = """
CREATE TABLE shops (shop_id TEXT PRIMARY KEY, secret TEXT NOT NULL, name TEXT);
CREATE TABLE channels (id INTEGER PRIMARY KEY, shop_id TEXT NOT NULL REFERENCES shops(shop_id),
    code TEXT NOT NULL, name TEXT, active INTEGER NOT NULL DEFAULT 1, UNIQUE (shop_id, code));
CREATE TABLE categories (id INTEGER PRIMARY KEY,
    shop_id TEXT NOT NULL REFERENCES shops(shop_id), code TEXT NOT NULL, name TEXT,
    active INTEGER NOT NULL DEFAULT 1, promoter_question TEXT, promoter_success TEXT,
    passive_question TEXT, passive_success TEXT, detractor_question TEXT,
    detractor_success TEXT, UNIQUE (shop_id, code));
CREATE TABLE reviews (id INTEGER PRIMARY KEY AUTOINCREMENT, shop_id TEXT NOT NULL,
    created_ms INTEGER NOT NULL, channel TEXT NOT NULL, category TEXT NOT NULL,
    rate INTEGER NOT NULL, comment TEXT, client_id INTEGER, email TEXT, phone TEXT, did TEXT,
    order_id TEXT, loyalty_id TEXT, external_id TEXT, seance TEXT, identity TEXT);
CREATE INDEX reviews_shop_time ON reviews (shop_id, created_ms);
CREATE INDEX reviews_shop_segment_time ON reviews (shop_id, channel, category, created_ms);
CREATE INDEX reviews_shop_identity ON reviews (shop_id, identity, channel, category, created_ms);
"""


def test_a_file_made_before_alembic_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(path)) as con, con:
        con.executescript(OLD_SCHEMA)
        con.execute("INSERT INTO shops VALUES (?, ?, ?)", (SHOP, SECRET, "Old"))
        con.execute("INSERT INTO channels (shop_id, code) VALUES (?, 'email')", (SHOP,))
        con.executemany(
            "INSERT INTO reviews (shop_id, created_ms, channel, category, rate, identity) "
            "VALUES (?, ?, 'email', 'support', ?, ?)",
            [(SHOP, NOON, 3, "did:d1"), (SHOP, NOON + 5, 4, "did:d1"), (SHOP, NOON, 5, None)],
        )
    store = Store(path)
    assert [c.code for c in store.active_channels(SHOP)] == ["email"]
    # The earliest review of the person and day is the one a new one replaces.
    again = store.create_review(
        SHOP, channel="email", category="support", rate=10, did="d1", created_ms=NOON + 9
    )
    assert again == 1
    assert [(r["id"], r["rate"]) for r in store.all_reviews(SHOP)] == [(1, 10), (2, 4), (3, 5)]
    # A new review gets a new id (an upsert that replaced may have used one up).
    assert store.create_review(SHOP, channel="email", category="support", rate=1) > 3
    store.close()
    with closing(sqlite3.connect(path)) as con:
        (version,) = con.execute("SELECT version_num FROM server_alembic_version").fetchone()
    assert version == head_revision()
    Store(path).close()  # opening an up-to-date file again changes nothing


def test_stores_opening_a_new_database_at_once_migrate_it_once(
    server_databases: ServerDatabases,
) -> None:
    target = server_databases("new.sqlite3")
    assert at_once([lambda: Store(target).close()] * 4) == []
    store = Store(target)
    with store.reading() as con:
        assert current_revision(con) == head_revision()
    store.close()
