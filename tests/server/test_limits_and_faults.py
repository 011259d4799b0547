"""Per-shop rate limiting and the fault-injecting middleware."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from nps_core.server.options import FAULT_KINDS, ServerOptions
from nps_core.server.ratelimit import RateLimiter
from tests.support.errors import assert_error
from tests.support.servers import ServerFactory
from tests.support.shops import OTHER_SHOP, SHOP, review


def test_rate_limit_per_shop(start: ServerFactory) -> None:
    handle = start(rate_limit_per_minute=3)
    with httpx.Client(base_url=handle.url) as c:
        for _ in range(2):
            assert c.get("/nps/channels", params={"shop_id": SHOP}).status_code == 200
        assert c.post("/nps/create", json=review()).status_code == 200
        limited = c.get("/nps/categories", params={"shop_id": SHOP})
        assert_error(limited, 429, "too many")
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert_error(c.post("/nps/create", json=review(rate=2)), 429)
        assert c.get("/nps/channels", params={"shop_id": OTHER_SHOP}).status_code == 200
        assert c.get("/openapi.json").status_code == 200
        assert c.get("/nps/channels", params={"shop_id": "unknown"}).status_code == 404
    assert [r["rate"] for r in handle.app.state.store.all_reviews(SHOP)] == [8]


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
    ):
        with pytest.raises(ValueError, match=word):
            ServerOptions(**bad)
