"""All database access of the bundled server, as one `Store`.

The work is split by job: `database` (schema, connections, transactions), `shops`
(shops, channels, categories) and `reviews` (writes with the replace rule, reads).
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

    `Store(db_path, clock=now_ms)`: the file is created, with its schema, if missing;
    `clock` gives the milliseconds since the epoch of new reviews.
    """
