"""Server logging that never shows a shop secret.

uvicorn's access log prints every request line, query string included, and
`/nps/reviews` carries `shop_secret` there (as do vendor SDKs that send create fields
in the query string); at trace level uvicorn also logs whole ASGI scopes. The filter
below blanks the value of any `shop_secret` parameter in every record of uvicorn's
loggers and handlers, whether the name is spelt plainly or percent-encoded.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

import uvicorn.config

__all__ = ["REDACTED", "SecretParamFilter", "log_config", "redact_secret_params"]

REDACTED = "***"
# `shop_secret=value` in a query string or form body; the name may be percent-encoded
# (`shop%5Fsecret`, `%3D`), the value runs to the next separator or quote.
_SECRET_PARAM = re.compile(r"(shop(?:_|%5f)secret(?:=|%3d))[^&\s\"'#;]*", re.IGNORECASE)
# The loggers uvicorn writes to (asgi: whole scopes, at trace level).
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


def redact_secret_params(text: str) -> str:
    """``text`` with the value of every ``shop_secret`` parameter replaced by ``***``."""
    return _SECRET_PARAM.sub(rf"\g<1>{REDACTED}", text)


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


def log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration, with the filter on its loggers and handlers.

    On the loggers, so a record is clean before any handler (including one a host
    application adds) sees it; on the handlers too, for records that reach them from
    loggers uvicorn adds later.
    """
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["filters"] = {"secret_params": {"()": SecretParamFilter}}
    for handler in config["handlers"].values():
        handler["filters"] = ["secret_params"]
    for name in _UVICORN_LOGGERS:
        config["loggers"].setdefault(name, {})["filters"] = ["secret_params"]
    return config
