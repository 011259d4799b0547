"""Reviews in the server's database: writes (with the replace rule) and filtered reads."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict, Unpack

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    CursorResult,
    Select,
    Text,
    bindparam,
    func,
    literal_column,
    select,
)

from nps_core.contract.validation import identity_of
from nps_core.contract.wire import CREATE_FIELDS, CREATE_TEXT_FIELDS, REVIEW_FIELDS
from nps_core.server.database import Database
from nps_core.server.schema import REPLACE_KEY, reviews

__all__ = [
    "DAY_MS",
    "REVIEW_COLUMNS",
    "REVIEW_TEXTS",
    "STORED_AS",
    "ReadFilters",
    "ReviewStore",
    "client_id_for",
    "now_ms",
]

DAY_MS = 86_400_000

# Create fields stored under another one's name: `sid` is the newer name of `seance`.
STORED_AS: dict[str, str] = {"sid": "seance"}
# A review's own fields as stored: `id` is the row's key, `created_at` is kept in ms.
_OWN_COLUMNS = ("created_ms", *(f for f in REVIEW_FIELDS if f not in ("id", "created_at")))
# Stored columns of a review besides id and shop_id, in insert order: its own fields, the
# create fields it does not show, and who wrote it (see identity_of).
REVIEW_COLUMNS: tuple[str, ...] = (
    *_OWN_COLUMNS,
    *(f for f in CREATE_TEXT_FIELDS if f not in _OWN_COLUMNS and f not in STORED_AS),
    "identity",
)
_REQUIRED = ("created_ms", "channel", "category", "rate")
# The optional texts of create_review: the create fields stored beside the segment.
REVIEW_TEXTS: tuple[str, ...] = tuple(
    f for f in REVIEW_COLUMNS if f in CREATE_FIELDS and f not in ("channel", "category", "rate")
)

# What query_reviews yields: dicts with a review's fields, `created_at` kept in ms.
_API_KEYS = tuple("created_ms" if f == "created_at" else f for f in REVIEW_FIELDS)
# What all_reviews yields: every column but the replace rule's key.
_ALL_KEYS = ("id", "shop_id", *REVIEW_COLUMNS)

# Each review as the API's JSON object, written by the database itself: five times
# faster than building dicts and dumping them, and integers such as client ids stay
# exact. created_at as the vendor writes it, 2023-07-21T02:35:06.374Z.
_SQLITE_ISO_MS = (
    # Floor division keeps times before 1970 right (SQLite's rounds toward zero).
    "strftime('%Y-%m-%dT%H:%M:%S', (created_ms - (created_ms % 1000 + 1000) % 1000) / 1000,"
    " 'unixepoch') || printf('.%03dZ', (created_ms % 1000 + 1000) % 1000)"
)
_POSTGRESQL_ISO_MS = (
    # Exact: an interval counts microseconds in 64 bits.
    "to_char(TIMESTAMP '1970-01-01' + created_ms * INTERVAL '1 millisecond',"
    ' \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\')'
)
# The API's review objects, key by key: the legacy form (the seed page's), and today's.
_LEGACY_JSON = (
    ("id", "id"),
    ("client", "client_id"),
    ("rate", "rate"),
    ("channel", "channel"),
    ("category", "category"),
    ("comment", "comment"),
)
_JSON = (
    ("id", "id"),
    ("channel", "channel"),
    ("category", "category"),
    ("rate", "rate"),
    ("comment", "comment"),
    ("client_id", "client_id"),
    ("client", "client_id"),
    ("email", "email"),
    ("phone", "phone"),
    ("created_at", "{iso}"),
)


def _json_objects(sqlite: bool, legacy: bool) -> ColumnElement[str]:
    """Each row as the text of the API's JSON object, in this database's SQL."""
    iso = _SQLITE_ISO_MS if sqlite else _POSTGRESQL_ISO_MS
    fields = [(key, value.format(iso=iso)) for key, value in (_LEGACY_JSON if legacy else _JSON)]
    if sqlite:
        pairs = ", ".join(f"'{key}', {value}" for key, value in fields)
        return literal_column(f"json_object({pairs})", Text)
    # PostgreSQL's json_build_object spaces its output ({"id" : 1}); this writes it as
    # compactly as SQLite does, each value encoded by to_json.
    members = " || ',' || ".join(
        f"""'"{key}":' || coalesce(to_json({value})::text, 'null')""" for key, value in fields
    )
    return literal_column(f"'{{' || {members} || '}}'", Text)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def client_id_for(shop_id: str, identity: str) -> int:
    """A stable 63-bit id per person and shop: fits SQLite's INTEGER, usually > 2^53."""
    digest = hashlib.sha256(f"{shop_id}\x00{identity}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def _stored(shop_id: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """Every column of REVIEW_COLUMNS for `row`: missing ones NULL, an empty comment NULL,
    `identity` and `client_id` derived from did/email/phone when absent."""
    identity = row.get("identity")
    if identity is None:
        identity = identity_of(row.get("did"), row.get("email"), row.get("phone"))
    client_id = row.get("client_id")
    if client_id is None and identity is not None:
        client_id = client_id_for(shop_id, identity)
    values = {c: row[c] if c in _REQUIRED else row.get(c) for c in REVIEW_COLUMNS}
    return values | {
        "comment": row.get("comment") or None,
        "client_id": client_id,
        "identity": identity,
    }


# A read's filters, by name: each is a bound parameter of the statement when given.
_FILTERS: dict[str, Callable[[BindParameter[Any]], ColumnElement[bool]]] = {
    "shop_id": lambda p: reviews.c.shop_id == p,
    "start_ms": lambda p: reviews.c.created_ms >= p,
    "end_ms": lambda p: reviews.c.created_ms < p,
    "channel": lambda p: reviews.c.channel == p,
    "category": lambda p: reviews.c.category == p,
}


class ReadFilters(TypedDict, total=False):
    """A read's optional filters: start_ms <= created_ms < end_ms, a channel, a category."""

    start_ms: int | None
    end_ms: int | None
    channel: str | None
    category: str | None


def _read_params(shop_id: str, limit: int | None, filters: ReadFilters) -> dict[str, Any]:
    """A read's parameters that are given (its filters, its limit), by name."""
    given = {"shop_id": shop_id, **filters, "limit": limit}
    return {name: value for name, value in given.items() if value is not None}


@lru_cache(maxsize=256)
def _select(kind: str, sqlite: bool, present: frozenset[str]) -> Select[Any]:
    """The statement of a read, built once per kind and set of filters (building one
    costs more than running it): ``kind`` is api (columns), json or legacy (each row's
    JSON text) or count; ascending by id, cut at ``limit`` when given."""
    where = [make(bindparam(name)) for name, make in _FILTERS.items() if name in present]
    if kind == "count":
        return select(func.count()).select_from(reviews).where(*where)
    if kind == "api":
        columns: list[ColumnElement[Any]] = [reviews.c[name] for name in _API_KEYS]
    else:
        columns = [_json_objects(sqlite, legacy=kind == "legacy")]
    query = select(*columns).select_from(reviews).where(*where).order_by(reviews.c.id)
    return query.limit(bindparam("limit")) if "limit" in present else query


def _take_free_keys(values: list[dict[str, Any]], taken: set[tuple[Any, ...]]) -> None:
    """Give the first row of each person, segment and day whose key is not ``taken``
    its ``replace_day``, so that a review through the API later replaces that one, as it
    always did; the others keep NULL and are stored as given."""
    for row in values:
        row["replace_day"] = None
        if row["identity"] is None:
            continue
        day = _day(row["created_ms"])
        key = (row["identity"], row["channel"], row["category"], day)
        if key not in taken:
            taken.add(key)
            row["replace_day"] = day


def _day(ms: int) -> int:
    """The UTC day of ``ms``, in days since 1970 (floor division: before 1970 too)."""
    return ms // DAY_MS


class ReviewStore(Database):
    """Reviews: written one by one (the API) or in bulk (imports, the demo), read filtered."""

    def __init__(self, target: str | Path, *, clock: Callable[[], int] = now_ms) -> None:
        # Milliseconds since the epoch for new reviews; tests replace it to move days.
        self.clock = clock
        super().__init__(target)
        columns = ("shop_id", *REVIEW_COLUMNS, "replace_day")
        insert = self.insert(reviews).values({c: bindparam(c) for c in columns})
        # The replace rule: the same person, channel, category and day meet on the
        # unique key, and the later review's values replace the earlier's in place.
        self._upsert = insert.on_conflict_do_update(
            index_elements=list(REPLACE_KEY),
            set_={c: insert.excluded[c] for c in REVIEW_COLUMNS},
        ).returning(reviews.c.id)
        self._bulk_insert = reviews.insert().values({c: bindparam(c) for c in columns})

    def create_review(
        self,
        shop_id: str,
        *,
        channel: str,
        category: str,
        rate: int,
        created_ms: int | None = None,
        **texts: str | None,
    ) -> int:
        """Store a review and return its id; `texts` are any of REVIEW_TEXTS.

        A second review by the same person (did, else email, else phone) for the same
        channel, category and UTC day replaces the first in place: same id, new values.
        """
        unknown = set(texts) - set(REVIEW_TEXTS)
        if unknown:
            raise TypeError(f"unknown review fields: {', '.join(sorted(unknown))}")
        ms = self.clock() if created_ms is None else created_ms
        row = {name: value or None for name, value in texts.items()}
        values = _stored(
            shop_id,
            row | {"created_ms": ms, "channel": channel, "category": category, "rate": rate},
        )
        replace_day = _day(ms) if values["identity"] is not None else None
        # One statement: atomic on its own, so no transaction around it.
        params = {"shop_id": shop_id, **values, "replace_day": replace_day}
        (found,) = self.run(self._upsert, params, write=True)
        return int(found[0])

    def insert_reviews_bulk(self, shop_id: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert rows as given, all in one transaction; returns the count.

        The replace rule does not apply among them: every row is stored. The first of
        each person, segment and day whose key is free takes it, so that a review
        through the API later replaces that one (``_take_free_keys``). On PostgreSQL a
        review posted for such a key while the rows are written fails the load (nothing
        is written; it can be run again).

        Each row maps REVIEW_COLUMNS to values (missing keys are NULL); `identity` and
        `client_id` are derived from did/email/phone when absent.
        """
        values = [{"shop_id": shop_id, **_stored(shop_id, row)} for row in rows]
        with self.transaction() as con:
            self._require_shop(con, shop_id)
            if values:
                _take_free_keys(values, self._taken_keys(con, shop_id, values))
                self.run_many(con, self._bulk_insert, values)
            return len(values)

    @staticmethod
    def _taken_keys(
        con: Connection, shop_id: str, values: list[dict[str, Any]]
    ) -> set[tuple[Any, ...]]:
        """The replace rule's keys already held in the days of ``values``."""
        days = [_day(v["created_ms"]) for v in values]
        key = [reviews.c[name] for name in REPLACE_KEY[1:]]
        query = select(*key).where(
            reviews.c.shop_id == shop_id, reviews.c.replace_day.between(min(days), max(days))
        )
        return {tuple(row) for row in con.execute(query)}

    def query_reviews(
        self, shop_id: str, limit: int | None = None, **filters: Unpack[ReadFilters]
    ) -> list[dict[str, Any]]:
        """Reviews with start_ms <= created_ms < end_ms, ascending by id, first `limit`.

        Each dict has id, created_ms, channel, category, rate, comment, client_id,
        email and phone.
        """
        with self._read("api", shop_id, limit, filters) as found:
            return [dict(row._mapping) for row in found]

    def reviews_json(
        self,
        shop_id: str,
        limit: int | None = None,
        *,
        legacy: bool = False,
        **filters: Unpack[ReadFilters],
    ) -> str:
        """The reviews ``query_reviews`` selects, as the API's JSON array text."""
        params = _read_params(shop_id, limit, filters)
        kind = "legacy" if legacy else "json"
        rows = self.run(_select(kind, self.sqlite, frozenset(params)), params)
        return "[" + ",".join(row[0] for row in rows) + "]"

    def count_reviews(self, shop_id: str, **filters: Unpack[ReadFilters]) -> int:
        with self._read("count", shop_id, None, filters) as found:
            return int(found.scalar_one())

    @contextmanager
    def _read(
        self,
        kind: str,
        shop_id: str,
        limit: int | None,
        filters: ReadFilters,
    ) -> Iterator[CursorResult[Any]]:
        """The result of a read (see ``_select``) with the filters that are given."""
        params = _read_params(shop_id, limit, filters)
        with self.reading() as con:
            found = con.execute(_select(kind, self.sqlite, frozenset(params)), params)
            try:
                yield found
            finally:
                found.close()

    def all_reviews(self, shop_id: str) -> list[dict[str, Any]]:
        """Every stored column of every review of a shop, ascending by id (for tests)."""
        query = (
            select(*(reviews.c[name] for name in _ALL_KEYS))
            .where(reviews.c.shop_id == shop_id)
            .order_by(reviews.c.id)
        )
        with self.reading() as con:
            return [dict(row._mapping) for row in con.execute(query)]
