"""Import historical reviews from CSV or JSON Lines, all or nothing.

Columns (CSV header / JSON keys): created_at, channel, category, rate (required);
comment, client_id, email, phone (optional; also did, order_id, loyalty_id,
external_id). Other columns are ignored.

- created_at: ISO 8601 (`2024-03-01T12:00:00Z`, `+03:00` offsets, naive = UTC) or a
  plain `YYYY-MM-DD` (midnight UTC), from the year 1900 to 2199 (what the API writes and
  its readers hold: `contract.wire.EARLIEST_REVIEW`, `LATEST_REVIEW`).
- rate: an integer 0..10 (historical data may hold 0, which the API no longer takes).
- client_id: a non-negative integer below 2^63, kept exact; when absent it is derived
  from the email or phone, as the server does.
- channel and category codes need not be active, or known at all.

Every row is checked before anything is written; the first bad row raises LoadError,
naming its line (1-based; a CSV header is line 1) and field, and nothing is imported.
The file may be a pipe; it is read within bounds (``inputs.read_input``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from nps_core.contract.validation import MAX_FIELD_LENGTH, check_text
from nps_core.contract.wire import EARLIEST_REVIEW, LATEST_REVIEW
from nps_core.server.database import database_exists, shown
from nps_core.server.inputs import PIPE_WAIT, read_input
from nps_core.server.reviews import REVIEW_TEXTS
from nps_core.server.store import Store

__all__ = ["LoadError", "load_file", "read_rows"]

REQUIRED = ("created_at", "channel", "category", "rate")
# The review's optional texts but the comment (read on its own, longer) and the session
# id (which historical data does not have).
OPTIONAL_TEXT = tuple(f for f in REVIEW_TEXTS if f not in ("comment", "seance"))
MAX_COMMENT = 10_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)
_DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]{1,19}")


class LoadError(ValueError):
    """A file that cannot be imported; `line` and `field` locate the problem."""

    def __init__(self, message: str, line: int | None = None, field: str | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        what = f"{field}: " if field is not None else ""
        super().__init__(f"{where}{what}{message}")
        self.line = line
        self.field = field


def _created_ms(value: object) -> int:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be an ISO 8601 date-time or a YYYY-MM-DD date")
    text = value.strip()
    try:
        if _DATE_ONLY.fullmatch(text):
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
        in_range = EARLIEST_REVIEW <= moment < LATEST_REVIEW
    except (ValueError, OverflowError):
        raise ValueError("must be an ISO 8601 date-time or a YYYY-MM-DD date") from None
    if not in_range:
        years = f"{EARLIEST_REVIEW.year} to {LATEST_REVIEW.year - 1}"
        raise ValueError(f"must be a time from the year {years}, not {text[:40]!r}")
    return (moment - _EPOCH) // _ONE_MS


def _integer(value: object, low: int, high: int, what: str) -> int:
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"must be {what}")
    return value


def _text(value: object, max_length: int = MAX_FIELD_LENGTH) -> str:
    problem = check_text(value, max_length=max_length)
    if problem:
        raise ValueError(problem)
    assert isinstance(value, str)
    return value


def _row(record: Mapping[str, Any], line: int) -> dict[str, Any]:
    def given(name: str) -> bool:
        value = record.get(name)
        return value is not None and value != ""

    out: dict[str, Any] = {}
    for name in REQUIRED:
        if not given(name):
            raise LoadError("is required", line, name)
    field = ""
    try:
        field = "created_at"
        out["created_ms"] = _created_ms(record["created_at"])
        for field in ("channel", "category"):
            out[field] = _text(record[field])
        field = "rate"
        out["rate"] = _integer(record["rate"], 0, 10, "an integer from 0 to 10")
        field = "comment"
        if given("comment"):
            out["comment"] = _text(record["comment"], MAX_COMMENT)
        field = "client_id"
        if given("client_id"):
            out["client_id"] = _integer(
                record["client_id"], 0, 2**63 - 1, "a non-negative integer below 2^63"
            )
        for field in OPTIONAL_TEXT:
            if given(field):
                out[field] = _text(record[field])
    except ValueError as exc:
        raise LoadError(str(exc), line, field) from None
    return out


def _csv_rows(text: str) -> Iterator[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return
        columns = [h.strip().lower() for h in header]
        for name in REQUIRED:
            if name not in columns:
                raise LoadError("column is missing from the header", 1, name)
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not values or values == [""]:
                continue
            if len(values) > len(columns):
                raise LoadError(f"has {len(values)} fields, the header has {len(columns)}", line)
            yield _row(dict(zip(columns, values, strict=False)), line)
    except csv.Error as exc:
        raise LoadError(f"malformed CSV: {exc}", reader.line_num) from None


def _jsonl_rows(text: str) -> Iterator[dict[str, Any]]:
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise LoadError(f"malformed JSON: {exc}", line) from None
        if not isinstance(record, dict):
            raise LoadError("must be a JSON object", line)
        yield _row({k: v for k, v in record.items() if v is not None}, line)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LoadError("is not valid UTF-8", line) from None


def read_rows(path: str | Path, *, wait: float = PIPE_WAIT) -> list[dict[str, Any]]:
    """Every row of a CSV or JSON Lines file, checked; raises LoadError on the first bad one."""
    path = Path(path)
    text = _decode(read_input(path, wait=wait))
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        is_jsonl = True
    elif suffix == ".csv":
        is_jsonl = False
    else:  # sniff: JSON Lines start with an object
        is_jsonl = text.lstrip().startswith("{")
    return list(_jsonl_rows(text) if is_jsonl else _csv_rows(text))


def load_file(db: str | Path, shop_id: str, path: str | Path, *, wait: float = PIPE_WAIT) -> int:
    """Import every row of `path` into the shop in one transaction; returns the count.

    ``db`` is a SQLite file's path or a PostgreSQL URL. The database must exist (a shop
    is made with add-shop or import-shop first): a failed load leaves no new file (or
    tables) behind. ``wait`` bounds the wait for a pipe's writer.
    """
    if not database_exists(db):
        raise LoadError(f"no database at {shown(db)} (create the shop first)")
    store = Store(db)
    try:
        if store.get_shop(shop_id) is None:
            raise LoadError(f"unknown shop: {shop_id}")
        rows = read_rows(path, wait=wait)
        return store.insert_reviews_bulk(shop_id, rows)
    finally:
        store.close()
