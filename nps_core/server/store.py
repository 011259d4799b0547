"""All database access of the bundled server, as one `Store`.

The work is split by job: `schema` (the tables), `migrate` (their revisions),
`database` (where the database is, its engine, transactions), `shops` (shops, channels,
categories) and `reviews` (writes with the replace rule, reads).
"""

from __future__ import annotations

from nps_core.contract.wire import CATEGORY_TEXTS
from nps_core.server.reviews import DAY_MS, REVIEW_COLUMNS, ReviewStore, client_id_for, now_ms
from nps_core.server.shops import Shop, ShopStore

__all__ = [
    "CATEGORY_TEXTS",
    "DAY_MS",
    "REVIEW_COLUMNS",
    "Shop",
    "Store",
    "client_id_for",
    "now_ms",
]


class Store(ShopStore, ReviewStore):
    """All database access of the server. Safe to share between threads.

    `Store(target, clock=now_ms)`: ``target`` is a SQLite file's path or a PostgreSQL
    URL (``database.database_url``); a missing file is created, and the schema brought to
    the newest revision; `clock` gives the milliseconds since the epoch of new reviews.
    """
