"""/openapi.json and /docs describe the real behaviour."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema

from nps_core.server.runner import ServerHandle
from nps_core.server.store import Store
from tests.support.servers import ServerFactory
from tests.support.shops import SECRET, SHOP, review


def validate(document: dict[str, Any], schema: dict[str, Any], instance: Any) -> None:
    jsonschema.validate(instance, {**schema, "components": document["components"]})


def test_docs_served(client: httpx.Client) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    assert "swagger" in r.text.lower()


def test_document_lists_parameters_bodies_and_errors(client: httpx.Client) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    paths = doc["paths"]
    assert set(paths) == {"/nps/categories", "/nps/channels", "/nps/create", "/nps/reviews"}
    reviews = paths["/nps/reviews"]["get"]
    assert {p["name"] for p in reviews["parameters"]} == {
        "shop_id",
        "shop_secret",
        "date_from",
        "date_to",
        "channel",
        "category",
    }
    assert set(reviews["responses"]) == {"200", "400", "403", "404", "429"}
    create = paths["/nps/create"]["post"]
    assert set(create["requestBody"]["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
    }
    assert set(create["responses"]) >= {"200", "400", "403", "404", "413", "415", "429"}
    assert "Retry-After" in create["responses"]["429"]["headers"]
    for path in paths.values():
        for operation in path.values():
            for status, response in operation["responses"].items():
                if status != "200":
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}


def test_schemas_match_real_answers(
    server: ServerHandle, client: httpx.Client, store: Store
) -> None:
    doc = client.get("/openapi.json").json()
    body = review(phone="+1 555 010 0000")
    ref = {"$ref": "#/components/schemas/CreateReview"}
    validate(doc, ref, body)
    assert client.post("/nps/create", json=body).status_code == 200
    store.create_review(SHOP, channel="kiosk", category="pickup", rate=0, created_ms=0)
    for path, params in (
        ("/nps/categories", {"shop_id": SHOP}),
        ("/nps/channels", {"shop_id": SHOP}),
        ("/nps/reviews", {"shop_id": SHOP, "shop_secret": SECRET}),
    ):
        answer = client.get(path, params=params)
        schema = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        validate(doc, schema["schema"], answer.json())
        error = client.get(path, params={"shop_id": "missing"})
        validate(doc, {"$ref": "#/components/schemas/Error"}, error.json())


def test_document_follows_options(start: ServerFactory) -> None:
    handle = start(shape="envelope", legacy=True, page_limit=50)
    doc = httpx.get(f"{handle.url}/openapi.json").json()
    ok = doc["paths"]["/nps/reviews"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["required"] == ["status", "payload"]
    assert "created_at" not in doc["components"]["schemas"]["Review"]["properties"]
    assert "50" in doc["paths"]["/nps/reviews"]["get"]["summary"]
