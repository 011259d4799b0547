"""Server logging that never shows a shop secret, nor repeats the same trouble.

uvicorn's access log prints every request line, query string included, and
`/nps/reviews` carries `shop_secret` there (as do vendor SDKs that send create fields
in the query string); at trace level uvicorn also logs whole ASGI scopes. The filter
below blanks the value of any `shop_secret` parameter in every record of uvicorn's
loggers and handlers. It finds the parameter as the server does: splitting the query
at `&` and decoding each name (`shop_s%65cret` and `%73hop_secret` are `shop_secret`
to the server, so to the filter too), the value running to the next `&` — a raw `;`
or `'` in it included.

A second filter lets the same warning or error through once a minute: a flood of idle
connections, or a process out of file handles, makes one line, not one per attempt.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

import uvicorn.config

__all__ = [
    "REDACTED",
    "OncePerInterval",
    "SecretParamFilter",
    "log_config",
    "redact_secret_params",
]

REDACTED = "***"
_SECRET_NAME = "shop_secret"
# A run of text with no space that holds an `=`: where a query string may be.
_RUN = re.compile(r"\S*=\S*")
# Characters that end what comes before a parameter's name in a log line or a repr:
# the path's `?`, quotes and brackets of a repr, `;` of older separators.
_BEFORE_NAME = re.compile(r"^(.*[?'\"(\[{,:;])?([^?'\"(\[{,:;]*)$", re.DOTALL)
# Names encoded twice or thrice over are decoded that often.
_DECODINGS = 3


def _is_secret_name(name: str) -> bool:
    for _ in range(_DECODINGS):
        if name.casefold() == _SECRET_NAME:
            return True
        decoded = unquote_plus(name)
        if decoded == name:
            return False
        name = decoded
    return name.casefold() == _SECRET_NAME


def _redact_pair(pair: str) -> str:
    """One `name=value` piece of a query string, its value blanked if it is the secret.

    A raw `;` may separate parameters for other parsers: from a secret name on, the
    rest of the piece is blanked, whatever separates it.
    """
    for at, piece in enumerate(pieces := pair.split(";")):
        raw_name, sep, _ = piece.partition("=")
        prefix, name = _split_name(raw_name)
        if not sep:  # `shop_secret%3Dvalue`: the `=` itself encoded
            name = _split_name(unquote_plus(piece).partition("=")[0])[1]
        if _is_secret_name(name):
            return ";".join([*pieces[:at], f"{prefix}{name if sep else _SECRET_NAME}={REDACTED}"])
    return pair


def _split_name(text: str) -> tuple[str, str]:
    """What comes before a parameter's name, and the name."""
    match = _BEFORE_NAME.match(text)
    assert match is not None  # the pattern matches every text
    before, name = match.groups("")
    return before, name


def redact_secret_params(text: str) -> str:
    """``text`` with the value of every ``shop_secret`` parameter replaced by ``***``."""
    if "=" not in text:
        return text
    return _RUN.sub(lambda run: "&".join(map(_redact_pair, run[0].split("&"))), text)


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact_secret_params(value)
    if isinstance(value, bytes | dict | list | tuple):
        # A scope (dict) or a raw query string (bytes): shown via repr, so redact that.
        text = repr(value)
        cleaned = redact_secret_params(text)
        return value if cleaned == text else cleaned
    return value


class SecretParamFilter(logging.Filter):
    """Rewrites a record's message and arguments in place; never drops a record.

    Arguments keep their number and position (uvicorn's access formatter unpacks
    them), only string-like ones that hold a secret change.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_secret_params(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        return True


class OncePerInterval(logging.Filter):
    """Lets a warning or error through once per ``interval`` seconds for each kind (its
    logger and the first line of its message template); the next one let through says
    how many were held back. Lower levels always pass."""

    _MOST_KINDS = 1000

    def __init__(self, interval: float = 60.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.interval = interval
        self.clock = clock
        self._lock = threading.Lock()
        self._kinds: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        kind = (record.name, str(record.msg).split("\n", 1)[0])
        now = self.clock()
        with self._lock:
            shown_at, held = self._kinds.get(kind, (None, 0))
            if shown_at is not None and now - shown_at < self.interval:
                self._kinds[kind] = (shown_at, held + 1)
                return False
            if len(self._kinds) >= self._MOST_KINDS:
                self._kinds.clear()
            self._kinds[kind] = (now, 0)
        if held and isinstance(record.msg, str):
            record.msg += f" ({held} more like this in the last {self.interval:g} s)"
        return True


# The loggers uvicorn writes to (asgi: whole scopes, at trace level).
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
# Where a server in trouble repeats itself: uvicorn's errors, asyncio's failed accepts.
_THROTTLED_LOGGERS = ("uvicorn.error", "asyncio")


def log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration, with the filters on its loggers and handlers.

    On the loggers, so a record is clean before any handler (including one a host
    application adds) sees it; on the handlers too, for records that reach them from
    loggers uvicorn adds later.
    """
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["filters"] = {
        "secret_params": {"()": SecretParamFilter},
        "once_per_minute": {"()": OncePerInterval},
    }
    for handler in config["handlers"].values():
        handler["filters"] = ["secret_params"]
    for name in _UVICORN_LOGGERS:
        config["loggers"].setdefault(name, {})["filters"] = ["secret_params"]
    for name in _THROTTLED_LOGGERS:
        config["loggers"].setdefault(name, {}).setdefault("filters", []).append("once_per_minute")
    return config
