"""The server's OpenAPI document, written by hand so that it states the real behaviour.

The handlers parse their input themselves (to answer every malformed request with the
contract's error body), so FastAPI cannot infer parameters or bodies; this module
describes them, and the response shapes that the chosen ServerOptions produce.
"""

from __future__ import annotations

from typing import Any

from nps_core.contract.validation import (
    EMAIL_PATTERN,
    MAX_COMMENT_LENGTH,
    MAX_FIELD_LENGTH,
    PHONE_NOISE,
    RATE_MAX,
    RATE_MIN,
)
from nps_core.contract.wire import CATEGORY_TEXTS, CREATE_FIELDS
from nps_core.server.options import ServerOptions

__all__ = ["build_openapi"]

_NO_NUL = "^[^\\u0000]*$"
_EMAIL = f"^({EMAIL_PATTERN})?$"
_PHONE = f"^({PHONE_NOISE}*\\+?{PHONE_NOISE}*([0-9]{PHONE_NOISE}*){{7,15}})?$"
# A day, or empty (which counts as not given).
_DAY = {
    "type": "string",
    "anyOf": [{"maxLength": 0}, {"format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}],
}

# A filter of any length (an unknown code matches nothing), but never with NUL.
_FILTER = {"type": "string", "pattern": _NO_NUL}

_ERRORS = {
    400: "Malformed request or invalid field; `message` names the field.",
    403: "Shop secret missing or wrong (or, for create, neither secret nor did given).",
    404: "Unknown shop, or `shop_id` missing.",
    405: "Method not allowed.",
    413: "Request body too large.",
    415: "Unsupported Content-Type of the request body.",
    429: (
        "Rate limit reached (the shop's, for calls with its secret; the caller's address's,"
        " for others); retry after `Retry-After` seconds."
    ),
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(
    max_length: int = MAX_FIELD_LENGTH, pattern: str | None = None, **extra: Any
) -> dict[str, Any]:
    schema = {"type": "string", "maxLength": max_length, "pattern": _NO_NUL, **extra}
    if pattern is not None:  # in addition to the NUL rule
        schema["allOf"] = [{"pattern": pattern}]
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _param(name: str, description: str, schema: dict[str, Any], required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


_SHOP_ID = _param("shop_id", "Store key of the shop.", _text(minLength=1), required=True)
_SHOP_SECRET = _param("shop_secret", "Secret key of the shop.", _text(minLength=1), required=True)


def _errors(*statuses: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status in statuses:
        response: dict[str, Any] = {
            "description": _ERRORS[status],
            "content": {"application/json": {"schema": _ref("Error")}},
        }
        if status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before the next call.",
                    "schema": {"type": "integer", "minimum": 1},
                }
            }
        out[str(status)] = response
    return out


def _list_response(item: str, key: str, shape: str, description: str) -> dict[str, Any]:
    items = {"type": "array", "items": _ref(item)}
    if shape == "envelope":
        schema: dict[str, Any] = {
            "type": "object",
            "required": ["status", "payload"],
            "properties": {
                "status": {"const": "success"},
                "payload": {"type": "object", "required": [key], "properties": {key: items}},
            },
        }
    else:
        schema = items
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _object(props: dict[str, Any]) -> dict[str, Any]:
    """An object schema whose every property is required."""
    return {"type": "object", "required": list(props), "properties": props}


def _review_schema(legacy: bool) -> dict[str, Any]:
    client = _nullable({"type": "integer", "minimum": 0})
    props: dict[str, Any] = {
        "id": {"type": "integer"},
        "client": client,
        "rate": {"type": "integer", "minimum": 0, "maximum": RATE_MAX},
        "channel": {"type": "string"},
        "category": {"type": "string"},
        "comment": _nullable({"type": "string"}),
    }
    if not legacy:
        props |= {
            "client_id": client,
            "email": _nullable({"type": "string"}),
            "phone": _nullable({"type": "string"}),
            "created_at": {
                "type": "string",
                "format": "date-time",
                "description": "UTC, with milliseconds, e.g. 2023-07-21T02:35:06.374Z.",
            },
        }
    return _object(props)


def _create_schema(form: bool) -> dict[str, Any]:
    def optional(schema: dict[str, Any]) -> dict[str, Any]:
        # JSON null means "not given"; form fields are always text.
        return schema if form else _nullable(schema)

    # Fields not named here are optional short texts.
    special: dict[str, dict[str, Any]] = {
        "shop_id": _text(minLength=1),
        "did": optional(_text(description="Device id; replaces shop_secret.")),
        "seance": optional(_text(description="Session id (newer name: sid).")),
        "sid": optional(_text(description="Session id (older name: seance).")),
        "email": optional(_text(pattern=_EMAIL)),
        "phone": optional(_text(pattern=_PHONE)),
        "channel": _text(minLength=1, description="Code of an active channel of the shop."),
        "category": _text(minLength=1, description="Code of an active category of the shop."),
        "rate": {"type": "integer", "minimum": RATE_MIN, "maximum": RATE_MAX},
        "comment": optional(_text(MAX_COMMENT_LENGTH)),
    }
    props = {name: special.get(name) or optional(_text()) for name in CREATE_FIELDS}
    given = {"type": "string", "minLength": 1}
    return {
        "type": "object",
        "required": ["shop_id", "channel", "category", "rate"],
        "properties": props,
        # Either a did, or the secret together with an email or a phone number.
        "anyOf": [
            {"required": ["did"], "properties": {"did": given}},
            {
                "required": ["shop_secret"],
                "properties": {"shop_secret": given},
                "anyOf": [
                    {"required": ["email"], "properties": {"email": given}},
                    {"required": ["phone"], "properties": {"phone": given}},
                ],
            },
        ],
    }


def _catalog_path(kind: str, item: str, shape: str) -> dict[str, Any]:
    """GET /nps/channels or /nps/categories."""
    return {
        "get": {
            "operationId": f"list{kind.capitalize()}",
            "summary": f"Active NPS {kind} of a shop",
            "parameters": [_SHOP_ID],
            "responses": {
                "200": _list_response(item, kind, shape, f"Active {kind}."),
                **_errors(400, 404, 429),
            },
        }
    }


def _create_path() -> dict[str, Any]:
    return {
        "post": {
            "operationId": "createReview",
            "summary": "Save an NPS review",
            "description": (
                "A second review by the same person (did, email or phone) for the "
                "same channel, category and UTC day replaces the first. For vendor "
                "SDKs that send them so, the same fields are also read from the "
                "query string, a body field (even null) taking precedence; that "
                "mode is left out of this schema, which cannot express the merge."
            ),
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": _ref("CreateReview")},
                    "application/x-www-form-urlencoded": {"schema": _ref("CreateReviewForm")},
                },
            },
            "responses": {
                "200": {
                    "description": "Saved.",
                    "content": {"application/json": {"schema": _ref("Success")}},
                },
                **_errors(400, 403, 404, 413, 415, 429),
            },
        }
    }


def _reviews_path(options: ServerOptions) -> dict[str, Any]:
    date_to_rule = (
        "date_to is inclusive: reviews of that day are part of the answer"
        if options.date_to == "inclusive"
        else "date_to is exclusive: the answer stops where that day begins"
    )
    return {
        "get": {
            "operationId": "listReviews",
            "summary": f"Reviews, ascending by id, at most {options.page_limit}",
            "description": (
                f"Days are calendar days in {options.day_tz}; {date_to_rule}. When "
                f"more reviews match, the answer holds the {options.page_limit} with "
                "the lowest ids; there is no pagination."
            ),
            "parameters": [
                _SHOP_ID,
                _SHOP_SECRET,
                _param("date_from", "First day (YYYY-MM-DD).", _DAY),
                _param("date_to", f"Last day (YYYY-MM-DD), {options.date_to}.", _DAY),
                _param("channel", "Channel code.", _FILTER),
                _param("category", "Category code.", _FILTER),
            ],
            "responses": {
                "200": _list_response("Review", "reviews", options.shape, "Matching reviews."),
                **_errors(400, 403, 404, 429),
            },
        }
    }


def _schemas(legacy: bool) -> dict[str, Any]:
    channel_props: dict[str, Any] = {
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "name": _nullable({"type": "string"}),
    }
    category_props = channel_props | {t: _nullable({"type": "string"}) for t in CATEGORY_TEXTS}
    return {
        "Error": {
            "type": "object",
            "required": ["status", "message", "payload"],
            "properties": {
                "status": {"const": "error"},
                "message": {"type": "string"},
                "payload": {
                    "type": "object",
                    "required": ["message"],
                    "properties": {"message": {"type": "string"}},
                },
            },
        },
        "Success": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"const": "success"}},
        },
        "Channel": _object(channel_props),
        "Category": _object(category_props),
        "Review": _review_schema(legacy),
        "CreateReview": _create_schema(form=False),
        "CreateReviewForm": _create_schema(form=True),
    }


def build_openapi(options: ServerOptions) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PersonaClick-compatible NPS API (bundled server)",
            "version": "1.0",
            "description": (
                "Self-hosted implementation of the four PersonaClick NPS endpoints. "
                "Errors always have the body "
                '`{"status": "error", "message": m, "payload": {"message": m}}`.'
            ),
        },
        "paths": {
            "/nps/categories": _catalog_path("categories", "Category", options.shape),
            "/nps/channels": _catalog_path("channels", "Channel", options.shape),
            "/nps/create": _create_path(),
            "/nps/reviews": _reviews_path(options),
        },
        "components": {"schemas": _schemas(options.legacy)},
    }
