"""Arrow's reading of an answer is a shortcut only: the same table and the same reviews
left out as the exact, row-by-row reading, or no reading at all."""

from __future__ import annotations

import json

import pytest

from nps_core.data.answer import parse_json
from nps_core.data.json_table import arrow_reviews
from nps_core.data.wire_table import Answer, raw_table
from tests.test_wire_table import CURRENT as GOOD


def _body(*rows: object) -> bytes:
    return json.dumps(list(rows), ensure_ascii=False).encode()


# Answers Arrow reads: the common shape, and checks made on whole columns.
READ_BY_ARROW = {
    "common": _body(GOOD, {**GOOD, "id": 2, "client_id": None, "comment": "ёж 🦔"}),
    "empty": b"[]",
    "text client ids": _body({**GOOD, "client_id": "u-7"}),
    "extra fields": _body({**GOOD, "client": 12, "score": 9, "extra": {"a": [1]}}),
    "keys missing": _body({"id": 3, "rate": 5, "created_at": GOOD["created_at"]}),
    "rate out of range": _body(GOOD, {**GOOD, "id": 2, "rate": 11}),
    "time missing or bad": _body(
        {**GOOD, "created_at": None}, {**GOOD, "id": 2, "created_at": "yesterday"}
    ),
    "id missing": _body({**GOOD, "id": None}),
}

# Answers left to the exact reading.
READ_ROW_BY_ROW = {
    "older name only": _body({**GOOD, "rate": None, "score": 4}),
    "integral float rate": _body({**GOOD, "rate": 7.0}),
    "rate as text": _body({**GOOD, "rate": "7"}),
    "id beyond 64 bits": _body({**GOOD, "id": 2**64}),
    "client id beyond 64 bits": _body({**GOOD, "client_id": 2**63 + 5}),
    "client ids mixing numbers and text": _body(GOOD, {**GOOD, "id": 2, "client_id": "u-7"}),
    "an item that is no object": _body(GOOD, 5),
    "a null item": _body(GOOD, None),
    "a number as comment": _body({**GOOD, "comment": 5}),
    "lone surrogate": b'[{"id": 1, "rate": 5, "comment": "\\ud800"}]',
    "envelope": json.dumps({"status": "success", "payload": {"reviews": [GOOD]}}).encode(),
    "two documents": b'[{"id": 1}]}{"reviews": [{"id": 2}]',
}


@pytest.mark.parametrize("body", READ_BY_ARROW.values(), ids=READ_BY_ARROW.keys())
def test_arrow_reads_as_the_exact_reading_does(body: bytes) -> None:
    assert arrow_reviews(body) is not None
    for dated in (True, False):
        exact = raw_table(parse_json(body, 200), None, dated=dated)
        fast = Answer(body).read(None, dated=dated)
        assert fast.table.equals(exact.table)
        assert fast.malformed == exact.malformed
    assert len(Answer(body)) == len(parse_json(body, 200))


@pytest.mark.parametrize("body", READ_ROW_BY_ROW.values(), ids=READ_ROW_BY_ROW.keys())
def test_other_answers_are_left_to_the_exact_reading(body: bytes) -> None:
    assert arrow_reviews(body) is None


def test_an_answer_without_times_is_told_by_its_keys() -> None:
    legacy = _body({k: v for k, v in GOOD.items() if k != "created_at"})
    assert not Answer(legacy).dated
    assert Answer(_body({**GOOD, "created_at": None})).dated
    assert Answer(_body(GOOD)).dated
