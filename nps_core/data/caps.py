"""How long an answer may be before it is cut: the documented cap, or a smaller one learnt.

The vendor documents 1000 reviews per answer; a deployment may cut earlier without
saying so. No server sends more than its cap, so the longest answer seen in a fetch is a
lower bound of it, and only answers of exactly that length may have been cut. Those are
split and checked once the fetch's windows are in (``CapCheck.suspects``): a piece that
holds a review its parent's answer lacked proves the parent was cut, and its length is
then the cap (``learned``), remembered for the source. Until a check has shown an answer
whole, it counts as possibly cut: a finest window still at that length is reported as
truncated, never as complete.

Answers shorter than ``SMALLEST_CAP`` are taken as whole: checking every small period of
every small shop would cost requests for no likely gain.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["SMALLEST_CAP", "CapCheck"]

K = TypeVar("K", bound=Hashable)  # what names an answer: the planner's window

# The smallest cap a deployment is assumed to have.
SMALLEST_CAP = 50
# A review created this recently may be missing from an earlier answer because it did
# not exist yet: it proves no cut.
_NEW_REVIEW_MS = 5 * 60 * 1000


@dataclass
class CapCheck(Generic[K]):
    """The answers' cap as one fetch learns it; thread-safe (the workers record)."""

    documented: int  # the longest answer the API says it sends
    learned: int | None = None  # a cap proven by a cut (by this or an earlier fetch)
    limit: int = field(init=False)  # answers this long are cut: the smaller of the two
    _sizes: dict[K, int] = field(default_factory=dict)
    _settled: set[K] = field(default_factory=set)  # split, or recorded as cut
    _parents: dict[K, K] = field(default_factory=dict)
    _ids: dict[K, np.ndarray] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.limit = min(self.documented, self.learned or self.documented)

    def record(self, window: K, size: int, table: pa.Table) -> None:
        """An answer of ``size`` objects for ``window`` (its valid rows in ``table``)."""
        with self._lock:
            self._sizes[window] = size
            if self.learned is not None and size > self.learned:
                # The server sends more than the cap learnt: it has changed.
                self.learned, self.limit = None, self.documented
            parent = self._parents.get(window)
            if parent is None or parent not in self._ids or self.learned is not None:
                return
            if _holds_more(table, self._ids[parent]):
                self.learned = self._sizes[parent]
                self.limit = min(self.limit, self.learned)

    def size(self, window: K) -> int:
        with self._lock:
            return self._sizes[window]

    def is_cut(self, size: int) -> bool:
        return size >= self.limit

    def settle(self, window: K) -> None:
        """``window`` was split, or its cut recorded: it needs no more checking."""
        with self._lock:
            self._settled.add(window)

    def suspects(self) -> list[K]:
        """Answers not yet split that may have been cut: as long as the cap, or as the
        longest answer of the fetch when no cap is known to be longer."""
        with self._lock:
            if not self._sizes:
                return []
            longest = max(self._sizes.values())
            threshold = self.limit if longest >= self.limit else longest
            if threshold < SMALLEST_CAP:
                return []
            return [w for w, n in self._sizes.items() if n >= threshold and w not in self._settled]

    def checking(self, parent: K, ids: np.ndarray, children: Iterable[K]) -> None:
        """``children`` split ``parent`` (whose answer held ``ids``) to check it."""
        with self._lock:
            self._settled.add(parent)
            self._ids[parent] = ids
            for child in children:
                self._parents[child] = parent


def _holds_more(table: pa.Table, parent_ids: np.ndarray) -> bool:
    """Whether ``table`` holds a review, not created just now, missing from the parent."""
    ids = table.column("id").to_numpy()
    new = ~np.isin(ids, parent_ids)
    if not new.any():
        return False
    created = table.column("created_at")
    if created.null_count == len(created):  # legacy answers: no times to tell by
        return True
    ms = pc.cast(created, pa.int64()).to_numpy(zero_copy_only=False)
    recent = time.time() * 1000 - _NEW_REVIEW_MS
    return bool(np.any(new & ~(ms >= recent)))
