"""The store's Arrow table as the review frame, and the order the frame's rows come in.

The review frame is what ``fetch_reviews`` returns and the analysis reads: see
``docs/ARCHITECTURE.md`` for its columns. Rows are ordered by time, then id (legacy
rows, which have no time, by day) — the order the store keeps its files in, so a warm
read needs no sorting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from nps_core.contract.models import GROUPS, RATE_GROUP
from nps_core.data.cache import STORE_SCHEMA

__all__ = ["empty_frame", "interleave", "ordered_unique", "table_to_frame"]

# Rate → group code (detractor 0, passive 1, promoter 2) for rates 0..10.
_GROUP_CODES = np.array(RATE_GROUP, dtype=np.int8)
_STRING = pd.StringDtype("pyarrow")


def _sort_key(table: pa.Table) -> np.ndarray:
    """Rows in frame order (time, then id; legacy rows by day), as one int64 per row."""
    created = table.column("created_at")
    if created.null_count == 0:
        return created.cast(pa.int64()).to_numpy()
    return table.column("day").cast(pa.int32()).to_numpy().astype(np.int64)


def ordered_unique(table: pa.Table) -> pa.Table:
    """One row per review id (the last copy wins: later answers are newer) in frame order.

    Copies come from padded, overlapping windows. A store read is already in order and
    unique, so the common warm path skips the copy of every column that a take costs.
    """
    if table.num_rows == 0:
        return table
    ids = table.column("id").to_numpy()
    key = _sort_key(table)
    _, last_in_reversed = np.unique(ids[::-1], return_index=True)
    keep = len(ids) - 1 - last_in_reversed
    order = keep[np.lexsort((ids[keep], key[keep]))]
    if len(order) == len(ids) and np.array_equal(order, np.arange(len(ids))):
        return table
    # A take across hundreds of chunks (one per answer) costs twice the copy that joins
    # them first.
    return table.combine_chunks().take(pa.array(order))


def interleave(stored: pa.Table, fetched: pa.Table) -> pa.Table:
    """Two ordered tables of disjoint days as one ordered table, from zero-copy slices."""
    if fetched.num_rows == 0 or stored.num_rows == 0:
        return fetched if stored.num_rows == 0 else stored
    at = np.searchsorted(_sort_key(stored), _sort_key(fetched), side="right")
    cuts, starts = np.unique(at, return_index=True)
    pieces, previous = [], 0
    for cut, begin, end in zip(cuts, starts, [*starts[1:], len(at)], strict=True):
        pieces += [stored.slice(previous, cut - previous), fetched.slice(begin, end - begin)]
        previous = cut
    pieces.append(stored.slice(previous))
    return pa.concat_tables(pieces)


def _exact_ids(column: pa.ChunkedArray) -> pd.Series:
    """Client ids as Int64, else UInt64, else text: never through a float."""
    for arrow_type, dtype in ((pa.int64(), pd.Int64Dtype()), (pa.uint64(), pd.UInt64Dtype())):
        try:
            # The types mapper keeps nulls as NA: a plain to_pandas would make floats.
            return pc.cast(column, arrow_type).to_pandas(types_mapper={arrow_type: dtype}.get)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return pd.Series(column.to_pandas(types_mapper={pa.string(): _STRING}.get), dtype=_STRING)


def empty_frame() -> pd.DataFrame:
    """A review frame with no rows and every column's dtype."""
    return table_to_frame(STORE_SCHEMA.empty_table(), "UTC")


def table_to_frame(table: pa.Table, tz: str, *, legacy: bool = False) -> pd.DataFrame:
    """The store's rows as the review frame: one row per id, in frame order.

    ``day`` is each review's day in ``tz``; on ``legacy`` servers (no timestamps) the
    day the store filed it under.
    """
    table = ordered_unique(table)
    for name in ("channel", "category"):
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pc.dictionary_encode(table.column(name)))
    frame = table.drop_columns(["day", "client_id"]).to_pandas(
        types_mapper={pa.string(): _STRING}.get
    )
    created = frame["created_at"]
    if legacy:
        day = pd.Series(table.column("day").to_numpy().astype("datetime64[ns]"))
    elif tz == "UTC":
        day = created.dt.tz_localize(None).dt.floor("D")
    else:
        day = created.dt.tz_convert(tz).dt.tz_localize(None).dt.floor("D")
    rate = frame["rate"].to_numpy(np.int8)
    codes = _GROUP_CODES[np.clip(rate, 0, 10)]
    frame.insert(2, "day", day.to_numpy().astype("datetime64[ns]"))
    frame.insert(6, "group", pd.Categorical.from_codes(codes, pd.Index(GROUPS), ordered=True))
    frame.insert(8, "client_id", _exact_ids(table.column("client_id")))
    frame["created_at"] = created.dt.as_unit("ns")
    frame["id"] = frame["id"].astype(np.int64)
    frame["rate"] = rate
    return frame
