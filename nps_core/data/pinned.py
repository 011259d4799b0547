"""Where pinned themes are kept: the interface the dashboard uses (load, save).

The state store implements it (``nps_core.data.state.SqlPinnedStore``, reached as
``StateStore.pinned``), so every replica of the dashboard shares one list per shop.
Themes pinned before the store existed, in ``pinned_themes.json`` in the data folder,
were copied into it by its migration 0002.
"""

from __future__ import annotations

from typing import Protocol

from nps_core.contract.pinned import PinnedTheme

__all__ = ["PinnedStore"]


class PinnedStore(Protocol):
    """Pinned themes of each shop, in the order the manager listed them."""

    def load(self, shop: str) -> list[PinnedTheme]: ...

    def save(self, shop: str, themes: list[PinnedTheme]) -> None: ...
