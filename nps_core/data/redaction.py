"""Keeping the shop secret out of log records and messages, in every form it travels in."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

import httpx

__all__ = ["REDACTED", "redact", "register_secret", "secret_forms"]

REDACTED = "***"


class _SecretFilter(logging.Filter):
    """Rewrites log records so no registered secret survives, whoever logs the URL."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        with self._lock:
            self.secrets.update(secret_forms(secret))

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            cleaned = redact(message, self.secrets)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        return True


_secret_filter = _SecretFilter()
# httpx logs every request URL (query string included) at INFO. A logger's filters do
# not apply to its children's records, hence the client's own logger too.
for _name in ("httpx", "nps_core", "nps_core.data.client"):
    logging.getLogger(_name).addFilter(_secret_filter)


def register_secret(secret: str) -> None:
    """From now on, no log record of httpx or nps_core shows ``secret`` in any form."""
    _secret_filter.add(secret)


def secret_forms(secret: str) -> list[str]:
    """The secret as given and as it travels in a URL, longest first.

    httpx logs the request URL, where a secret with characters such as ``/``, ``+``
    or non-ASCII letters appears percent-encoded, not as given.
    """
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        str(httpx.QueryParams({"s": secret})).removeprefix("s="),
    }
    return sorted(forms, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every non-empty secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text
