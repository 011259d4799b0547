"""NpsClient and fetch_reviews against the server's per-shop rate limit (429 + Retry-After).

The limit counts a minute: the client's sleeps move a clock shared with the server's
limiter instead of passing, so a test covers several windows in milliseconds.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pandas as pd

from nps_core.data.client import NpsClient
from nps_core.data.fetch import fetch_reviews
from nps_core.server.runner import ServerHandle
from tests.support.rows import CAP, DAY0, random_rows
from tests.support.servers import ServerFactory
from tests.support.shops import SHOP_ID, SHOP_SECRET

LIMIT = 5


class SimulatedTime:
    """A clock that moves only when the client sleeps (and then without sleeping)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def client(self, server: ServerHandle, **options: Any) -> NpsClient:
        """A client of the test shop on ``server`` whose waits move this clock."""
        return NpsClient(
            server.url,
            SHOP_ID,
            SHOP_SECRET,
            sleep=self.sleep,
            clock=self.clock,
            max_backoff=120,
            **options,
        )


def limited_server(
    server_factory: ServerFactory, simulated: SimulatedTime, **options: Any
) -> ServerHandle:
    server = server_factory(rate_limit_per_minute=LIMIT, **options)
    server.app.state.rate_limiter.clock = simulated.clock
    return server


def test_client_waits_out_the_limit_and_never_hammers(server_factory: ServerFactory) -> None:
    simulated = SimulatedTime()
    server = limited_server(server_factory, simulated)
    calls = 2 * LIMIT + 2
    with simulated.client(server) as client:
        for _ in range(calls):
            assert [c.code for c in client.channels()] == ["email", "web", "sms"]
    # One 429 per exhausted window, each followed by a wait of a whole minute (the
    # Retry-After), then success: calls + 2 requests in all.
    assert server.request_count == calls + 2
    assert client.request_count == calls + 2
    assert simulated.sleeps == [60.0, 60.0]


def test_parallel_fetch_is_complete_and_backs_off_together(
    server_factory: ServerFactory,
) -> None:
    rows = random_rows(21)
    period = (DAY0, DAY0 + timedelta(days=23))
    free = server_factory(rows, page_limit=CAP)
    with NpsClient(free.url, SHOP_ID, SHOP_SECRET) as client:
        want = fetch_reviews(client, *period, page_limit=CAP, max_workers=4)
    needed = free.request_count

    simulated = SimulatedTime()
    server = limited_server(server_factory, simulated, page_limit=CAP)
    with simulated.client(server, retries=6) as client:
        got = fetch_reviews(client, *period, page_limit=CAP, max_workers=4)
    pd.testing.assert_frame_equal(got.frame, want.frame)
    assert got.complete == want.complete
    # The workers share one pause: at most one 429 each per one-minute window.
    refused = server.request_count - needed
    assert 0 < refused <= 4 * math.ceil(needed / LIMIT)
