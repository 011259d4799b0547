"""The demo source: the bundled server over a demo database, started once per process.

The dashboard calls this when its settings name no account; it then talks to the
server over real HTTP on a loopback port, as to any PersonaClick deployment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
_started: dict[tuple[int, Path], DemoSource] = {}
_preparing: set[tuple[int, Path]] = set()


def start_demo(reviews: int, folder: Path) -> DemoSource:
    """The running demo server for a shop of ``reviews`` under ``folder``."""
    key = (reviews, folder.resolve())
    with _lock:
        if key not in _started:
            database = _demo_database(reviews, folder)
            # Imported while a new database is being made in its own process.
            from nps_core.server.demo import demo_credentials
            from nps_core.server.runner import start_server

            db_path, created = database()
            handle = start_server(db_path)
            credentials = demo_credentials(db_path)
            assert credentials is not None, "a demo database always holds its shop"
            shop_id, secret = credentials
            _started[key] = DemoSource(
                handle.url, shop_id, secret, f"demo|{db_path.name}|{created}"
            )
        return _started[key]


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


def _demo_database(reviews: int, folder: Path) -> Callable[[], tuple[Path, str]]:
    """The demo database for today, rebuilt when it was made on an earlier day: returns
    at once, with a function that waits for it and returns its path and day.

    Demo data covers the twelve months ending on the day it is made; a stale one would
    show a dashboard whose last weeks are empty. A new one is made by the ``demo``
    command in a process of its own: a second or more of work that, in this process,
    would hold the interpreter's lock against the page being drawn meanwhile.
    """
    db_path = folder / f"demo-{reviews}.sqlite3"
    marker = folder / f"demo-{reviews}.json"
    today = datetime.now(UTC).date().isoformat()
    try:
        made = json.loads(marker.read_text())["created"]
    except (OSError, ValueError, KeyError):
        made = None
    if made == today and db_path.exists():
        return lambda: (db_path, today)
    tmp = db_path.with_suffix(f".tmp{os.getpid()}")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    command = [sys.executable, "-m", "nps_core.server", "demo", "--db", str(tmp)]
    making = subprocess.Popen(
        [*command, "--reviews", str(reviews)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def made_today() -> tuple[Path, str]:
        _, errors = making.communicate()
        if making.returncode:
            lines = errors.strip().splitlines() or [f"exit status {making.returncode}"]
            raise RuntimeError(f"the demo database could not be made: {lines[-1]}")
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, db_path)
        marker.write_text(json.dumps({"created": today, "reviews": reviews}))
        return db_path, today

    return made_today
