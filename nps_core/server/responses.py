"""JSON answers of the server: the contract's error body and fast success bodies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

__all__ = ["error_body", "error_response", "json_response"]


def _dumps(data: Any) -> bytes:
    # Plain json.dumps keeps big integers exact (client_id may exceed 2^53).
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        _dumps(data), status_code=status, headers=headers, media_type="application/json"
    )


def error_body(message: str) -> dict[str, Any]:
    """Both `message` and `payload.message`, so either kind of vendor reader finds it."""
    return {"status": "error", "message": message, "payload": {"message": message}}


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return json_response(error_body(message), status, headers)
