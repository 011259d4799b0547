"""Shop definitions as ``import-shop`` reads them and ``add-shop`` builds them.

A definition is checked whole before anything is written (``read_definitions``), and
all of a file's shops are then written in one transaction (``ShopStore.define_shops``):
a file with one bad value leaves the database as it was. The format is in
``nps_core.server.__main__``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nps_core.contract.validation import check_text
from nps_core.contract.wire import CATEGORY_TEXTS

__all__ = ["Entry", "ShopDefinition", "read_definitions"]

# Category texts (questions, thank-you texts) may be longer than a code or a name.
MAX_TEXT_LENGTH = 2000


@dataclass(frozen=True)
class Entry:
    """A channel or category: its code, name, whether active, and (categories) texts."""

    code: str
    name: str | None = None
    active: bool = True
    texts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ShopDefinition:
    shop_id: str
    secret: str = field(repr=False)
    name: str | None = None
    channels: tuple[Entry, ...] = ()
    categories: tuple[Entry, ...] = ()


def _text(where: str, value: Any, *, required: bool = False, max_length: int = 255) -> str | None:
    """A checked text, or None when absent and optional; ValueError naming ``where``."""
    if value is None and not required:
        return None
    if required and value in (None, ""):
        raise ValueError(f"{where} must be a non-empty string")
    problem = check_text(value, max_length=max_length)
    if problem:
        raise ValueError(f"{where} {problem}")
    return str(value)


def _entry(where: str, item: Any, kind: str) -> Entry:
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be a JSON object")
    code = _text(f"{where}: code", item.get("code"), required=True)
    assert code is not None
    active = item.get("active", True)
    if not isinstance(active, bool):
        raise ValueError(f"{where}: active must be true or false, not {active!r}"[:200])
    texts = {}
    if kind == "categories":
        for name in CATEGORY_TEXTS:
            text = _text(f"{where}: {name}", item.get(name), max_length=MAX_TEXT_LENGTH)
            if text is not None:
                texts[name] = text
    return Entry(code, _text(f"{where}: name", item.get("name")), active, texts)


def _entries(where: str, value: Any, kind: str) -> tuple[Entry, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"{where}: {kind} must be a list")
    return tuple(_entry(f"{where}: {kind} #{n}", item, kind) for n, item in enumerate(value, 1))


def _definition(number: int, item: Any) -> ShopDefinition:
    if not isinstance(item, dict):
        raise ValueError(f"shop #{number} must be a JSON object")
    shop_id = _text(f"shop #{number}: shop_id", item.get("shop_id"), required=True)
    assert shop_id is not None
    where = f"shop {shop_id}"
    secret = _text(f"{where}: secret", item.get("secret", item.get("shop_secret")), required=True)
    assert secret is not None
    return ShopDefinition(
        shop_id,
        secret,
        _text(f"{where}: name", item.get("name")),
        _entries(where, item.get("channels"), "channels"),
        _entries(where, item.get("categories"), "categories"),
    )


def read_definitions(data: Any) -> list[ShopDefinition]:
    """The shops a parsed JSON document defines (an object, or a list of them)."""
    items = data if isinstance(data, list) else [data]
    if not items:
        raise ValueError("the file defines no shop")
    return [_definition(number, item) for number, item in enumerate(items, start=1)]
