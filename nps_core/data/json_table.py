"""An answer's review array read by Arrow's JSON reader, outside the interpreter lock.

A cold fetch reads hundreds of answers while others are still on the wire. Parsed to
Python objects (orjson) and converted to columns, each costs the fetch's threads the
interpreter lock for milliseconds; Arrow's C++ reader takes the bytes to columns with
the lock released, so the parsing overlaps the network and the other workers.

It is only a shortcut: whenever Arrow could read an answer other than the exact,
row-by-row reading of ``nps_core.data.wire_table`` would (an older field name, a
number where text belongs, an id beyond 64 bits, a lone surrogate, anything not a bare
array of objects), ``arrow_reviews`` returns None and the answer is read that way.
"""

from __future__ import annotations

import io
import re

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from nps_core.contract.wire import REVIEW_ALIASES, REVIEW_FIELDS

__all__ = ["arrow_reviews"]

# The fields read with a fixed type; client_id is inferred (an integer or text, the
# other types it may be inferred as are read row by row), the older names too.
_NUMBERS = ("id", "rate")
_FIXED = pa.struct(
    [
        (name, pa.int64() if name in _NUMBERS else pa.string())
        for name in REVIEW_FIELDS
        if name != "client_id"
    ]
)
# The array is wrapped in one object, so that the reader sees one row of one list.
_SCHEMA = pa.schema([("reviews", pa.list_(_FIXED))])
_PARSE = pj.ParseOptions(explicit_schema=_SCHEMA, unexpected_field_behavior="infer")
_CLIENT_TYPES = (pa.int64(), pa.string(), pa.null())
# Escapes of UTF-16 surrogates: the exact parser judges those.
_SURROGATE = re.compile(rb"\\[uU][dD][89a-fA-F]")


def arrow_reviews(body: bytes) -> pa.Table | None:
    """The review objects of a bare JSON array as columns of ``REVIEW_FIELDS`` (ids and
    rates int64, the rest text, unchecked), or None when the exact reading must decide."""
    start = body.lstrip()[:1]
    if start != b"[" or _SURROGATE.search(body):
        return None
    data = b'{"reviews":' + body + b"}"
    # The whole answer in one block (its size is bounded by the client); one thread:
    # the fetch's workers are the parallelism.
    options = pj.ReadOptions(use_threads=False, block_size=len(data) + 1)
    try:
        wrapped = pj.read_json(io.BytesIO(data), options, _PARSE)
    except (pa.ArrowException, UnicodeError, ValueError):
        return None
    # A body such as `[...]}{"reviews":[...]` is no one array; a null item no object.
    if wrapped.num_rows != 1 or wrapped.column("reviews").null_count:
        return None
    items = wrapped.column("reviews").chunk(0).values
    if items.null_count:
        return None
    table = pa.Table.from_struct_array(items)
    names = set(table.column_names)
    client_type = table.schema.field("client_id").type if "client_id" in names else pa.null()
    if client_type not in _CLIENT_TYPES:
        return None
    # A value missing under its name but given under the older one: read row by row.
    for name, older in REVIEW_ALIASES.items():
        if older in names:
            current = table.column(name) if name in names else pa.nulls(len(table))
            if pc.any(pc.and_(pc.is_null(current), pc.is_valid(table.column(older)))).as_py():
                return None
    client = table.column("client_id") if "client_id" in names else pa.nulls(len(table))
    columns = {name: table.column(name) for name in REVIEW_FIELDS if name != "client_id"}
    columns["client_id"] = pc.cast(client, pa.string())
    return pa.table({name: columns[name] for name in REVIEW_FIELDS})
