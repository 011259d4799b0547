"""The reviews JSON that SQLite writes equals the same objects written by Python."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nps_core.server.store import Store

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
    store.add_shop("s", "secret")
    store.insert_reviews_bulk("s", rows)
    stored = store.query_reviews("s")
    got = json.loads(store.reviews_json("s", legacy=legacy))
    store.close()
    assert got == [expected(row, legacy) for row in stored]
    # Exact integers survive in the raw text too (no float round trip).
    assert all(isinstance(item["client"], int | None) for item in got)
