"""On-disk store of fetched reviews, by day, for the fetch layer.

Layout: ``ROOT/<hash of source key>/`` holds one Arrow IPC file per month of reviews
(memory-mapped on read: a warm year loads in milliseconds) and a ``manifest.json``
saying, per day, whether the day is

* *complete*: closed, fetched whole and untruncated — served without asking the API;
* *settled*: closed, but a day × channel × category of it hit the API's cap at the
  finest split. Asking again cannot return more, so the copy is served for an hour at a
  time together with its truncation record (the result still says incomplete);
* otherwise *provisional*: the last good copy of an open day, served only as stale
  data when the API fails.

The source key names the API and the shop (base URL and shop id), never the secret.
Writes go through a temporary file and ``os.replace`` under an exclusive file lock, so
several processes (dashboard, benchmark, tests) can share one store.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from nps_core.contract.wire import REVIEW_FIELDS

__all__ = ["STORE_SCHEMA", "ReviewCache", "StoredDays", "keep_rows", "on_days"]

# The wire's fields with the types they are stored as (the rest are text; client ids
# too, because they may exceed every integer type a reader might pick), and after
# `created_at` the day a review is filed under: its UTC day, or, on legacy servers
# that send no timestamps, the server's own day the review was fetched for.
_STORED_TYPES: dict[str, pa.DataType] = {
    "id": pa.int64(),
    "created_at": pa.timestamp("ms", tz="UTC"),
    "rate": pa.int8(),
}
STORE_SCHEMA = pa.schema(
    [(name, _STORED_TYPES.get(name, pa.string())) for name in REVIEW_FIELDS]
).insert(REVIEW_FIELDS.index("created_at") + 1, pa.field("day", pa.date32()))


@dataclass(frozen=True)
class StoredDays:
    """What the store holds for a range of days (``table`` ordered by time, then id)."""

    table: pa.Table
    complete: frozenset[date]
    provisional: frozenset[date]
    fetched_at: datetime | None
    # Settled days and when they were fetched; truncation records found on them.
    settled: dict[date, datetime] = field(default_factory=dict)
    truncations: tuple[dict[str, Any], ...] = ()


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _day_numbers(table: pa.Table) -> np.ndarray:
    """The ``day`` column as days since 1970-01-01."""
    return table.column("day").cast(pa.int32()).to_numpy()


def _write_ipc(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def keep_rows(table: pa.Table, mask: np.ndarray) -> pa.Table:
    """The rows where ``mask`` holds, as zero-copy slices when they form a few runs.

    The store's tables are ordered, so dropping a range of days leaves one or two runs:
    slicing avoids copying every column as ``filter`` would.
    """
    if mask.all():
        return table
    edges = np.flatnonzero(np.diff(np.concatenate(([False], mask, [False])).astype(np.int8)))
    starts, ends = edges[::2], edges[1::2]
    if len(starts) > 64:
        return table.filter(pa.array(mask))
    pieces = [table.slice(a, b - a) for a, b in zip(starts, ends, strict=True)]
    return pa.concat_tables(pieces) if pieces else table.schema.empty_table()


def on_days(table: pa.Table, days: Iterable[date]) -> pa.Table:
    """The rows filed under one of ``days``, in their order."""
    wanted = np.array([day.toordinal() - _EPOCH_ORDINAL for day in days], dtype=np.int32)
    return keep_rows(table, np.isin(_day_numbers(table), wanted))


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months(first: date, last: date) -> Iterator[str]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


class ReviewCache:
    """Days of reviews per source, on disk, with month files kept in memory once read."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._memory: dict[tuple[str, str], pa.Table] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ReviewCache(root={str(self.root)!r})"

    # -- paths and locking --------------------------------------------------------------

    def _folder(self, source: str) -> Path:
        digest = hashlib.sha256(source.encode()).hexdigest()[:20]
        return self.root / digest

    @contextlib.contextmanager
    def _locked(self, source: str) -> Iterator[Path]:
        folder = self._folder(source)
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock, open(folder / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield folder
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read_manifest(self, folder: Path) -> dict[str, Any]:
        try:
            return json.loads((folder / "manifest.json").read_text())
        except (OSError, ValueError):
            return {"days": {}, "traits": {}}

    def _write_atomic(self, path: Path, write: Callable[[Path], object]) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        write(tmp)
        os.replace(tmp, path)

    def _write_manifest(self, folder: Path, manifest: dict[str, Any]) -> None:
        self._write_atomic(
            folder / "manifest.json", lambda tmp: tmp.write_text(json.dumps(manifest))
        )

    def _month_table(self, source: str, folder: Path, month: str) -> pa.Table | None:
        key = (source, month)
        if key in self._memory:
            return self._memory[key]
        path = folder / f"{month}.arrow"
        if not path.exists():
            return None
        # The map stays open as long as the table's buffers live (they point into it).
        table = ipc.open_file(pa.memory_map(str(path))).read_all()
        self._memory[key] = table
        return table

    # -- reading ------------------------------------------------------------------------

    def load(self, source: str, first: date, last: date) -> StoredDays:
        """Every stored review filed under a day in ``first..last``."""
        with self._locked(source) as folder:
            manifest = self._read_manifest(folder)
            tables = [
                table
                for month in _months(first, last)
                if (table := self._month_table(source, folder, month)) is not None
            ]
        complete, provisional, settled, truncations, stamps = set(), set(), {}, [], []
        for text, info in manifest["days"].items():
            day = date.fromisoformat(text)
            if not first <= day <= last:
                continue
            if info["complete"]:
                complete.add(day)
            elif info.get("settled"):
                settled[day] = datetime.fromisoformat(info["fetched_at"])
            else:
                provisional.add(day)
            truncations.extend(info.get("truncated", ()))
            stamps.append(info["fetched_at"])
        table = pa.concat_tables(tables) if tables else STORE_SCHEMA.empty_table()
        day_numbers = _day_numbers(table)
        lo, hi = first.toordinal() - _EPOCH_ORDINAL, last.toordinal() - _EPOCH_ORDINAL
        table = keep_rows(table, (day_numbers >= lo) & (day_numbers <= hi))
        fetched_at = datetime.fromisoformat(min(stamps)) if stamps else None
        return StoredDays(
            table,
            frozenset(complete),
            frozenset(provisional),
            fetched_at,
            settled,
            tuple(truncations),
        )

    def traits(self, source: str) -> dict[str, Any]:
        """What was learnt about the source's API (``date_to`` semantics, legacy)."""
        with self._locked(source) as folder:
            return dict(self._read_manifest(folder).get("traits", {}))

    # -- writing ------------------------------------------------------------------------

    def save(
        self,
        source: str,
        table: pa.Table,
        days: Iterable[date],
        *,
        complete: Iterable[date],
        settled: Iterable[date] = (),
        truncations: Iterable[dict[str, Any]] = (),
        traits: dict[str, Any] | None = None,
        fetched_at: datetime | None = None,
    ) -> None:
        """Replace the stored copy of ``days`` with the rows of ``table`` filed under them.

        Days in ``complete`` are marked complete, days in ``settled`` settled, the rest
        provisional; ``truncations`` (dicts with a ``day`` key) are kept with their day.
        A provisional copy never overwrites a complete one.
        """
        given = set(days)
        whole, cut = set(complete) & given, set(settled) & given
        cuts_by_day: dict[str, list[dict[str, Any]]] = {}
        for record in truncations:
            cuts_by_day.setdefault(str(record["day"]), []).append(record)
        stamp = (fetched_at or datetime.now(UTC)).isoformat()
        with self._locked(source) as folder:
            manifest = self._read_manifest(folder)
            known = manifest["days"]
            # Keep complete days complete: a later provisional copy is no better.
            replaced = {
                day
                for day in given
                if day in whole or day in cut or not known.get(str(day), {}).get("complete")
            }
            if not replaced:
                return
            self._write_months(source, folder, table, replaced)
            for day in replaced:
                info: dict[str, Any] = {"complete": day in whole, "fetched_at": stamp}
                if day in cut:
                    info["settled"] = True
                if str(day) in cuts_by_day:
                    info["truncated"] = cuts_by_day[str(day)]
                known[str(day)] = info
            if traits:
                manifest.setdefault("traits", {}).update(traits)
            manifest["source"] = source
            self._write_manifest(folder, manifest)

    def _write_months(self, source: str, folder: Path, table: pa.Table, days: set[date]) -> None:
        """Replace the rows of ``days`` in their month files with those of ``table``."""
        by_month: dict[str, list[date]] = {}
        for day in days:
            by_month.setdefault(_month(day), []).append(day)
        table = table.select(STORE_SCHEMA.names).cast(STORE_SCHEMA)
        for month, month_days in by_month.items():
            keep = pa.array(sorted(month_days), pa.date32())
            rows = table.filter(pc.is_in(table.column("day"), value_set=keep))
            old = self._month_table(source, folder, month)
            if old is not None:
                old = old.filter(pc.invert(pc.is_in(old.column("day"), value_set=keep)))
                rows = pa.concat_tables([old, rows])
            # Frame order (time, then id) lets a warm read skip re-sorting.
            rows = rows.sort_by(
                [("day", "ascending"), ("created_at", "ascending"), ("id", "ascending")]
            ).combine_chunks()
            self._write_atomic(folder / f"{month}.arrow", partial(_write_ipc, rows))
            self._memory.pop((source, month), None)

    def invalidate(
        self, source: str | None = None, first: date | None = None, last: date | None = None
    ) -> None:
        """Forget stored days: every source, one source, or one source's range of days.

        Rows are kept as the last good copy (marked provisional) so a Refresh during an
        outage still has something to show; the API is asked again either way.
        """
        sources = [source] if source is not None else self._sources()
        for name in sources:
            with self._locked(name) as folder:
                manifest = self._read_manifest(folder)
                for text, info in manifest["days"].items():
                    day = date.fromisoformat(text)
                    if (first is None or day >= first) and (last is None or day <= last):
                        info["complete"] = False
                        info.pop("settled", None)
                self._write_manifest(folder, manifest)

    def _sources(self) -> list[str]:
        names = []
        for manifest in self.root.glob("*/manifest.json"):
            with contextlib.suppress(OSError, ValueError, KeyError):
                names.append(json.loads(manifest.read_text())["source"])
        return names
