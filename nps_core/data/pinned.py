"""Where pinned themes are kept: one JSON file in the data folder, per shop.

`PinnedStore` is the interface the dashboard uses (load, save); `JsonPinnedStore`
keeps every shop's pinned themes in ``pinned_themes.json`` under `data_dir()`, written
atomically (a temporary file renamed over the old one), so a crash never leaves half a
file. Another store (the dashboard's database, once it has one) only has to offer the
same two methods.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Protocol

from nps_core.contract.pinned import PinnedTheme
from nps_core.data.settings import data_dir

__all__ = ["PINNED_FILE", "JsonPinnedStore", "PinnedStore", "pinned_store"]

PINNED_FILE = "pinned_themes.json"
_VERSION = 1


class PinnedStore(Protocol):
    """Pinned themes of each shop, in the order the manager listed them."""

    def load(self, shop: str) -> list[PinnedTheme]: ...

    def save(self, shop: str, themes: list[PinnedTheme]) -> None: ...


class JsonPinnedStore:
    """`PinnedStore` over one JSON file: ``{"version": 1, "shops": {shop: [theme…]}}``.

    A missing or unreadable file reads as no pinned themes (never an error on a page);
    entries that are not valid pinned themes are skipped.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # Streamlit serves sessions from threads

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        shops = data.get("shops") if isinstance(data, dict) else None
        return shops if isinstance(shops, dict) else {}

    def load(self, shop: str) -> list[PinnedTheme]:
        with self._lock:
            entries = self._read().get(shop)
        themes: list[PinnedTheme] = []
        for entry in entries if isinstance(entries, list) else []:
            try:
                themes.append(PinnedTheme(str(entry["name"]), tuple(map(str, entry["words"]))))
            except (KeyError, TypeError, ValueError):
                continue
        return themes

    def save(self, shop: str, themes: list[PinnedTheme]) -> None:
        with self._lock:
            shops = self._read()
            shops[shop] = [{"name": t.name, "words": list(t.words)} for t in themes]
            text = json.dumps({"version": _VERSION, "shops": shops}, ensure_ascii=False, indent=2)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".pinned-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise


def pinned_store() -> PinnedStore:
    """The store the dashboard uses: the JSON file in the data folder."""
    return JsonPinnedStore(data_dir() / PINNED_FILE)
