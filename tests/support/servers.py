"""Servers on loopback ports: the bundled API in its own process, and waiting for any.

``serve`` runs `python -m nps_core.server serve`, as deployed: for the concurrency test
and benches, where the load generator must not share a GIL with the server, and for the
access-log test, which reads what the process prints. (In-process servers come from
``nps_core.server.start_server``; the ``server_factory`` fixture seeds and starts them.)
"""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from nps_core.server import ServerHandle
from tests.support.paths import ROOT

__all__ = ["ServedProcess", "ServerFactory", "free_port", "serve", "stop", "wait_for_http"]

# ``factory(**ServerOptions fields)`` (and, for server_factory, the rows first).
ServerFactory = Callable[..., ServerHandle]

START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class ServedProcess:
    url: str
    process: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(
    url: str, process: subprocess.Popen[bytes], timeout: float = START_TIMEOUT_S
) -> None:
    """Until ``url`` answers 200; raises if ``process`` exits or time runs out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with code {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ten seconds."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@contextmanager
def serve(
    db: Path, *options: str, output: Path | None = None, max_files: int | None = None
) -> Iterator[ServedProcess]:
    """`serve --db db` plus ``options`` on a free port; stdout and stderr go to ``output``
    (discarded without one); ``max_files`` lowers the process's file-handle limit.
    Stopped on leaving the block."""
    port = free_port()
    command = [sys.executable, "-m", "nps_core.server", "serve", "--db", str(db)]

    def limit_files() -> None:
        if max_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max_files, max_files))

    with open(output or "/dev/null", "wb") as sink:
        process = subprocess.Popen(
            [*command, "--port", str(port), *options],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            preexec_fn=limit_files,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_http(f"{url}/openapi.json", process)
            yield ServedProcess(url, process)
        finally:
            stop(process)
