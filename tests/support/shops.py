"""The shops tests and benches seed into a database of the bundled server.

The test shop (``SHOP_ID``): three channels, two categories, and the reviews a test
gives it. The vendor page's example shop (``SHOP``, with its ``channel_id`` and
``category_id``), an inactive channel and category, and a second shop beside it: what
the contract tests run against.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from nps_core.server import ServerHandle, Store, start_server
from nps_core.server.schema import reviews

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "OTHER_SECRET",
    "OTHER_SHOP",
    "SECRET",
    "SHOP",
    "SHOP_ID",
    "SHOP_SECRET",
    "TEXTS",
    "clear_reviews",
    "review",
    "seed_shop",
    "serve_example_shops",
    "stored_reviews",
    "write_example_shops",
]

SHOP_ID = "shop-1"
SHOP_SECRET = "test-secret-8f3a9c"
CHANNELS = ("email", "web", "sms")
CATEGORIES = ("delivery", "product")

# The vendor page's example shop.
SHOP = "0d42fd8b713d0752776ca589cc0056"
SECRET = "0123456789abcdef0123456789abcdef"
OTHER_SHOP = "other-shop"
OTHER_SECRET = "other-secret"

# A category's questions and thanks, per group.
TEXTS = {
    "promoter_question": "What did you like most?",
    "promoter_success": "Thank you!",
    "passive_question": "What would make it a 10?",
    "passive_success": "Thanks for the feedback.",
    "detractor_question": "What went wrong?",
    "detractor_success": "Sorry, we will do better.",
}


def seed_shop(
    db: str | Path,
    rows: Iterable[Mapping[str, Any]] = (),
    *,
    shop_id: str = SHOP_ID,
    secret: str = SHOP_SECRET,
) -> Store:
    """The test shop, holding ``rows``, in ``db`` (a SQLite path or a PostgreSQL URL);
    the caller closes the store."""
    store = Store(db)
    store.add_shop(shop_id, secret, name="Test shop")
    for code in CHANNELS:
        store.add_channel(shop_id, code, name=code.title())
    for code in CATEGORIES:
        store.add_category(shop_id, code, name=code.title(), **TEXTS)
    rows = list(rows)
    if rows:
        store.insert_reviews_bulk(shop_id, rows)
    return store


def write_example_shops(db: str | Path) -> str | Path:
    """The example shop (channel_id / category_id), plus more and a second shop."""
    store = Store(db)
    try:
        store.add_shop(SHOP, SECRET, "Example shop")
        store.add_channel(SHOP, "channel_id", "Example channel")
        store.add_channel(SHOP, "email", "Email")
        store.add_channel(SHOP, "kiosk", "Kiosk", active=False)
        store.add_category(SHOP, "category_id", "Example category", **TEXTS)
        store.add_category(SHOP, "support", "Support", **TEXTS)
        store.add_category(SHOP, "pickup", "Pickup", active=False, **TEXTS)
        store.add_shop(OTHER_SHOP, OTHER_SECRET)
        store.add_channel(OTHER_SHOP, "web")
        store.add_category(OTHER_SHOP, "product")
    finally:
        store.close()
    return db


@contextmanager
def serve_example_shops(db: str | Path) -> Iterator[ServerHandle]:
    """A default server, while in the block, over the example shops in a new ``db``."""
    with start_server(write_example_shops(db)) as handle:
        yield handle


def review(**fields: Any) -> dict[str, Any]:
    """A valid create body for the example shop; keyword arguments override fields
    (``...`` leaves a field out)."""
    body: dict[str, Any] = {
        "shop_id": SHOP,
        "shop_secret": SECRET,
        "channel": "channel_id",
        "category": "category_id",
        "rate": 8,
        "comment": "ok thanks",
        "email": "john.doe@examplemail.com",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not ...}


def clear_reviews(store: Store) -> None:
    """Delete every review, of every shop (a module's server reused by the next test)."""
    with store.transaction() as con:
        con.execute(reviews.delete())


def stored_reviews(store: Store) -> int:
    """Reviews in the database, every shop counted."""
    with store.reading() as con:
        return int(con.execute(select(func.count()).select_from(reviews)).scalar_one())
