"""The alerts worker as a process, as deployed: ``python -m nps_core.alerts …``.

Its settings come from the environment alone (``worker_env``): the folder it runs in and
its home are the test's, so no developer's ``secrets.toml`` is read.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from nps_core.data.state import open_state
from nps_core.server import ServerHandle
from tests.support.rows import to_ms
from tests.support.shops import SHOP_ID, SHOP_SECRET

__all__ = [
    "PUBLIC_URL",
    "ledger_counts",
    "recent",
    "run_worker",
    "start_worker",
    "watch_once",
    "worker_env",
]

PUBLIC_URL = "http://dashboard.test"


def watch_once(*urls: str, more: tuple[str, ...] = ()) -> list[str]:
    """The arguments of one detractor watch (no group alerts) notifying each of ``urls``."""
    notify = [arg for url in urls for arg in ("--notify", url)]
    return ["watch", *notify, "--once", "--no-bands", *more]


def worker_env(
    folder: Path, server: ServerHandle | None = None, state_url: str = "", **extra: str
) -> dict[str, str]:
    """A worker's environment: the test shop on ``server`` (demo mode without one), its
    data folder (cache, and the state store unless ``state_url`` names one) under ``folder``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NPS_")}
    env.update(HOME=str(folder), NPS_DATA_DIR=str(folder / "data"), NPS_PUBLIC_URL=PUBLIC_URL)
    if state_url:
        env.update(NPS_STATE_URL=state_url)
    if server is not None:
        env.update(NPS_API_URL=server.url, NPS_SHOP_ID=SHOP_ID, NPS_SHOP_SECRET=SHOP_SECRET)
    env.update(extra)
    return env


def _command(args: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-m", "nps_core.alerts", *args]


def run_worker(
    folder: Path, env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run to the end; its output (the log) is in ``stderr``."""
    return subprocess.run(
        _command(args), cwd=folder, env=env, capture_output=True, text=True, timeout=timeout
    )


def start_worker(
    folder: Path, env: dict[str, str], *args: str, log: Path
) -> subprocess.Popen[bytes]:
    """Started and left running; its log goes to ``log``."""
    with open(log, "ab") as sink:
        return subprocess.Popen(_command(args), cwd=folder, env=env, stdout=sink, stderr=sink)


def recent(minutes: float, rate: int, **fields: Any) -> dict[str, Any]:
    """A stored review row (``Store.insert_reviews_bulk``) written ``minutes`` ago."""
    moment = datetime.now(UTC) - timedelta(minutes=minutes)
    row: dict[str, Any] = {
        "created_ms": to_ms(moment),
        "channel": "web",
        "category": "delivery",
        "rate": rate,
        "comment": f"comment {rate}",
        "email": "customer@example.com",
    }
    row.update(fields)
    return row


def ledger_counts(folder: Path, state_url: str = "") -> dict[str, int]:
    """Pending, sent and failed messages in the ledger of the worker run in ``folder``
    (or on ``state_url``)."""
    store = open_state(state_url or f"sqlite:///{folder / 'data' / 'state.sqlite3'}")
    try:
        return store.ledger.counts()
    finally:
        store.close()
