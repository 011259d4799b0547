"""Browser tests: the bundled server, the dashboard as a real Streamlit process, Chromium.

Session-scoped so the suite pays once for the demo database, the Streamlit process and
the browser. Tests that need a server of their own (stopped mid-test, say) start a
second dashboard with ``dashboard_factory``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from nps_core.server.demo import create_demo
from nps_core.server.runner import ServerHandle, start_server
from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Enough reviews for every chart and a day over the cap, small enough to seed in a second.
DEMO_REVIEWS = 30_000


@dataclass
class Dashboard:
    url: str
    api: ServerHandle
    shop_id: str
    shop_secret: str
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("streamlit did not start in time")


def start_dashboard(api: ServerHandle, shop_id: str, secret: str, data_dir: Path) -> Dashboard:
    """`streamlit run app.py` pointed at ``api`` through the environment, as a user would."""
    port = free_port()
    env = {
        **os.environ,
        "NPS_API_URL": api.url,
        "NPS_SHOP_ID": shop_id,
        "NPS_SHOP_SECRET": secret,
        "NPS_DATA_DIR": str(data_dir),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, process)
    return Dashboard(url, api, shop_id, secret, process)


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


def stop_dashboard(dashboard: Dashboard) -> None:
    dashboard.process.terminate()
    try:
        dashboard.process.wait(10)
    except subprocess.TimeoutExpired:
        dashboard.process.kill()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    db_path = tmp_path_factory.mktemp("api") / "demo.sqlite3"
    shop_id, secret = create_demo(db_path, reviews=DEMO_REVIEWS)
    return db_path, shop_id, secret


DashboardFactory = Callable[..., Dashboard]


@pytest.fixture(scope="session")
def dashboard_factory(
    demo_db: tuple[Path, str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DashboardFactory]:
    """Start a dashboard over its own API server (on the shared demo database)."""
    db_path, shop_id, secret = demo_db
    with ExitStack() as stack:

        def start(**server_options) -> Dashboard:
            from nps_core.server.options import ServerOptions

            api = stack.enter_context(start_server(db_path, ServerOptions(**server_options)))
            dashboard = start_dashboard(api, shop_id, secret, tmp_path_factory.mktemp("data"))
            stack.callback(stop_dashboard, dashboard)
            return dashboard

        yield start


@pytest.fixture(scope="session")
def dashboard(dashboard_factory: DashboardFactory) -> Dashboard:
    """One dashboard shared by the read-only browser tests."""
    return dashboard_factory()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_tool(CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no spinner, no 'running')."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout,
    )


def assert_no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator(
        "[data-testid='stException']"
    ).first.inner_text()
