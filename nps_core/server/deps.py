"""The routes' dependencies: the app's store, options and rate limiter, and the shop a
request names, found, authorised and rate-limited.

Each takes the raw request (never a FastAPI-validated parameter), so that every
refusal keeps the contract's error body and the order of checks stays: parameters,
shop, secret, rate limit, then the rest. Only a call that proved the shop's secret
counts against the shop's limit: anyone can name a shop, and calls without its secret
(catalogs, creates by device id, wrong secrets) count against the caller's address
instead, so no stranger can use up a shop's allowance.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends
from starlette.requests import Request

from nps_core.contract.validation import check_text
from nps_core.server.options import ServerOptions
from nps_core.server.parsing import RequestError, create_fields, single_params
from nps_core.server.ratelimit import RateLimiter
from nps_core.server.reviews import ReadFilters
from nps_core.server.store import Shop, Store

__all__ = [
    "CreateFieldsDep",
    "CreateShopDep",
    "OptionsDep",
    "QueryShopDep",
    "ReviewsQuery",
    "ReviewsQueryDep",
    "StoreDep",
    "find_shop",
    "limit_caller",
    "limit_shop",
]

_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_REVIEWS_PARAMS = ("shop_id", "shop_secret", "date_from", "date_to", "channel", "category")


# The app's own objects, set by create_app. Async: nothing to wait for, so FastAPI need
# not hand them to its thread pool.
async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_options(request: Request) -> ServerOptions:
    options: ServerOptions = request.app.state.options
    return options


async def get_rate_limiter(request: Request) -> RateLimiter | None:
    limiter: RateLimiter | None = request.app.state.rate_limiter
    return limiter


StoreDep = Annotated[Store, Depends(get_store)]
OptionsDep = Annotated[ServerOptions, Depends(get_options)]
LimiterDep = Annotated[RateLimiter | None, Depends(get_rate_limiter)]


def find_shop(store: Store, shop_id: object) -> Shop:
    """The shop named `shop_id`."""
    if shop_id is None or shop_id == "":
        raise RequestError(404, "shop_id is required")
    problem = check_text(shop_id)
    if problem:
        raise RequestError(400, f"shop_id: {problem}")
    assert isinstance(shop_id, str)
    shop = store.get_shop(shop_id)
    if shop is None:
        raise RequestError(404, "shop not found")
    return shop


def _limit(limiter: RateLimiter | None, key: str) -> None:
    """Count a call against `key`'s allowance; 429 when it is used up."""
    if limiter is None:
        return
    retry_after = limiter.check(key)
    if retry_after is not None:
        raise RequestError(
            429,
            f"too many requests: at most {limiter.per_minute} per minute",
            {"Retry-After": str(retry_after)},
        )


def limit_shop(limiter: RateLimiter | None, shop: Shop) -> None:
    """An authenticated call: it counts against its shop."""
    _limit(limiter, f"shop {shop.shop_id}")


def limit_caller(limiter: RateLimiter | None, request: Request) -> None:
    """A call without the shop's secret: it counts against the caller's address."""
    _limit(limiter, f"address {request.client.host if request.client else '?'}")


def _same_secret(given: str, expected: str) -> bool:
    # Constant-time; bytes because compare_digest refuses non-ASCII str.
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def query_shop(request: Request, store: StoreDep, limiter: LimiterDep) -> Shop:
    """The shop of a catalog request: `shop_id` in the query string, no secret."""
    shop = find_shop(store, single_params(request, ("shop_id",)).get("shop_id"))
    limit_caller(limiter, request)
    return shop


QueryShopDep = Annotated[Shop, Depends(query_shop)]


@dataclass(frozen=True, slots=True)
class ReviewsQuery:
    """What a reviews request asks for: a shop's reviews with start_ms <= created_ms <
    end_ms, of a segment (the filters the store's reads take)."""

    shop: Shop
    filters: ReadFilters


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


def _end_ms(last: date | None, options: ServerOptions) -> int | None:
    """Where the answer stops for the day `date_to` names (see ServerOptions.date_to)."""
    if last is None:
        return None
    if options.date_to == "exclusive":
        return _day_start_ms(last, options.tz)
    return None if last == date.max else _day_start_ms(last + timedelta(days=1), options.tz)


def reviews_query(
    request: Request, store: StoreDep, limiter: LimiterDep, options: OptionsDep
) -> ReviewsQuery:
    """The checked query of a reviews request; the shop's secret is required."""
    params = single_params(request, _REVIEWS_PARAMS)
    shop = find_shop(store, params.get("shop_id"))
    secret = params.get("shop_secret")
    if secret is None or not _same_secret(secret, shop.secret):
        limit_caller(limiter, request)
        raise RequestError(
            403, "shop_secret is required" if secret is None else "shop_secret is wrong"
        )
    limit_shop(limiter, shop)
    first = _parse_day(params.get("date_from"), "date_from")
    last = _parse_day(params.get("date_to"), "date_to")
    filters = ReadFilters(
        start_ms=_day_start_ms(first, options.tz) if first else None,
        end_ms=_end_ms(last, options),
        channel=params.get("channel"),
        category=params.get("category"),
    )
    return ReviewsQuery(shop, filters)


ReviewsQueryDep = Annotated[ReviewsQuery, Depends(reviews_query)]


async def read_create_fields(request: Request, options: OptionsDep) -> dict[str, Any]:
    """The fields of a create request (query string overlaid by the body)."""
    return await create_fields(request, options.max_body_bytes)


CreateFieldsDep = Annotated[dict[str, Any], Depends(read_create_fields)]


def create_shop(
    request: Request, fields: CreateFieldsDep, store: StoreDep, limiter: LimiterDep
) -> Shop:
    """The shop of a create request: its secret, if given, must be right; else a did."""
    shop = find_shop(store, fields.get("shop_id"))
    secret = fields.get("shop_secret")
    if secret is not None and secret != "":
        right = isinstance(secret, str) and not check_text(secret)
        if not (right and _same_secret(secret, shop.secret)):
            limit_caller(limiter, request)
            raise RequestError(403, "shop_secret is wrong")
        limit_shop(limiter, shop)
    elif fields.get("did") in (None, ""):
        limit_caller(limiter, request)
        raise RequestError(403, "shop_secret or did is required")
    else:
        limit_caller(limiter, request)  # a device id proves nothing about the shop
    return shop


CreateShopDep = Annotated[Shop, Depends(create_shop)]
