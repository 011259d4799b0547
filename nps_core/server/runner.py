"""Run the server in a background thread: tests, the embedded demo mode, benchmarks."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from nps_core.server.app import create_app
from nps_core.server.connections import uvicorn_config
from nps_core.server.logs import log_config
from nps_core.server.options import ServerOptions

__all__ = ["ServerHandle", "start_server"]

_START_TIMEOUT_S = 30.0


class ServerHandle:
    """A running server; `stop()` (or leaving the `with` block) shuts it down."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, app: FastAPI) -> None:
        self._server = server
        self._thread = thread
        self.app = app
        sockname = server.servers[0].sockets[0].getsockname()
        self.host: str = sockname[0]
        self.port: int = sockname[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{host}:{self.port}"

    @property
    def request_count(self) -> int:
        """HTTP requests the server has received so far (any path, any answer)."""
        return int(self.app.state.request_count)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        store = getattr(self.app.state, "store", None)
        if store is not None:
            store.close()

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"ServerHandle(url={self.url!r})"


def start_server(
    db_path: str | Path,
    options: ServerOptions | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> ServerHandle:
    """Start uvicorn on `host`:`port` (0: any free port) in a daemon thread."""
    options = options or ServerOptions()
    app = create_app(db_path, options)
    config = uvicorn_config(
        app,
        options,
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        access_log=False,
        log_config=log_config(),  # shop secrets blanked, should a host turn logs up
        # Do not let a stop() wait for slow (e.g. fault-injected) answers.
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"nps-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the NPS server could not start on {host}:{port}")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the NPS server did not start in time")
        time.sleep(0.01)
    return ServerHandle(server, thread, app)
