"""Exceptions raised by the API client.

Every error carries the HTTP status (``None`` for network failures) and the API's own
message, so the dashboard can show it verbatim. No message, argument or attribute ever
holds the shop secret, and none chains to a library exception that might (the client
raises them ``from None``).
"""

from __future__ import annotations

__all__ = [
    "AnswerTooLarge",
    "ApiUnavailable",
    "AuthError",
    "BadRequest",
    "DeadlineExceeded",
    "MalformedAnswer",
    "NpsApiError",
    "RateLimited",
    "ShopNotFound",
    "UnexpectedStatus",
]


class NpsApiError(Exception):
    """Base class: the API refused a call or could not be reached."""

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message

    def __str__(self) -> str:
        prefix = f"HTTP {self.status}: " if self.status is not None else ""
        return f"{prefix}{self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r})"


class BadRequest(NpsApiError):
    """400: the request was understood but rejected; ``message`` says why."""


class AuthError(NpsApiError):
    """401/403: the shop secret is missing or wrong. Never retried, never masked."""


class ShopNotFound(NpsApiError):
    """404: unknown shop id (or a required parameter is missing)."""


class RateLimited(NpsApiError):
    """429 after every retry; ``retry_after`` is the server's hint in seconds."""

    def __init__(self, status: int | None, message: str, retry_after: float | None) -> None:
        super().__init__(status, message)
        self.retry_after = retry_after
        # Keep pickling (Streamlit's cache) able to rebuild the exception.
        self.args = (status, message, retry_after)


class ApiUnavailable(NpsApiError):
    """5xx, time-outs and network failures that outlasted every retry."""

    # The server's Retry-After hint in seconds (a 503 may send one); not pickled.
    retry_after: float | None = None


class DeadlineExceeded(ApiUnavailable):
    """A request, or a whole fetch, outlasted its deadline (a server that trickles)."""


class MalformedAnswer(NpsApiError):
    """An answer that cannot be read: not JSON, the wrong shape, a false
    ``Content-Encoding``, or review objects that break the contract."""


class AnswerTooLarge(MalformedAnswer):
    """An answer larger, once decoded, than the client accepts (a compression bomb)."""


class UnexpectedStatus(NpsApiError):
    """A status the contract does not use: a redirect (never followed) or another 1xx,
    3xx or 4xx."""
