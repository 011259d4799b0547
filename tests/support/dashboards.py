"""The dashboard as a real Streamlit process on a loopback port, over a bundled server.

What the browser tests and the browser benches start: ``streamlit run app.py`` pointed
at an API through the environment, as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nps_core.server import ServerHandle, create_demo, start_server
from tests.support.paths import APP, ROOT
from tests.support.servers import free_port, stop, wait_for_http

__all__ = [
    "Dashboard",
    "DashboardFactory",
    "own_dashboard",
    "run_streamlit",
    "start_dashboard",
    "stop_dashboard",
]

START_TIMEOUT_S = 60.0


@dataclass
class Dashboard:
    url: str
    api: ServerHandle
    shop_id: str
    shop_secret: str
    process: subprocess.Popen[bytes]


# ``start(**ServerOptions fields)``: the dashboard_factory fixture.
DashboardFactory = Callable[..., Dashboard]


def run_streamlit(
    script: Path,
    *,
    secrets: Path | None = None,
    port: int | None = None,
    python_args: Sequence[str] = (),
    **nps_env: str,
) -> tuple[str, subprocess.Popen[bytes]]:
    """``streamlit run script``, headless on ``port`` (a free one by default), once it
    answers; returns (url, process). Its ``NPS_*`` variables are ``nps_env`` alone, none
    inherited; its secrets are the file ``secrets`` alone (none: an empty file), never a
    developer's own ``.streamlit/secrets.toml``. ``python_args`` go before ``-m
    streamlit`` (a bench runs it under ``bench.probe``)."""
    port = port or free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("NPS_")}
    env.update(nps_env, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    process = subprocess.Popen(
        [
            sys.executable, *python_args, "-m", "streamlit", "run", str(script),
            "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
            "--secrets.files", str(secrets or _no_secrets()),
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/_stcore/health", process, START_TIMEOUT_S)
    except RuntimeError:
        stop(process)
        raise
    return url, process


@cache
def _no_secrets() -> Path:
    """An empty secrets file, made once per test process."""
    path = Path(tempfile.mkdtemp(prefix="nps-secrets-")) / "secrets.toml"
    path.write_text("", encoding="utf-8")
    return path


def start_dashboard(
    api: ServerHandle,
    shop_id: str,
    secret: str,
    data_dir: Path,
    *,
    secrets: Path | None = None,
    port: int | None = None,
) -> Dashboard:
    """The dashboard over ``api``, keeping its cache in ``data_dir``; ``secrets`` and
    ``port`` as for ``run_streamlit``."""
    url, process = run_streamlit(
        APP,
        secrets=secrets,
        port=port,
        NPS_API_URL=api.url,
        NPS_SHOP_ID=shop_id,
        NPS_SHOP_SECRET=secret,
        NPS_DATA_DIR=str(data_dir),
    )
    return Dashboard(url, api, shop_id, secret, process)


def stop_dashboard(dashboard: Dashboard) -> None:
    stop(dashboard.process)


@contextmanager
def own_dashboard(folder: Path, reviews: int) -> Iterator[Dashboard]:
    """A dashboard over a small demo shop of its own, for tests that write reviews."""
    shop_id, secret = create_demo(folder / "api.sqlite3", reviews=reviews)
    with start_server(folder / "api.sqlite3") as api:
        dashboard = start_dashboard(api, shop_id, secret, folder / "data")
        try:
            yield dashboard
        finally:
            stop_dashboard(dashboard)
