"""The one reading of the wire format: the fetch layer's table and the client's records."""

from __future__ import annotations

from datetime import UTC, date, datetime

from nps_core.data.cache import STORE_SCHEMA
from nps_core.data.wire_table import review_records, rows_to_table

CURRENT = {
    "id": 1,
    "created_at": "2024-05-01T10:00:00.250Z",
    "channel": "web",
    "category": "delivery",
    "rate": 9,
    "comment": "fine",
    "client_id": 12,
    "email": "a@b.co",
    "phone": None,
}
OLDER = {"id": 2, "score": 4, "client": "u-7", "channel": "sms", "category": "product"}


def test_an_answer_mixing_current_and_older_names_keeps_both() -> None:
    table = rows_to_table([CURRENT, OLDER])
    assert table.schema == STORE_SCHEMA
    assert table.column("rate").to_pylist() == [9, 4]
    assert table.column("client_id").to_pylist() == ["12", "u-7"]


def test_client_ids_beyond_64_bits_stay_exact() -> None:
    huge = 2**64 + 3
    table = rows_to_table([{**CURRENT, "client_id": huge}])
    assert table.column("client_id").to_pylist() == [str(huge)]
    assert review_records([{**CURRENT, "client_id": huge}])[0]["client_id"] == huge


def test_records_follow_the_table() -> None:
    first, second = review_records([CURRENT, {**OLDER, "comment": "", "email": ""}])
    assert first == {
        **CURRENT,
        "created_at": datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC),
    }
    assert second == {
        "id": 2,
        "created_at": None,
        "channel": "sms",
        "category": "product",
        "rate": 4,
        "comment": None,
        "client_id": "u-7",
        "email": None,
        "phone": None,
    }


def test_legacy_rows_take_the_window_day() -> None:
    table = rows_to_table([OLDER], date(2024, 5, 2))
    assert table.column("day").to_pylist() == [date(2024, 5, 2)]
    assert table.column("created_at").null_count == 1
