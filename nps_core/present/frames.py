"""Facts about a review frame that pages reuse: what names its content, whether it is
still in the order the fetch gave it."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["content_key", "in_fetch_order"]


def content_key(frame: pd.DataFrame) -> str:
    """Names a review frame by its content: a digest of its index (what results computed
    from it are aligned on) and its rows' ids, rates and comments.

    The same rows give the same key whenever they were fetched (the re-fetch a minute
    later that changed nothing keeps what was computed from them); a change of any row,
    or other filters, gives another. Equal rows cut differently may get another key.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.ascontiguousarray(frame.index.to_numpy()).tobytes())
    for column in ("id", "rate", "comment"):
        values = pa.array(frame[column])
        chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
        for chunk in chunks:
            digest.update(f"{column}:{chunk.offset}:{len(chunk)};".encode())
            for buffer in chunk.buffers():
                if buffer is not None:
                    digest.update(buffer)
    return digest.hexdigest()


def in_fetch_order(frame: pd.DataFrame) -> bool:
    """Rows strictly ascending by (day, created_at, id), none without a time: the order
    ``fetch_reviews`` gives, which a page can then read backwards instead of sorting."""
    day, created = (frame[name].array.asi8 for name in ("day", "created_at"))
    ids = frame["id"].to_numpy()
    if (created == np.iinfo(np.int64).min).any():  # NaT: sorted last, not by position
        return False
    same_day, same_time = day[1:] == day[:-1], created[1:] == created[:-1]
    later_time = (created[1:] > created[:-1]) | (same_time & (ids[1:] > ids[:-1]))
    return bool(((day[1:] > day[:-1]) | (same_day & later_time)).all())
