"""API review objects as the store's Arrow table: the one reading of the wire format.

Every variant the contract lists is read here — ``rate`` or ``score``, ``client_id`` or
``client`` (``contract.wire.REVIEW_ALIASES``), missing ``created_at`` or ``comment``,
ids sent as text, client ids beyond 2**53 (kept exact, never through a float). The fetch
layer turns each answer into a raw table in its workers and finishes them all at once
(``raw_table``, then ``store_table``); ``NpsClient.reviews`` reads the same table back
as records (``review_records``), so both paths follow the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nps_core.contract.wire import REVIEW_ALIASES, REVIEW_CONTACT_FIELDS, REVIEW_FIELDS
from nps_core.data.cache import STORE_SCHEMA

__all__ = [
    "exact_id",
    "normalize_review",
    "raw_table",
    "review_records",
    "rows_to_table",
    "store_table",
]

# Fields read as numbers; the rest are text. `created_at` stays text until the whole
# result is parsed at once, and client ids stay text (they may exceed every integer type).
_NUMBERS: dict[str, pa.DataType] = {"id": pa.int64(), "rate": pa.int8()}
_RAW_SCHEMA = pa.schema([(name, _NUMBERS.get(name, pa.string())) for name in REVIEW_FIELDS])
# A review as most answers send it (current names, numeric client ids): read in one C++
# pass by `Table.from_pylist`, client ids then turned into text.
_CURRENT_SHAPE = _RAW_SCHEMA.set(
    _RAW_SCHEMA.get_field_index("client_id"), pa.field("client_id", pa.int64())
)
# Optional texts where an empty string means "not given".
_BLANK_IS_MISSING: tuple[str, ...] = ("comment", *REVIEW_CONTACT_FIELDS)


def _values(rows: Sequence[Mapping[str, Any]], name: str) -> list[Any]:
    """A field of every row, under its current name or its older one (rate/score)."""
    if name == "id":
        return [r["id"] for r in rows]  # a review without an id is no review
    older = REVIEW_ALIASES.get(name)
    if older is None:
        return [r.get(name) for r in rows]
    key = name
    if rows and name not in rows[0] and older in rows[0]:
        key, older = older, key  # look first under the name this answer uses
    return [r[key] if key in r else r.get(older) for r in rows]


def _array(values: list[Any], arrow_type: pa.DataType) -> pa.Array:
    """Values as ``arrow_type``: directly when they are clean, per value when not
    (ids sent as text, client ids mixing numbers and text)."""
    try:
        return pa.array(values, arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if arrow_type == pa.string():
            return pa.array(
                [None if v is None or isinstance(v, bool) else str(v) for v in values], arrow_type
            )
        return pa.array([None if v is None else int(v) for v in values], arrow_type)


def _current_shape(rows: Sequence[Mapping[str, Any]]) -> pa.Table | None:
    """The fast read, when the answer has the common shape; None when it has not."""
    if not rows or any(name not in rows[0] for name in REVIEW_ALIASES):
        return None
    try:
        table = pa.Table.from_pylist(rows, schema=_CURRENT_SHAPE)
    # OverflowError: a client id of 2**63 or more, which the per-field read keeps as text.
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return None
    # A missing value may be a row that uses the older name (an answer mixing variants).
    for name in REVIEW_ALIASES:
        nulls = table.column(name).is_null().to_numpy(zero_copy_only=False)
        if any(name not in rows[i] for i in np.flatnonzero(nulls).tolist()):
            return None
    index = table.schema.get_field_index("client_id")
    return table.set_column(index, "client_id", pc.cast(table.column(index), pa.string()))


def raw_table(rows: Sequence[Mapping[str, Any]], day: date | None = None) -> pa.Table:
    """One answer's review objects (any variant in the contract) as a raw table.

    Cheap on purpose — it runs per window in the fetch workers; parsing dates and
    blanking empty strings happen once, on the whole result, in ``store_table``. ``day``
    is the window's day on legacy servers, whose reviews carry no date.
    """
    table = _current_shape(rows)
    if table is None:
        table = pa.table(
            {field.name: _array(_values(rows, field.name), field.type) for field in _RAW_SCHEMA}
        )
    return table.append_column("day", pa.array([day] * len(rows), pa.date32()))


def _timestamps(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """ISO 8601 strings as UTC timestamps; Arrow's parser is fast, pandas' more lenient."""
    try:
        return pc.cast(values, pa.timestamp("ms", tz="UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        parsed = pd.to_datetime(values.to_pandas(), format="ISO8601", utc=True)
        return pa.chunked_array([pa.array(parsed.dt.as_unit("ms"), pa.timestamp("ms", tz="UTC"))])


def _blank_as_null(values: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def store_table(raw: pa.Table) -> pa.Table:
    """Raw answers as the store's schema: timestamps parsed, a day for every row (its
    UTC day, unless a legacy window gave it one), empty strings as missing."""
    created_at = _timestamps(raw.column("created_at"))
    day = raw.column("day")
    if day.null_count:
        day = pc.coalesce(day, pc.cast(created_at, pa.date32()))
    columns = {name: raw.column(name) for name in STORE_SCHEMA.names if name in raw.schema.names}
    columns.update({"created_at": created_at, "day": day})
    for name in _BLANK_IS_MISSING:
        columns[name] = _blank_as_null(columns[name])
    return pa.table(columns, schema=STORE_SCHEMA)


def rows_to_table(rows: Sequence[Mapping[str, Any]], day: date | None = None) -> pa.Table:
    """API review objects as a table in the store's schema."""
    return store_table(raw_table(rows, day))


def exact_id(value: str | None) -> int | str | None:
    """A client id as stored (text) as the client returns it: an int when it is one."""
    if value is None:
        return None
    return int(value) if value.lstrip("-").isdigit() else value


def review_records(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """API review objects as flat records keyed by ``REVIEW_FIELDS`` (a ``Review`` each).

    Read through the store's table: ``created_at`` is a UTC ``datetime`` (or None),
    empty texts are None, client ids are ints when numeric, else text.
    """
    records = rows_to_table(rows).select(list(REVIEW_FIELDS)).to_pylist()
    for record in records:
        record["client_id"] = exact_id(record["client_id"])
    return records


def normalize_review(raw: Mapping[str, Any]) -> dict[str, Any]:
    """One review object, whatever its variant, as a flat record with fixed keys."""
    return review_records([raw])[0]
