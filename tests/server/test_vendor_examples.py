"""The seed page's curl examples, replayed byte for byte against the bundled server."""

from __future__ import annotations

import httpx

from nps_core.server.runner import ServerHandle
from nps_core.server.store import Store
from tests.support.shops import SHOP

CREATE_WITH_EMAIL = (
    '{"shop_id":"0d42fd8b713d0752776ca589cc0056","shop_secret":"0123456789abcdef0123456789abcdef",'
    '"category":"category_id","channel":"channel_id","rate":8,"comment":"ok thanks",'
    '"email":"john.doe@examplemail.com"}'
)
CREATE_WITH_DID = (
    '{"shop_id":"0d42fd8b713d0752776ca589cc0056","did":"7rjVGhMykT","category":"category_id",'
    '"channel":"channel_id","rate":8,"comment":"ok thanks"}'
)
JSON = {"content-type": "application/json"}


def test_curl_categories(server: ServerHandle) -> None:
    r = httpx.get(f"{server.url}/nps/categories?shop_id=0d42fd8b713d0752776ca589cc0056")
    assert r.status_code == 200
    assert "category_id" in [c["code"] for c in r.json()]


def test_curl_channels(server: ServerHandle) -> None:
    r = httpx.get(f"{server.url}/nps/channels?shop_id=0d42fd8b713d0752776ca589cc0056")
    assert r.status_code == 200
    assert "channel_id" in [c["code"] for c in r.json()]


def test_curl_create_then_read(server: ServerHandle, store: Store) -> None:
    url = f"{server.url}/nps/create"
    first = httpx.post(url, content=CREATE_WITH_EMAIL, headers=JSON)
    assert (first.status_code, first.json()) == (200, {"status": "success"})
    second = httpx.post(url, content=CREATE_WITH_DID, headers=JSON)
    assert (second.status_code, second.json()) == (200, {"status": "success"})

    r = httpx.get(
        f"{server.url}/nps/reviews?shop_id=0d42fd8b713d0752776ca589cc0056"
        "&shop_secret=0123456789abcdef0123456789abcdef"
    )
    assert r.status_code == 200
    by_email, by_did = r.json()
    assert (by_email["rate"], by_email["comment"], by_email["channel"], by_email["category"]) == (
        8,
        "ok thanks",
        "channel_id",
        "category_id",
    )
    assert by_email["email"] == "john.doe@examplemail.com"
    assert by_did["email"] is None
    assert by_did["client_id"] != by_email["client_id"]
    assert [row["did"] for row in store.all_reviews(SHOP)] == [None, "7rjVGhMykT"]
