"""The bundled server in its own process (`python -m nps_core.server serve`), as deployed.

For the concurrency test and bench, where the load generator must not share a GIL with
the server, and for the access-log test, which reads what the process prints.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.browser.conftest import free_port

__all__ = ["ServedProcess", "serve"]

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class ServedProcess:
    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def serve(db: Path, *options: str, output: Path | None = None) -> Iterator[ServedProcess]:
    """`serve --db db` plus ``options`` on a free port; stdout and stderr go to ``output``
    (discarded without one). Stopped (SIGTERM, then SIGKILL) on leaving the block."""
    port = free_port()
    command = [sys.executable, "-m", "nps_core.server", "serve", "--db", str(db)]
    with open(output or "/dev/null", "wb") as sink:
        process = subprocess.Popen(
            [*command, "--port", str(port), *options],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, process)
            yield ServedProcess(url, process)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            httpx.get(f"{url}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start in time")
