"""The demo source: the bundled server over a demo database, started once per process.

The dashboard calls this when its settings name no account; it then talks to the
server over real HTTP on a loopback port, as to any PersonaClick deployment.

The server runs in a process of its own (``python -m nps_core.server.embedded``), which
makes the demo database first when there is none for today: a second or more of work,
and then every answer's, that in the dashboard's process would hold the interpreter's
lock against the pages being drawn meanwhile. It says where it listens on its first
line of output and serves until its input closes, that is until the dashboard's
process ends, however it ends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

__all__ = ["DemoSource", "prepare_demo", "start_demo"]


@dataclass(frozen=True)
class DemoSource:
    url: str
    shop_id: str
    shop_secret: str = field(repr=False)
    # The port changes every start; the database's identity does not.
    cache_key: str


_lock = threading.Lock()
_preparing_lock = threading.Lock()
# The running servers, with their processes (whose input pipes keep them running).
_started: dict[tuple[int, Path], tuple[DemoSource, subprocess.Popen[str]]] = {}
_preparing: set[tuple[int, Path]] = set()


def start_demo(reviews: int, folder: Path) -> DemoSource:
    """The running demo server for a shop of ``reviews`` under ``folder``."""
    key = (reviews, folder.resolve())
    with _lock:
        if key not in _started:
            _started[key] = _serve_apart(reviews, folder)
        return _started[key][0]


def prepare_demo(reviews: int, folder: Path) -> None:
    """Start ``start_demo`` in a background thread and return at once.

    The demo database takes a second or more to build: started early (while Streamlit
    starts, or the page draws its frame), it is ready or nearly so when the page asks
    for it. A later ``start_demo`` for the same shop waits for this one rather than
    building again; should this one fail, that call builds anew and raises the error.
    Only the first call for a shop starts anything.
    """
    key = (reviews, folder.resolve())
    with _preparing_lock:
        if key in _preparing:
            return
        _preparing.add(key)
    thread = threading.Thread(
        target=_start_quietly, args=(reviews, folder), name="nps-demo-prepare", daemon=True
    )
    thread.start()


def _start_quietly(reviews: int, folder: Path) -> None:
    # A failure is said by the start_demo call that needs the demo, not by this thread.
    with suppress(Exception):
        start_demo(reviews, folder)


def _serve_apart(reviews: int, folder: Path) -> tuple[DemoSource, subprocess.Popen[str]]:
    """Start the server's process and wait for it to say where it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", __name__, str(reviews), str(folder)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        code = process.wait()
        raise RuntimeError(f"the demo server did not start (exit status {code}; see its errors)")
    return DemoSource(**json.loads(line)), process


def _demo_database(reviews: int, folder: Path) -> tuple[Path, str]:
    """The demo database for today, rebuilt when it was made on an earlier day.

    Demo data covers the twelve months ending on the day it is made; a stale one would
    show a dashboard whose last weeks are empty.
    """
    from nps_core.server.demo import create_demo

    db_path = folder / f"demo-{reviews}.sqlite3"
    marker = folder / f"demo-{reviews}.json"
    today = datetime.now(UTC).date().isoformat()
    try:
        made = json.loads(marker.read_text())["created"]
    except (OSError, ValueError, KeyError):
        made = None
    if made != today or not db_path.exists():
        tmp = db_path.with_suffix(f".tmp{os.getpid()}")
        for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            stale.unlink(missing_ok=True)
        create_demo(tmp, reviews=reviews)
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, db_path)
        marker.write_text(json.dumps({"created": today, "reviews": reviews}))
        made = today
    return db_path, made


def _serve(reviews: int, folder: Path) -> None:
    """The server's process: the database, then the server, until the input closes."""
    # The server's modules (FastAPI and all) are imported while the database is made.
    importing = threading.Thread(target=import_module, args=("nps_core.server.runner",))
    importing.start()
    db_path, made = _demo_database(reviews, folder)
    importing.join()
    from nps_core.server.demo import demo_credentials
    from nps_core.server.runner import start_server

    credentials = demo_credentials(db_path)
    assert credentials is not None, "a demo database always holds its shop"
    with start_server(db_path) as handle:
        source = DemoSource(handle.url, *credentials, f"demo|{db_path.name}|{made}")
        print(json.dumps(asdict(source)), flush=True)
        sys.stdin.read()  # returns when the dashboard's process has gone


if __name__ == "__main__":
    _serve(int(sys.argv[1]), Path(sys.argv[2]))
