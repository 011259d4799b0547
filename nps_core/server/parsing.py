"""Reading request parameters defensively: every malformed input is a clear 4xx.

`/nps/create` takes its fields from a JSON body, a form-encoded body or the query
string (one vendor SDK sends them that way); body fields win over query fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from nps_core.contract.wire import CREATE_FIELDS

__all__ = ["RequestError", "create_fields", "single_params"]

# In form and query encodings everything is text: "7" is how a rate of 7 arrives.
_DECIMAL = re.compile(r"[0-9]{1,6}")
_FORM = "application/x-www-form-urlencoded"
# Bodies a little over the limit are read and discarded before answering 413, so the
# client (still sending) receives the answer instead of a reset connection.
_DRAIN_FACTOR = 16


class RequestError(Exception):
    """A request the server refuses; becomes the contract's error body."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _query_pairs(request: Request) -> list[tuple[str, str]]:
    """The query string's pairs, strictly decoded: Starlette's own `query_params` would
    turn invalid UTF-8 into U+FFFD, and a filter would then silently match nothing."""
    try:
        return parse_qsl(
            request.scope.get("query_string", b"").decode("latin-1"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
        )
    except UnicodeError:
        raise RequestError(400, "query string is not valid UTF-8 after percent-decoding") from None


def single_params(request: Request, names: Iterable[str]) -> dict[str, str]:
    """The named query parameters that are present and non-empty; repeats are an error."""
    wanted = set(names)
    seen: set[str] = set()
    out: dict[str, str] = {}
    for name, value in _query_pairs(request):
        if name not in wanted:
            continue
        if name in seen:
            raise RequestError(400, f"query parameter {name} is given more than once")
        seen.add(name)
        if "\x00" in value:
            raise RequestError(400, f"{name}: must not contain NUL characters")
        if value != "":
            out[name] = value
    return out


async def _read_body(request: Request, limit: int) -> bytes:
    too_large = RequestError(413, f"request body is larger than {limit} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        await _drain(request, limit * _DRAIN_FACTOR)
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            await _drain(request, limit * _DRAIN_FACTOR - size)
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def _drain(request: Request, budget: int) -> None:
    try:
        async for chunk in request.stream():
            budget -= len(chunk)
            if budget <= 0:
                return
    except Exception:  # the body may already be consumed or the client gone
        return


def _text_value(value: str) -> Any:
    return int(value) if _DECIMAL.fullmatch(value) else value


def _pairs(pairs: Iterable[tuple[str, str]], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key not in CREATE_FIELDS:
            continue
        if key in out:
            raise RequestError(400, f"{key} is given more than once in the {where}")
        out[key] = _text_value(value) if key == "rate" else value
    return out


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _DuplicateKey(key)
        obj[key] = value
    return obj


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _parse_json(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestError(400, "request body is not valid UTF-8") from None
    try:
        data = json.loads(text, object_pairs_hook=_unique_object, parse_constant=_no_constants)
    except _DuplicateKey as exc:
        raise RequestError(400, f"duplicate key {_short(exc.key)} in JSON body") from None
    except RecursionError:
        raise RequestError(400, "JSON body is nested too deeply") from None
    except ValueError as exc:
        raise RequestError(400, f"malformed JSON body: {exc}") from None
    if not isinstance(data, dict):
        raise RequestError(400, "JSON body must be an object")
    rate = data.get("rate")
    if isinstance(rate, float) and rate.is_integer():
        # JSON does not tell 8 from 8.0 (nor does JSON Schema's "integer"); 7.5 stays.
        data["rate"] = int(rate)
    # JSON null means "not given"; the caller lets it hide a query-string value too.
    return {k: v for k, v in data.items() if k in CREATE_FIELDS}


def _parse_form(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("ascii")
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeError:
        raise RequestError(400, "form body is not valid UTF-8 after percent-decoding") from None
    except ValueError as exc:
        raise RequestError(400, f"malformed form body: {exc}") from None
    return _pairs(pairs, "form body")


def _media_type(header: str) -> tuple[str, dict[str, str]]:
    media, *rest = header.split(";")
    params = {}
    for item in rest:
        key, _, value = item.partition("=")
        params[key.strip().lower()] = value.strip().strip('"').lower()
    return media.strip().lower(), params


async def create_fields(request: Request, max_body_bytes: int) -> dict[str, Any]:
    """The fields of a create request: query string, overlaid by the body's fields."""
    fields = _pairs(_query_pairs(request), "query string")

    body = await _read_body(request, max_body_bytes)
    if not body:
        return fields
    header = request.headers.get("content-type")
    if header is None:
        raise RequestError(415, f"Content-Type is missing: send application/json or {_FORM}")
    media, params = _media_type(header)
    charset = params.get("charset")
    if charset is not None and charset not in ("utf-8", "utf8"):
        raise RequestError(415, "only UTF-8 request bodies are accepted")
    if media == "application/json" or media.endswith("+json"):
        for key, value in _parse_json(body).items():
            if value is None:
                fields.pop(key, None)
            else:
                fields[key] = value
    elif media == _FORM:
        fields.update(_parse_form(body))
    else:
        raise RequestError(415, f"unsupported Content-Type {_short(media)}: send JSON or {_FORM}")
    return fields
