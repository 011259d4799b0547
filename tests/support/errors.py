"""The contract's error answer: what every refusal of the server must look like."""

from __future__ import annotations

from typing import Any, Protocol

import httpx

__all__ = ["assert_error", "assert_error_body"]


class _Answer(Protocol):
    """An HTTP answer, of httpx or of requests (the fuzzer's)."""

    @property
    def text(self) -> str: ...

    def json(self) -> Any: ...


def assert_error_body(response: _Answer) -> str:
    """``{"status": "error", "message": …, "payload": {"message": …}}``, with no
    traceback; returns the message."""
    body = response.json()
    assert body["status"] == "error", body
    assert isinstance(body["message"], str), body
    assert body["message"], body
    assert body["payload"] == {"message": body["message"]}, body
    assert "Traceback" not in response.text
    return body["message"]


def assert_error(response: httpx.Response, status: int, *words: str) -> str:
    """The contract's error body, alone, with ``status`` and a message holding ``words``;
    returns the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == {"status", "message", "payload"}
    message = assert_error_body(response)
    for word in words:
        assert word in message, message
    return message
