"""The four endpoints of the NPS API, on a router that `app.create_app` includes.

They are left out of FastAPI's generated schema: the handlers read their input
themselves (see `deps` and `parsing`), and `openapi` describes it by hand.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from nps_core.contract.validation import validate_review
from nps_core.contract.wire import CATEGORY_TEXTS
from nps_core.server.deps import (
    CreateFieldsDep,
    CreateShopDep,
    OptionsDep,
    QueryShopDep,
    ReviewsQueryDep,
    StoreDep,
)
from nps_core.server.options import ServerOptions
from nps_core.server.parsing import RequestError
from nps_core.server.responses import json_response
from nps_core.server.reviews import REVIEW_TEXTS, STORED_AS

__all__ = ["router"]

router = APIRouter()


def _listing(options: ServerOptions, key: str, items: list[dict[str, Any]]) -> Response:
    if options.shape == "envelope":
        return json_response({"status": "success", "payload": {key: items}})
    return json_response(items)


@router.get("/nps/categories", include_in_schema=False)
def categories(shop: QueryShopDep, store: StoreDep, options: OptionsDep) -> Response:
    items = [
        {"id": c.id, "code": c.code, "name": c.name, **{t: getattr(c, t) for t in CATEGORY_TEXTS}}
        for c in store.active_categories(shop.shop_id)
    ]
    return _listing(options, "categories", items)


@router.get("/nps/channels", include_in_schema=False)
def channels(shop: QueryShopDep, store: StoreDep, options: OptionsDep) -> Response:
    items = [
        {"id": c.id, "code": c.code, "name": c.name} for c in store.active_channels(shop.shop_id)
    ]
    return _listing(options, "channels", items)


@router.get("/nps/reviews", include_in_schema=False)
def reviews(query: ReviewsQueryDep, store: StoreDep, options: OptionsDep) -> Response:
    text = store.reviews_json(
        query.shop.shop_id, limit=options.page_limit, legacy=options.legacy, **query.filters
    )
    if options.shape == "envelope":
        text = f'{{"status":"success","payload":{{"reviews":{text}}}}}'
    return Response(text.encode(), media_type="application/json")


def _text(fields: dict[str, Any], name: str) -> str | None:
    value = fields.get(name)
    return value if isinstance(value, str) and value else None


@router.post("/nps/create", include_in_schema=False)
def create(fields: CreateFieldsDep, shop: CreateShopDep, store: StoreDep) -> Response:
    active_channels, active_categories = store.active_codes(shop.shop_id)
    errors = validate_review(fields, channels=active_channels, categories=active_categories)
    if errors:
        raise RequestError(400, "; ".join(str(e) for e in errors))
    texts = {name: _text(fields, name) for name in REVIEW_TEXTS}
    for alias, name in STORED_AS.items():  # the stored name wins over its alias
        texts[name] = texts[name] or _text(fields, alias)
    store.create_review(
        shop.shop_id,
        channel=fields["channel"],
        category=fields["category"],
        rate=fields["rate"],
        created_ms=None,  # now, by the store's clock
        **texts,
    )
    return json_response({"status": "success"})
