"""The reviews JSON that the database writes (SQLite's json_object, PostgreSQL's to_json)
equals the same objects written by Python."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nps_core.server.store import Store
from tests.support.postgres import PgCluster, pg_database

EPOCH = datetime(1970, 1, 1)


def iso_ms(ms: int) -> str:
    """The vendor's format, by plain integer date arithmetic: 2023-07-21T02:35:06.374Z."""
    return (EPOCH + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds") + "Z"


def expected(row: dict, legacy: bool) -> dict:
    if legacy:
        keys = ("id", "client", "rate", "channel", "category", "comment")
        return {k: row["client_id"] if k == "client" else row[k] for k in keys}
    return {
        "id": row["id"],
        "channel": row["channel"],
        "category": row["category"],
        "rate": row["rate"],
        "comment": row["comment"],
        "client_id": row["client_id"],
        "client": row["client_id"],
        "email": row["email"],
        "phone": row["phone"],
        "created_at": iso_ms(row["created_ms"]),
    }


text = st.text(max_size=30) | st.none()
rows = st.lists(
    st.fixed_dictionaries(
        {
            "created_ms": st.integers(-(10**12), 4 * 10**12),
            "channel": st.sampled_from(["email", "web"]),
            "category": st.sampled_from(["delivery", "product"]),
            "rate": st.integers(0, 10),
            "comment": text.filter(lambda c: c is None or (c != "" and "\x00" not in c)),
            "client_id": st.integers(0, 2**63 - 1) | st.none(),
            "email": text,
            "phone": text,
        }
    ),
    max_size=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows, legacy=st.booleans())
def test_sql_json_matches_python(tmp_path_factory, rows, legacy):
    store = Store(tmp_path_factory.mktemp("db") / "api.sqlite3")
    try:
        check_json(store, "s", rows, legacy)
    finally:
        store.close()


def check_json(store: Store, shop_id: str, rows: list[dict], legacy: bool) -> None:
    store.add_shop(shop_id, "secret")
    store.insert_reviews_bulk(shop_id, rows)
    stored = store.query_reviews(shop_id)
    got = json.loads(store.reviews_json(shop_id, legacy=legacy))
    assert got == [expected(row, legacy) for row in stored]
    # Exact integers survive in the raw text too (no float round trip).
    assert all(isinstance(item["client"], int | None) for item in got)


@pytest.fixture(scope="module")
def pg_store(pg: PgCluster) -> Iterator[Store]:
    """One PostgreSQL database for every example (each in a shop of its own)."""
    with pg_database(pg) as url:
        store = Store(url)
        yield store
        store.close()


shop_ids = itertools.count(1)


def without_nul(rows: list[dict]) -> bool:
    return not any("\x00" in (row[f] or "") for row in rows for f in ("email", "phone"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# PostgreSQL's text holds no NUL character (the API refuses it anyway).
@given(rows=rows.filter(without_nul), legacy=st.booleans())
def test_postgresql_json_matches_python(pg_store, rows, legacy):
    check_json(pg_store, f"s{next(shop_ids)}", rows, legacy)
