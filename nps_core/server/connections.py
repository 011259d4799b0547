"""Bounds on connections, so that idle or half-sent ones cannot take the server down.

uvicorn closes a connection that idles after an answer (``timeout_keep_alive``), but
not one that never sends a request, nor one that sends it a byte at a time; and it
accepts connections until the process runs out of file handles, after which asyncio
logs a traceback for every failed accept, many times a second. Here each connection has
``request_timeout`` seconds, from its opening (or its last answer), to deliver a whole
request; at most ``max_connections`` are open at once (by default half the process's
file-handle limit), a newcomer beyond that closing the oldest idle one; and such
trouble is logged once a minute (``logs.OncePerInterval``), never per connection.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from collections import OrderedDict
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from nps_core.server.options import ServerOptions

__all__ = ["connection_limit", "uvicorn_config"]

logger = logging.getLogger("uvicorn.error")

# The largest request head (request line and headers) accepted.
MAX_HEAD_BYTES = 16 * 1024
_LARGEST_DEFAULT = 1000


def _file_handles() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return 4 * _LARGEST_DEFAULT if soft == resource.RLIM_INFINITY else soft


def connection_limit(options: ServerOptions) -> int:
    """Connections open at once: the option, else a quarter of the file-handle limit,
    at most 1000. The rest is for the database, the logs, the interpreter, and the
    connections accepted in a burst before the loop gets to admit (or close) them."""
    if options.max_connections is not None:
        return options.max_connections
    return max(8, min(_LARGEST_DEFAULT, _file_handles() // 4))


def backlog() -> int:
    """Connections the kernel queues for accepting. asyncio accepts up to this many at
    each turn of its loop, and admits them a turn or two later, so a burst holds a few
    times this many handles: a sixteenth of them, at most 128."""
    return max(8, min(128, _file_handles() // 16))


class _Guard:
    """The open connections of one server, oldest first."""

    def __init__(self, limit: int, request_timeout: float) -> None:
        self.limit = limit
        self.request_timeout = request_timeout
        self.open: OrderedDict[_GuardedProtocol, None] = OrderedDict()

    def admit(self, newcomer: _GuardedProtocol) -> None:
        self.open[newcomer] = None
        if len(self.open) <= self.limit:
            return
        idle = next((c for c in self.open if c is not newcomer and c.idle), None)
        closing = idle or newcomer
        del self.open[closing]  # closed now, gone from the count at once
        closing.transport.close()
        logger.warning(
            "more than %d connections open: closed %s",
            self.limit,
            "the longest idle one" if idle else "a new one (all others busy)",
        )


class _GuardedProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request to arrive whole."""

    guard: _Guard  # set on the subclass made per server
    _timer: asyncio.TimerHandle | None = None

    @property
    def idle(self) -> bool:
        """No request received (a part of one, perhaps): nothing is being answered."""
        return self.conn.their_state is h11.IDLE

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.guard.admit(self)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.guard.open.pop(self, None)
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._timer = self.loop.call_later(self.guard.request_timeout, self._expire)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        """Close the connection if its request has not arrived whole in time."""
        self._timer = None
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
            logger.warning(
                "closed connections that sent no complete request within %g s",
                self.guard.request_timeout,
            )
            self.transport.close()


def uvicorn_config(app: Any, options: ServerOptions, **settings: Any) -> uvicorn.Config:
    """uvicorn's configuration for ``app`` with the bounds of ``options``; ``settings``
    are uvicorn's own (host, port, logging...)."""
    limit = connection_limit(options)
    guard = _Guard(limit, options.request_timeout)
    protocol = type("GuardedProtocol", (_GuardedProtocol,), {"guard": guard})
    return uvicorn.Config(
        app,
        http=protocol,
        # Requests beyond this many at once are answered 503 (the guard keeps the
        # connections to `limit`, so only busy ones count).
        limit_concurrency=limit + 1,
        timeout_keep_alive=max(1, round(options.keep_alive)),
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        backlog=backlog(),
        **settings,
    )
