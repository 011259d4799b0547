"""On-disk store of fetched reviews, by day, for the fetch layer.

Layout: ``ROOT/<hash of source key>/`` holds one Parquet file per month of reviews and a
``manifest.json`` saying, per day, whether the day is *complete* (closed, fetched whole
and untruncated: safe to serve without asking the API) or only *provisional* (the last
good copy of an open or incomplete day: served only as stale data when the API fails).

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["STORE_SCHEMA", "ReviewCache", "StoredDays"]

# `day` is the day a review is filed under: its UTC day, or, on legacy servers that
# send no timestamps, the server's own day the review was fetched for.
STORE_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("created_at", pa.timestamp("ms", tz="UTC")),
        ("day", pa.date32()),
        ("channel", pa.string()),
        ("category", pa.string()),
        ("rate", pa.int8()),
        ("comment", pa.string()),
        # Text, because ids may exceed every integer type a reader might pick.
        ("client_id", pa.string()),
        ("email", pa.string()),
        ("phone", pa.string()),
    ]
)


@dataclass(frozen=True)
class StoredDays:
    """What the store holds for a range of days."""

    table: pa.Table
    complete: frozenset[date]
    provisional: frozenset[date]
    fetched_at: datetime | None


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

    def _write_atomic(self, path: Path, write: Any) -> None:
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
        path = folder / f"{month}.parquet"
        if not path.exists():
            return None
        table = pq.read_table(path, schema=STORE_SCHEMA)
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
        complete, provisional, stamps = set(), set(), []
        for text, info in manifest["days"].items():
            day = date.fromisoformat(text)
            if first <= day <= last:
                (complete if info["complete"] else provisional).add(day)
                stamps.append(info["fetched_at"])
        table = pa.concat_tables(tables) if tables else STORE_SCHEMA.empty_table()
        if tables:
            days = table.column("day")
            mask = pc.and_(pc.greater_equal(days, first), pc.less_equal(days, last))
            table = table.filter(mask)
        fetched_at = datetime.fromisoformat(min(stamps)) if stamps else None
        return StoredDays(table, frozenset(complete), frozenset(provisional), fetched_at)

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
        traits: dict[str, Any] | None = None,
        fetched_at: datetime | None = None,
    ) -> None:
        """Replace the stored copy of ``days`` with the rows of ``table`` filed under them.

        Days in ``complete`` are marked complete; the rest provisional. A provisional
        copy never overwrites a complete one.
        """
        days = set(days)
        complete = set(complete) & days
        stamp = (fetched_at or datetime.now(UTC)).isoformat()
        with self._locked(source) as folder:
            manifest = self._read_manifest(folder)
            known = manifest["days"]
            # Keep complete days complete: a later provisional copy is no better.
            days = {d for d in days if d in complete or not known.get(str(d), {}).get("complete")}
            if not days:
                return
            by_month: dict[str, list[date]] = {}
            for day in days:
                by_month.setdefault(_month(day), []).append(day)
            table = table.select(STORE_SCHEMA.names).cast(STORE_SCHEMA)
            for month, month_days in by_month.items():
                keep = pa.array(sorted(month_days), pa.date32())
                new_rows = table.filter(pc.is_in(table.column("day"), value_set=keep))
                old = self._month_table(source, folder, month)
                if old is not None:
                    old = old.filter(pc.invert(pc.is_in(old.column("day"), value_set=keep)))
                    new_rows = pa.concat_tables([old, new_rows])
                new_rows = new_rows.sort_by([("day", "ascending"), ("id", "ascending")])
                self._write_atomic(
                    folder / f"{month}.parquet",
                    lambda tmp, rows=new_rows: pq.write_table(rows, tmp, compression="zstd"),
                )
                self._memory[(source, month)] = new_rows
            for day in days:
                known[str(day)] = {"complete": day in complete, "fetched_at": stamp}
            if traits:
                manifest.setdefault("traits", {}).update(traits)
            manifest["source"] = source
            self._write_manifest(folder, manifest)

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
                self._write_manifest(folder, manifest)

    def _sources(self) -> list[str]:
        names = []
        for manifest in self.root.glob("*/manifest.json"):
            with contextlib.suppress(OSError, ValueError, KeyError):
                names.append(json.loads(manifest.read_text())["source"])
        return names
