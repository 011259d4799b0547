"""fetch_reviews under injected faults: 500, 502, 429, slow past the timeout, dropped.

A share of faults is survived without a trace in the result; when nothing gets through,
the answer is an exception or the cached copy marked stale, never a partial frame that
looks whole.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from nps_core.contract.errors import AuthError, NpsApiError
from nps_core.data.cache import ReviewCache
from nps_core.data.client import NpsClient
from nps_core.data.fetch import Progress, ReviewSet, fetch_reviews
from nps_core.server.runner import ServerHandle
from tests.support.rows import CAP, DAY0, random_rows, review_row
from tests.support.servers import ServerFactory
from tests.support.shops import SHOP_ID, SHOP_SECRET

PERIOD = (DAY0, DAY0 + timedelta(days=23))
CLIENT_TIMEOUT = 0.3
# Options of the faulty servers. "slow" faults answer after twice the client's timeout:
# the client sees a time-out.
FAULTS: dict[str, Any] = {"fault_delay": 2 * CLIENT_TIMEOUT, "page_limit": CAP}
# Enough retries that 20% faults are survived with certainty (0.2^9 per request), and
# short waits between them so the test stays fast.
PATIENT: dict[str, Any] = {"timeout": CLIENT_TIMEOUT, "retries": 8, "backoff": 0.01}
# The cache namespace is the base URL by default; servers here differ only in faults.
SOURCE = "the-shop"


def fetch(
    server: ServerHandle,
    period: tuple[date, date] = PERIOD,
    cache: ReviewCache | None = None,
    progress: Progress | None = None,
    **client_options: Any,
) -> ReviewSet:
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET, max_backoff=0.2, **client_options) as client:
        return fetch_reviews(
            client,
            *period,
            page_limit=CAP,
            max_workers=4,
            cache=cache,
            source=SOURCE,
            progress=progress,
        )


def assert_same_result(got: ReviewSet, want: ReviewSet) -> None:
    """Same ids, same fields, same completeness: nothing shows that faults happened."""
    pd.testing.assert_frame_equal(got.frame, want.frame)
    assert (got.complete, got.truncated, got.stale) == (want.complete, want.truncated, False)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_twenty_percent_faults_change_nothing(server_factory: ServerFactory, seed: int) -> None:
    # Seed 3 has a cell over the cap: the split and truncation paths run under faults too.
    clean = server_factory(random_rows(30 + seed, hot_cell=seed == 3), page_limit=CAP)
    want = fetch(clean)
    faulty = server_factory(fault_rate=0.2, fault_seed=seed, **FAULTS)
    got = fetch(faulty, **PATIENT)
    assert_same_result(got, want)
    injected = faulty.app.faults.injected
    assert sum(injected.values()) >= 3, injected


def fail_from_now_on(server: ServerHandle, after: int) -> Progress:
    """A progress callback that spoils every answer once ``after`` windows arrived."""

    def progress(done: int, total: int) -> None:
        if done >= after:
            server.app.faults.rate = 1.0

    return progress


def test_a_fetch_failing_midway_raises(server_factory: ServerFactory) -> None:
    # A vanishing fault rate only installs the injector; the test turns it up midway.
    server = server_factory(random_rows(41), fault_rate=1e-12, **FAULTS)
    with pytest.raises(NpsApiError) as raised:
        fetch(server, progress=fail_from_now_on(server, 2), timeout=CLIENT_TIMEOUT, retries=1)
    assert not isinstance(raised.value, AuthError)
    answered = server.request_count - sum(server.app.faults.injected.values())
    assert answered >= 2  # windows had arrived: a partial frame was there to return


def test_all_faults_raise_without_a_cache(server_factory: ServerFactory, tmp_path: Path) -> None:
    server = server_factory(random_rows(50), fault_rate=1.0, **FAULTS)
    with pytest.raises(NpsApiError) as raised:
        fetch(server, cache=ReviewCache(tmp_path / "empty"), timeout=CLIENT_TIMEOUT, retries=2)
    assert not isinstance(raised.value, AuthError)


@pytest.mark.parametrize("failing_after", [0, 2], ids=["from-the-start", "midway"])
def test_faults_serve_the_whole_cached_copy_as_stale(
    server_factory: ServerFactory, tmp_path: Path, failing_after: int
) -> None:
    # Recent days (never cached as complete, so every fetch asks the API), dense enough
    # for several windows.
    now = datetime.now(UTC)
    rng = random.Random(51)
    moments = [now - timedelta(days=d, minutes=m) for d in range(4) for m in range(1, 90, 3)]
    period = (now.date() - timedelta(days=4), now.date())
    server = server_factory(
        [review_row(rng, moment) for moment in moments], fault_rate=1e-12, **FAULTS
    )
    cache = ReviewCache(tmp_path / "cache")
    good = fetch(server, period, cache=cache)
    assert len(good.frame) == len(moments)
    # New reviews arrive: a frame mixing fresh windows with stale ones would show them.
    server.app.state.store.insert_reviews_bulk(
        SHOP_ID, [review_row(rng, now - timedelta(days=d, minutes=1)) for d in range(4)]
    )
    stale = fetch(
        server,
        period,
        cache=cache,
        progress=fail_from_now_on(server, failing_after),
        timeout=CLIENT_TIMEOUT,
        retries=2,
    )
    assert stale.stale
    assert not stale.complete
    assert isinstance(stale.error, NpsApiError)
    pd.testing.assert_frame_equal(stale.frame, good.frame)
