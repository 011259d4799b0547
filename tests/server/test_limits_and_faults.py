"""Per-shop rate limiting and the fault-injecting middleware."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from nps_core.server.options import FAULT_KINDS, ServerOptions
from nps_core.server.ratelimit import RateLimiter
from tests.support.errors import assert_error
from tests.support.servers import ServerFactory
from tests.support.shops import OTHER_SECRET, OTHER_SHOP, SECRET, SHOP, review


def test_rate_limit_per_shop(start: ServerFactory) -> None:
    handle = start(rate_limit_per_minute=3)
    reviews = {"shop_id": SHOP, "shop_secret": SECRET}
    with httpx.Client(base_url=handle.url) as c:
        for _ in range(2):
            assert c.get("/nps/reviews", params=reviews).status_code == 200
        assert c.post("/nps/create", json=review()).status_code == 200
        limited = c.get("/nps/reviews", params=reviews)
        assert_error(limited, 429, "too many")
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert_error(c.post("/nps/create", json=review(rate=2)), 429)
        other = {"shop_id": OTHER_SHOP, "shop_secret": OTHER_SECRET}
        assert c.get("/nps/reviews", params=other).status_code == 200
        assert c.get("/openapi.json").status_code == 200
        assert c.get("/nps/channels", params={"shop_id": "unknown"}).status_code == 404
    assert [r["rate"] for r in handle.app.state.store.all_reviews(SHOP)] == [8]


def test_calls_without_the_secret_count_against_the_caller(start: ServerFactory) -> None:
    handle = start(rate_limit_per_minute=3)
    with httpx.Client(base_url=handle.url) as c:
        for _ in range(3):
            assert c.get("/nps/channels", params={"shop_id": SHOP}).status_code == 200
        assert_error(c.get("/nps/categories", params={"shop_id": OTHER_SHOP}), 429)
        assert_error(c.get("/nps/reviews", params={"shop_id": SHOP, "shop_secret": "x"}), 429)
        assert_error(c.post("/nps/create", json=review(shop_secret=..., did="d1")), 429)
        # The shop's own allowance is untouched.
        owner = {"shop_id": SHOP, "shop_secret": SECRET}
        assert c.get("/nps/reviews", params=owner).status_code == 200


def test_strangers_cannot_lock_a_shop_out(start: ServerFactory) -> None:
    handle = start(rate_limit_per_minute=100)
    owner = {"shop_id": SHOP, "shop_secret": SECRET}
    with httpx.Client(base_url=handle.url) as c:
        refused = [
            c.get("/nps/reviews", params={"shop_id": SHOP, "shop_secret": f"guess-{i}"})
            for i in range(150)
        ] + [c.post("/nps/create", json=review(shop_secret=f"guess-{i}")) for i in range(50)]
        assert {r.status_code for r in refused[:100]} == {403}
        assert {r.status_code for r in refused[100:]} == {429}
        assert c.get("/nps/reviews", params=owner).status_code == 200
        assert c.post("/nps/create", json=review()).status_code == 200


def test_rate_limiter_window() -> None:
    now = [100.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.check("a") is None
    now[0] += 30
    assert limiter.check("a") is None
    assert limiter.check("a") == 30
    assert limiter.check("b") is None
    now[0] += 30.5
    assert limiter.check("a") is None


@pytest.mark.parametrize("kind", ["500", "502", "429"])
def test_fault_statuses(start: ServerFactory, kind: str) -> None:
    handle = start(fault_rate=1.0, fault_kinds=(kind,))
    r = httpx.get(f"{handle.url}/nps/channels", params={"shop_id": SHOP})
    assert_error(r, int(kind))
    if kind == "429":
        assert r.headers["Retry-After"] == "1"
    assert httpx.get(f"{handle.url}/openapi.json").status_code == 200  # only /nps/ is faulted


def test_fault_drop(start: ServerFactory) -> None:
    handle = start(fault_rate=1.0, fault_kinds=("drop",))
    with httpx.Client(base_url=handle.url) as c:
        for _ in range(3):
            with pytest.raises(httpx.RemoteProtocolError):
                c.post("/nps/create", json=review())
    assert handle.app.state.store.all_reviews(SHOP) == []
    assert handle.request_count == 3


def test_fault_slow(start: ServerFactory) -> None:
    handle = start(fault_rate=1.0, fault_kinds=("slow",), fault_delay=0.6)
    url = f"{handle.url}/nps/channels"
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(url, params={"shop_id": SHOP}, timeout=0.2)
    assert httpx.get(url, params={"shop_id": SHOP}, timeout=5).status_code == 200


def test_fault_mix_is_seeded(start: ServerFactory) -> None:
    handle = start(fault_rate=0.3, fault_seed=42, fault_delay=0.0)
    outcomes: Counter[str] = Counter()
    with httpx.Client(base_url=handle.url) as c:
        for _ in range(120):
            try:
                outcomes[str(c.get("/nps/channels", params={"shop_id": SHOP}).status_code)] += 1
            except httpx.RemoteProtocolError:
                outcomes["drop"] += 1
    injected = handle.app.faults.injected
    assert set(injected) == set(FAULT_KINDS)
    assert 15 < sum(injected.values()) < 60
    assert outcomes["drop"] == injected["drop"]
    assert outcomes["500"] == injected["500"]
    assert outcomes["200"] == 120 - sum(injected.values()) + injected["slow"]


def test_options_are_checked() -> None:
    for bad, word in (
        ({"date_to": "sometimes"}, "date_to"),
        ({"shape": "tree"}, "shape"),
        ({"page_limit": 0}, "page_limit"),
        ({"day_tz": "Mars/Olympus"}, "time zone"),
        ({"fault_rate": 1.5}, "fault_rate"),
        ({"fault_kinds": ("teapot",)}, "fault_kinds"),
        ({"rate_limit_per_minute": 0}, "rate_limit"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"latency_jitter": 2}, "latency_jitter"),
        ({"max_connections": 0}, "max_connections"),
        ({"request_timeout": 0}, "request_timeout"),
    ):
        with pytest.raises(ValueError, match=word):
            ServerOptions(**bad)


def test_latency_is_added_to_every_answer_without_blocking(start: ServerFactory) -> None:
    handle = start(latency_ms=300, latency_jitter=0.2)
    limits = httpx.Limits(max_connections=40)
    with httpx.Client(base_url=handle.url, limits=limits, timeout=5) as client:

        def timed(_: int) -> float:
            started = time.perf_counter()
            assert client.get("/nps/channels", params={"shop_id": SHOP}).status_code == 200
            return time.perf_counter() - started

        alone = [timed(i) for i in range(3)]
        assert all(0.24 <= t < 0.6 for t in alone), alone
        # Forty at once take about one latency, not forty: the waits hold no worker.
        started = time.perf_counter()
        with ThreadPoolExecutor(40) as pool:
            together = list(pool.map(timed, range(40)))
        assert time.perf_counter() - started < 1.5
    assert min(together) >= 0.24
    assert max(together) - min(together) > 0.02  # jitter: the waits differ
