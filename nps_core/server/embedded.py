"""The demo source: the bundled server over a demo database, started once per process.

The dashboard calls this when its settings name no account; it then talks to the
server over real HTTP on a loopback port, as to any PersonaClick deployment.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["DemoSource", "start_demo"]


@dataclass(frozen=True)
class DemoSource:
    url: str
    shop_id: str
    shop_secret: str = field(repr=False)
    # The port changes every start; the database's identity does not.
    cache_key: str


_lock = threading.Lock()
_started: dict[tuple[int, Path], DemoSource] = {}


def start_demo(reviews: int, folder: Path) -> DemoSource:
    """The running demo server for a shop of ``reviews`` under ``folder``."""
    key = (reviews, folder.resolve())
    with _lock:
        if key not in _started:
            from nps_core.server.demo import demo_credentials
            from nps_core.server.runner import start_server

            db_path, created = _demo_database(reviews, folder)
            handle = start_server(db_path)
            credentials = demo_credentials(db_path)
            assert credentials is not None, "a demo database always holds its shop"
            shop_id, secret = credentials
            _started[key] = DemoSource(
                handle.url, shop_id, secret, f"demo|{db_path.name}|{created}"
            )
        return _started[key]


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
