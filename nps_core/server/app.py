"""The bundled PersonaClick-compatible NPS server: `create_app(db_path, options)`.

Handlers read their parameters themselves (see `parsing`) so that every refusal,
including malformed input, carries the contract's error body; the OpenAPI document
is written by hand in `openapi` to match.
"""

from __future__ import annotations

import hmac
import re
import threading
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from nps_core.contract.validation import check_text, validate_review
from nps_core.server.faults import FaultInjector
from nps_core.server.openapi import build_openapi
from nps_core.server.options import FAULT_KINDS, FaultKind, ServerOptions
from nps_core.server.parsing import RequestError, create_fields, single_params
from nps_core.server.ratelimit import RateLimiter
from nps_core.server.responses import error_response, json_response
from nps_core.server.store import CATEGORY_TEXTS, Shop, Store

__all__ = ["FAULT_KINDS", "FaultKind", "NpsApp", "ServerOptions", "create_app"]

_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class NpsApp(FastAPI):
    """FastAPI plus two things outside its middleware stack: a request counter (tests
    count the calls a client makes) and optional fault injection, which needs the
    server's own `send` to drop connections."""

    def __init__(self, *, options: ServerOptions, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._count_lock = threading.Lock()
        self.state.request_count = 0
        inner = partial(FastAPI.__call__, self)
        self.faults: FaultInjector | None = None
        if options.fault_rate > 0:
            self.faults = FaultInjector(
                inner,
                rate=options.fault_rate,
                kinds=options.fault_kinds,
                delay=options.fault_delay,
                seed=options.fault_seed,
            )
        self._entry = self.faults or inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            with self._count_lock:
                self.state.request_count += 1
        await self._entry(scope, receive, send)


def _same_secret(given: str, expected: str) -> bool:
    # Constant-time; bytes because compare_digest refuses non-ASCII str.
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def _day_start_ms(day: date, tz: ZoneInfo) -> int | None:
    """Milliseconds at which `day` begins in `tz`; None if out of range (no bound)."""
    try:
        return (datetime.combine(day, time(0), tzinfo=tz) - _EPOCH_UTC) // _ONE_MS
    except OverflowError:
        return None


def _parse_day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise RequestError(400, f"{name} must be a date in YYYY-MM-DD format")


def create_app(db_path: str | Path, options: ServerOptions | None = None) -> FastAPI:
    """The API over the SQLite database at `db_path` (created if missing)."""
    options = options or ServerOptions()
    store = Store(db_path)
    tz = options.tz
    limiter = RateLimiter(options.rate_limit_per_minute) if options.rate_limit_per_minute else None
    app = NpsApp(
        options=options,
        title="PersonaClick-compatible NPS API",
        redirect_slashes=False,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    document = build_openapi(options)
    app.openapi = lambda: document  # type: ignore[method-assign]
    app.state.store = store
    app.state.options = options
    app.state.rate_limiter = limiter

    def wrap(key: str, items: list[dict[str, Any]]) -> Any:
        if options.shape == "envelope":
            return {"status": "success", "payload": {key: items}}
        return items

    def find_shop(shop_id: object) -> Shop:
        if shop_id is None or shop_id == "":
            raise RequestError(404, "shop_id is required")
        problem = check_text(shop_id)
        if problem:
            raise RequestError(400, f"shop_id: {problem}")
        assert isinstance(shop_id, str)
        shop = store.get_shop(shop_id)
        if shop is None:
            raise RequestError(404, "shop not found")
        if limiter is not None:
            retry_after = limiter.check(shop.shop_id)
            if retry_after is not None:
                raise RequestError(
                    429,
                    f"too many requests: at most {limiter.per_minute} per minute",
                    {"Retry-After": str(retry_after)},
                )
        return shop

    # -- errors: always the contract's body --------------------------------------

    @app.exception_handler(RequestError)
    async def on_request_error(request: Request, exc: RequestError) -> Response:
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        parts = [
            f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', 'invalid')}"
            for err in exc.errors()
        ]
        return error_response(400, "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> Response:
        return error_response(500, "internal server error")

    # -- endpoints -----------------------------------------------------------------

    @app.get("/nps/categories", include_in_schema=False)
    def categories(request: Request) -> Response:
        shop = find_shop(single_params(request, ("shop_id",)).get("shop_id"))
        items = [
            {
                "id": c.id,
                "code": c.code,
                "name": c.name,
                **{t: getattr(c, t) for t in CATEGORY_TEXTS},
            }
            for c in store.active_categories(shop.shop_id)
        ]
        return json_response(wrap("categories", items))

    @app.get("/nps/channels", include_in_schema=False)
    def channels(request: Request) -> Response:
        shop = find_shop(single_params(request, ("shop_id",)).get("shop_id"))
        items = [
            {"id": c.id, "code": c.code, "name": c.name}
            for c in store.active_channels(shop.shop_id)
        ]
        return json_response(wrap("channels", items))

    @app.get("/nps/reviews", include_in_schema=False)
    def reviews(request: Request) -> Response:
        params = single_params(
            request, ("shop_id", "shop_secret", "date_from", "date_to", "channel", "category")
        )
        shop = find_shop(params.get("shop_id"))
        secret = params.get("shop_secret")
        if secret is None:
            raise RequestError(403, "shop_secret is required")
        if not _same_secret(secret, shop.secret):
            raise RequestError(403, "shop_secret is wrong")
        first = _parse_day(params.get("date_from"), "date_from")
        last = _parse_day(params.get("date_to"), "date_to")
        start = _day_start_ms(first, tz) if first else None
        end = None
        if last is not None:
            if options.date_to == "inclusive":
                end = None if last == date.max else _day_start_ms(last + timedelta(days=1), tz)
            else:
                end = _day_start_ms(last, tz)
        reviews = store.reviews_json(
            shop.shop_id,
            start,
            end,
            params.get("channel"),
            params.get("category"),
            limit=options.page_limit,
            legacy=options.legacy,
        )
        if options.shape == "envelope":
            reviews = f'{{"status":"success","payload":{{"reviews":{reviews}}}}}'
        return Response(reviews.encode(), media_type="application/json")

    @app.post("/nps/create", include_in_schema=False)
    async def create(request: Request) -> Response:
        fields = await create_fields(request, options.max_body_bytes)
        return await run_in_threadpool(save_review, fields)

    def save_review(fields: dict[str, Any]) -> Response:
        shop = find_shop(fields.get("shop_id"))
        secret = fields.get("shop_secret")
        if secret is not None and secret != "":
            if not isinstance(secret, str) or check_text(secret):
                raise RequestError(403, "shop_secret is wrong")
            if not _same_secret(secret, shop.secret):
                raise RequestError(403, "shop_secret is wrong")
        elif fields.get("did") in (None, ""):
            raise RequestError(403, "shop_secret or did is required")
        errors = validate_review(
            fields,
            channels={c.code for c in store.active_channels(shop.shop_id)},
            categories={c.code for c in store.active_categories(shop.shop_id)},
        )
        if errors:
            raise RequestError(400, "; ".join(str(e) for e in errors))

        def text(name: str) -> str | None:
            value = fields.get(name)
            return value if isinstance(value, str) and value else None

        store.create_review(
            shop.shop_id,
            channel=fields["channel"],
            category=fields["category"],
            rate=fields["rate"],
            comment=text("comment"),
            email=text("email"),
            phone=text("phone"),
            did=text("did"),
            order_id=text("order_id"),
            loyalty_id=text("loyalty_id"),
            external_id=text("external_id"),
            seance=text("seance") or text("sid"),
        )
        return json_response({"status": "success"})

    return app
