"""Schemathesis against the bundled server over real HTTP: no 5xx, the contract's errors."""

from __future__ import annotations

from nps_core.server.store import Store
from tests.support.fuzzing import RealValues, fuzz
from tests.support.servers import ServerFactory
from tests.support.shops import SHOP_ID, SHOP_SECRET

# 4 operations x positive/negative x 150 = 1,200 cases; about 12 s.
CASES_PER_MODE = 150


def test_fuzz_every_operation(server_factory: ServerFactory) -> None:
    server = server_factory()
    real = RealValues(SHOP_ID, SHOP_SECRET, channel="web", category="product")
    report = fuzz(server.url, real, cases_per_mode=CASES_PER_MODE, seed=8)
    assert report.cases >= 1_000
    assert report.server_errors() == 0
    # The swapped-in real values took cases past authentication to every outcome.
    for operation in ("GET /nps/reviews", "POST /nps/create"):
        for status in (200, 400, 403, 404):
            assert report.count(operation, status=status) > 0, (operation, status)
    store: Store = server.app.state.store
    stored = len(store.all_reviews(SHOP_ID))
    # Accepted creates were stored (a same-day repeat replaces its first); nothing else was.
    assert 0 < stored <= report.count("POST /nps/create", status=200)
