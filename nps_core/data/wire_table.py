"""API review objects as the store's Arrow table: the one reading of the wire format.

Every variant the contract lists is read here — ``rate`` or ``score``, ``client_id`` or
``client`` (``contract.wire.REVIEW_ALIASES``), missing ``created_at`` or ``comment``,
ids sent as text, client ids beyond 2**53 (kept exact, never through a float). The fetch
layer turns each answer into the store's table in its workers (``Answer``, read by Arrow
outside the interpreter lock when it can be, then ``store_table``); ``NpsClient.reviews``
reads the same table back as records (``review_records``), so both paths follow the
same rules.

Every object is checked on the way in, and one that breaks the contract is never
coerced: it is left out and counted under what was wrong (``Malformed``). Broken are: an
item that is not an object; an id that is missing, not an integer or beyond 64 bits; a
rate that is missing or not an integer from 0 to 10 (7.9 is no 7, 11 no 10); a
``created_at`` that is not an ISO 8601 time a frame can hold, or missing from a dated
answer; a text field that is not text; a client id that is neither integer nor text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nps_core.contract.errors import MalformedAnswer
from nps_core.contract.wire import (
    EARLIEST_REVIEW,
    LATEST_REVIEW,
    REVIEW_ALIASES,
    REVIEW_CONTACT_FIELDS,
    REVIEW_FIELDS,
)
from nps_core.data.answer import parse_json, unwrap
from nps_core.data.cache import STORE_SCHEMA
from nps_core.data.json_table import arrow_reviews

__all__ = [
    "Answer",
    "Malformed",
    "WireRows",
    "exact_id",
    "normalize_review",
    "raw_table",
    "review_records",
    "rows_to_table",
    "store_table",
]

_TIMESTAMP = pa.timestamp("ms", tz="UTC")
# Numbers as read, before their range is checked; created_at is text until parsed.
_READ_TYPES: dict[str, pa.DataType] = {"id": pa.int64(), "rate": pa.int64()}
_READ_SCHEMA = pa.schema([(name, _READ_TYPES.get(name, pa.string())) for name in REVIEW_FIELDS])
_TEXTS = tuple(f for f in REVIEW_FIELDS if f not in ("id", "rate", "client_id", "created_at"))
# The types the fast read may infer for each field; anything else is read row by row.
_FAST_TYPES: dict[str, tuple[pa.DataType, ...]] = {
    name: (_READ_TYPES.get(name, pa.string()), pa.null()) for name in REVIEW_FIELDS
} | {"client_id": (pa.int64(), pa.string(), pa.null())}
# Optional texts where an empty string means "not given".
_BLANK_IS_MISSING: tuple[str, ...] = ("comment", *REVIEW_CONTACT_FIELDS)
# The times a review may carry, in ms since 1970.
_EARLIEST_MS = int(EARLIEST_REVIEW.timestamp() * 1000)
_LATEST_MS = int(LATEST_REVIEW.timestamp() * 1000)
_INT64 = (-(2**63), 2**63 - 1)

_NOT_OBJECT = "is not a JSON object"
_ID_MISSING, _ID_BAD = "id is missing", "id is not an integer of at most 64 bits"
_RATE_MISSING, _RATE_BAD = "rate is missing", "rate is not an integer from 0 to 10"
_TIME_MISSING = "created_at is missing"
_TIME_BAD = (
    f"created_at is not an ISO 8601 time (years {EARLIEST_REVIEW.year} to {LATEST_REVIEW.year - 1})"
)


@dataclass(frozen=True)
class Malformed:
    """Review objects of one answer left out for one reason: what, how many, an example."""

    problem: str
    count: int
    example: str


class WireRows(NamedTuple):
    """One answer read: its valid reviews as a raw table, and what was left out."""

    table: pa.Table
    malformed: tuple[Malformed, ...]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _name_in(row: Mapping[str, Any], name: str, older: str | None) -> str:
    """The key ``row`` holds ``name`` under: its current one, else its older one."""
    return older if older is not None and name not in row and older in row else name


# -- the fast read: one C++ pass, then checks on whole columns ---------------------------


def _fast_read(rows: Sequence[Any]) -> pa.Table | None:
    """The answer read in one pass when it has the common shape; None when it has not
    (an older name, a mixed or unexpected type, an item that is not an object)."""
    if not rows or not isinstance(rows[0], dict) or not set(REVIEW_FIELDS) <= rows[0].keys():
        return None
    try:
        table = pa.Table.from_pylist(rows)
    except (pa.ArrowException, TypeError, ValueError, OverflowError, AttributeError):
        return None
    for name in REVIEW_FIELDS:
        if table.schema.field(name).type not in _FAST_TYPES[name]:
            return None
    # A missing value may be a row that uses the older name (an answer mixing variants).
    for name, older in REVIEW_ALIASES.items():
        nulls = table.column(name).is_null().to_numpy(zero_copy_only=False)
        if any(older in rows[i] for i in np.flatnonzero(nulls).tolist()):
            return None
    return pa.table({f.name: pc.cast(table.column(f.name), f.type) for f in _READ_SCHEMA})


# -- the slow read: row by row, each value checked ------------------------------------------


def _integer(value: Any) -> int | None:
    """An integer as JSON may carry it (a number, an integral float, digits as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    digits = value.strip().lstrip("-") if isinstance(value, str) else ""
    if digits.isascii() and digits.isdigit() and len(digits) < 40:
        return int(value)
    return None


def _check_row(row: Any) -> tuple[dict[str, Any], str | None, Any]:
    """One object's values as read, or the first problem found and its value."""
    if not isinstance(row, dict):
        return {}, _NOT_OBJECT, row
    out: dict[str, Any] = {}
    for name in REVIEW_FIELDS:
        value = row.get(_name_in(row, name, REVIEW_ALIASES.get(name)))
        if value is None:
            out[name] = None
            continue
        if name == "id":
            number = _integer(value)
            if number is None or not _INT64[0] <= number <= _INT64[1]:
                return out, _ID_BAD, value
            out[name] = number
        elif name == "rate":
            number = _integer(value)
            if number is None or not 0 <= number <= 10:
                return out, _RATE_BAD, value
            out[name] = number
        elif name == "client_id":
            if isinstance(value, bool) or not isinstance(value, int | str):
                return out, "client_id is neither an integer nor text", value
            out[name] = str(value)  # exact, whatever its size
        elif isinstance(value, str):
            out[name] = value
        else:
            return out, f"{name} is not text", value
    return out, None, None


def _slow_read(rows: Sequence[Any]) -> tuple[pa.Table, list[tuple[str, np.ndarray, list[Any]]]]:
    """Row by row: the values that passed (nulls where they did not) and the problems."""
    columns: dict[str, list[Any]] = {name: [] for name in REVIEW_FIELDS}
    found: dict[str, tuple[list[int], list[Any]]] = {}
    for index, row in enumerate(rows):
        values, problem, value = _check_row(row)
        for name in REVIEW_FIELDS:
            columns[name].append(values.get(name))
        if problem is not None:
            indices, examples = found.setdefault(problem, ([], []))
            indices.append(index)
            examples.append(value)
    table = pa.table({f.name: pa.array(columns[f.name], f.type) for f in _READ_SCHEMA})
    masks = []
    for problem, (indices, examples) in found.items():
        mask = np.zeros(len(rows), dtype=bool)
        mask[indices] = True
        masks.append((problem, mask, examples[:1]))
    return table, masks


# -- checks on whole columns (both reads) ---------------------------------------------------


def _parse_times(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """ISO 8601 strings as UTC timestamps, null where unparseable; Arrow's parser is
    fast, pandas' more lenient (offsets other than Z, no offset: UTC)."""
    try:
        return pc.cast(text, _TIMESTAMP)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    parsed = pd.to_datetime(text.to_pandas(), format="ISO8601", utc=True, errors="coerce")
    return pa.chunked_array([pa.array(parsed.dt.as_unit("ms"), _TIMESTAMP)])


def _mask(condition: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(condition, False).to_numpy(zero_copy_only=False), dtype=bool)


def _column_problems(table: pa.Table, dated: bool) -> tuple[pa.Table, list[tuple[str, np.ndarray]]]:
    """Missing ids and rates, rates out of range, times missing or unparseable; the
    table with ``created_at`` parsed."""
    problems = []
    if table.column("id").null_count:
        problems.append((_ID_MISSING, _mask(pc.is_null(table.column("id")))))
    rate = table.column("rate")
    if rate.null_count:
        problems.append((_RATE_MISSING, _mask(pc.is_null(rate))))
    low, high = (value.as_py() for value in pc.min_max(rate).values())
    if (low is not None and low < 0) or (high is not None and high > 10):
        problems.append((_RATE_BAD, _mask(pc.or_(pc.less(rate, 0), pc.greater(rate, 10)))))
    text = table.column("created_at")
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    if dated and text.null_count:
        problems.append((_TIME_MISSING, _mask(pc.is_null(text))))
    times = _parse_times(text)
    ms = pc.cast(times, pa.int64())
    # Kleene logic: a time that failed to parse (null) is bad whatever its range says.
    bad = pc.or_kleene(
        pc.and_(pc.is_valid(text), pc.is_null(times)),
        pc.or_(pc.less(ms, _EARLIEST_MS), pc.greater_equal(ms, _LATEST_MS)),
    )
    if pc.any(bad).as_py():
        problems.append((_TIME_BAD, _mask(bad)))
    index = table.schema.get_field_index("created_at")
    return table.set_column(index, "created_at", times), problems


def _example(row: Any, problem: str) -> Any:
    """The offending value of ``row`` for a problem found on a whole column."""
    name = problem.split(" ", 1)[0]
    return row.get(_name_in(row, name, REVIEW_ALIASES.get(name)))


def raw_table(rows: Sequence[Any], day: date | None = None, *, dated: bool = False) -> WireRows:
    """One answer's review objects (any variant in the contract) as a raw table of the
    valid ones, and what was left out.

    Empty strings are blanked after, in ``store_table``. ``day`` is the window's day
    on legacy servers, whose reviews carry no date; ``dated`` says the server sends
    ``created_at`` (an object without one is then malformed).
    """
    table = _fast_read(rows)
    row_problems: list[tuple[str, np.ndarray, list[Any]]] = []
    if table is None:
        table, row_problems = _slow_read(rows)
    return _checked(table, row_problems, lambda i, p: _example(rows[i], p), day, dated)


def _checked(
    table: pa.Table,
    row_problems: list[tuple[str, np.ndarray, list[Any]]],
    example_of: Callable[[int, str], Any],
    day: date | None,
    dated: bool,
) -> WireRows:
    """The rows of ``table`` without problems, ``day`` added, and those left out."""
    table, column_problems = _column_problems(table, dated)
    taken = np.zeros(len(table), dtype=bool)
    malformed = []
    # In order of precedence: a row is counted under the first thing wrong with it.
    for problem, mask, examples in [*row_problems, *((p, m, []) for p, m in column_problems)]:
        new = mask & ~taken
        if new.any():
            first = int(np.argmax(new))
            example = examples[0] if examples else example_of(first, problem)
            malformed.append(Malformed(problem, int(new.sum()), _short(example)))
            taken |= new
    if taken.any():
        table = table.filter(pa.array(~taken))
    days = pa.array([day] * len(table), pa.date32()) if day else pa.nulls(len(table), pa.date32())
    return WireRows(table.append_column("day", days), tuple(malformed))


class Answer:
    """One ``/nps/reviews`` answer: read by Arrow outside the interpreter lock when it
    has the common shape (``json_table``), else parsed and read row by row."""

    def __init__(self, body: bytes) -> None:
        self._body = body
        self._table = arrow_reviews(body)
        self._rows: list[Any] = []
        if self._table is None:
            self._rows = unwrap(parse_json(body, 200), "reviews")

    def __len__(self) -> int:
        return len(self._rows) if self._table is None else self._table.num_rows

    @property
    def dated(self) -> bool:
        """Whether any object carries ``created_at`` (a legacy server's carry none)."""
        if self._table is None:
            return any(isinstance(r, dict) and "created_at" in r for r in self._rows)
        # Arrow reads a missing time as null: the exact reading tells those apart.
        column = self._table.column("created_at")
        if column.null_count < len(column):
            return True
        self._rows, self._table = unwrap(parse_json(self._body, 200), "reviews"), None
        return self.dated

    def read(self, day: date | None = None, *, dated: bool = False) -> WireRows:
        """The valid reviews and what was left out, as ``raw_table`` reads them."""
        if self._table is None:
            return raw_table(self._rows, day, dated=dated)
        table = self._table

        def example_of(index: int, problem: str) -> Any:
            return table.column(problem.split(" ", 1)[0])[index].as_py()

        return _checked(table, [], example_of, day, dated)


def _blank_as_null(values: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def store_table(raw: pa.Table) -> pa.Table:
    """Raw answers as the store's schema: a day for every row (its UTC day, unless a
    legacy window gave it one), empty strings as missing."""
    day = raw.column("day")
    if day.null_count:
        day = pc.coalesce(day, pc.cast(raw.column("created_at"), pa.date32()))
    columns = {name: raw.column(name) for name in STORE_SCHEMA.names if name in raw.schema.names}
    columns.update({"day": day, "rate": pc.cast(raw.column("rate"), pa.int8())})
    for name in _BLANK_IS_MISSING:
        columns[name] = _blank_as_null(columns[name])
    return pa.table(columns, schema=STORE_SCHEMA)


def rows_to_table(rows: Sequence[Mapping[str, Any]], day: date | None = None) -> pa.Table:
    """API review objects as a table in the store's schema; ``MalformedAnswer`` if any
    breaks the contract."""
    table, malformed = raw_table(rows, day)
    if malformed:
        what = "; ".join(f"{m.count} with {m.problem} (e.g. {m.example})" for m in malformed)
        raise MalformedAnswer(200, f"review objects that break the contract: {what}")
    return store_table(table)


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
