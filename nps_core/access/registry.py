"""The screen links an admin made, and those revoked: a small JSON file behind an interface.

``LinkRegistry`` is all the dashboard asks of it, so the store can move (to a database,
say) without the pages noticing. ``JsonLinkRegistry`` keeps one JSON file in the data
folder, rewritten whole under an exclusive lock and replaced atomically, so two
processes revoking at once both land and a reader never sees half a file. A link's
signature is never stored: the list says which links exist, not how to forge one.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

__all__ = ["IssuedLink", "JsonLinkRegistry", "LinkRegistry"]


@dataclass(frozen=True)
class IssuedLink:
    link_id: str
    label: str  # where the screen is, as the admin named it
    created_by: str
    created_at: str  # ISO 8601, UTC
    expires: int  # seconds since the epoch
    params: dict[str, str] = field(default_factory=dict)  # the board's parameters


class LinkRegistry(Protocol):
    def issue(self, link: IssuedLink) -> None: ...

    def revoke(self, link_id: str) -> None: ...

    def is_revoked(self, link_id: str) -> bool: ...

    def revoked(self) -> frozenset[str]: ...

    def issued(self) -> list[IssuedLink]: ...


class JsonLinkRegistry:
    """``LinkRegistry`` in one JSON file: ``{"issued": [...], "revoked": [...]}``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock_path = path.with_name(path.name + ".lock")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"issued": [], "revoked": []}
        return {"issued": list(data.get("issued", [])), "revoked": list(data.get("revoked", []))}

    def _write(self, data: dict[str, Any]) -> None:
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        os.replace(temp, self.path)

    def issue(self, link: IssuedLink) -> None:
        with self._locked():
            data = self._read()
            data["issued"].append(asdict(link))
            self._write(data)

    def revoke(self, link_id: str) -> None:
        with self._locked():
            data = self._read()
            if link_id not in data["revoked"]:
                data["revoked"].append(link_id)
                self._write(data)

    def is_revoked(self, link_id: str) -> bool:
        return link_id in self.revoked()

    def revoked(self) -> frozenset[str]:
        return frozenset(self._read()["revoked"])

    def issued(self) -> list[IssuedLink]:
        return [IssuedLink(**item) for item in self._read()["issued"]]
