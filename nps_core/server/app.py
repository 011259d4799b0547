"""The bundled PersonaClick-compatible NPS server: `create_app(db, options)`.

The app factory and its error handlers; the endpoints are in `routes`, what they
depend on (store, options, the shop a request names) in `deps`. Handlers read their
parameters themselves (see `parsing`) so that every refusal, including malformed
input, carries the contract's error body; the OpenAPI document is written by hand in
`openapi` to match.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Coroutine
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from nps_core.server.faults import FaultInjector
from nps_core.server.latency import Latency
from nps_core.server.openapi import build_openapi
from nps_core.server.options import FAULT_KINDS, FaultKind, ServerOptions
from nps_core.server.parsing import RequestError
from nps_core.server.ratelimit import RateLimiter
from nps_core.server.responses import error_response
from nps_core.server.routes import router
from nps_core.server.store import Store

__all__ = ["FAULT_KINDS", "FaultKind", "NpsApp", "ServerOptions", "create_app"]


class NpsApp(FastAPI):
    """FastAPI plus three things outside its middleware stack: a request counter (tests
    count the calls a client makes), optional fault injection, which needs the server's
    own `send` to drop connections, and optional latency. Its OpenAPI document is the
    hand-written one of `options`."""

    def __init__(self, *, options: ServerOptions, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._document = build_openapi(options)
        self._count_lock = threading.Lock()
        self.state.request_count = 0
        inner = partial(FastAPI.__call__, self)
        self.faults: FaultInjector | None = None
        if options.fault_rate > 0:
            self.faults = FaultInjector(
                inner,
                rate=options.fault_rate,
                kinds=options.fault_kinds,
                delay=options.fault_delay,
                seed=options.fault_seed,
            )
        entry: ASGIApp = self.faults or inner
        if options.latency_ms > 0:
            entry = Latency(entry, options.latency_ms, options.latency_jitter, options.fault_seed)
        self._entry = entry

    def openapi(self) -> dict[str, Any]:
        return self._document

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            with self._count_lock:
                self.state.request_count += 1
        await self._entry(scope, receive, send)


# -- errors: always the contract's body ------------------------------------------------


async def _on_request_error(request: Request, exc: RequestError) -> Response:
    return error_response(exc.status, exc.message, exc.headers)


async def _on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
    return error_response(exc.status_code, str(exc.detail), exc.headers)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> Response:
    parts = [
        f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', 'invalid')}"
        for err in exc.errors()
    ]
    return error_response(400, "; ".join(parts) or "invalid request")


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    return error_response(500, "internal server error")


# Handlers by exception class; FastAPI types their second argument as Any.
_HANDLERS: dict[int | type[Exception], Callable[[Request, Any], Coroutine[Any, Any, Response]]] = {
    RequestError: _on_request_error,
    StarletteHTTPException: _on_http_error,
    RequestValidationError: _on_validation_error,
    Exception: _on_unexpected,
}


def create_app(db: str | Path, options: ServerOptions | None = None) -> FastAPI:
    """The API over the database ``db``: a SQLite file's path (created if missing) or a
    PostgreSQL URL (see ``database.database_url``)."""
    options = options or ServerOptions()
    store = Store(db)
    limiter = RateLimiter(options.rate_limit_per_minute) if options.rate_limit_per_minute else None
    app = NpsApp(
        options=options,
        title="PersonaClick-compatible NPS API",
        redirect_slashes=False,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        exception_handlers=_HANDLERS,
    )
    app.state.store = store
    app.state.options = options
    app.state.rate_limiter = limiter
    app.include_router(router)
    return app
