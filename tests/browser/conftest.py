"""Browser tests: the bundled server, the dashboard as a real Streamlit process, Chromium.

Session-scoped so the suite pays once for the demo database, the Streamlit process and
the browser. Tests that need a server of their own (stopped mid-test, say) start a
second dashboard with ``dashboard_factory``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from nps_core.server import ServerOptions, create_demo, start_server
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, keep_to_loopback, require_tool
from tests.support.dashboards import (
    Dashboard,
    DashboardFactory,
    start_dashboard,
    stop_dashboard,
)
from tests.support.oidc import (
    ACCESS,
    ADMIN,
    MANAGER,
    VIEWER,
    SignInDashboard,
    signed_in_dashboard,
)

# Enough reviews for every chart and a day over the cap, small enough to seed in a second.
DEMO_REVIEWS = 30_000


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    db_path = tmp_path_factory.mktemp("api") / "demo.sqlite3"
    shop_id, secret = create_demo(db_path, reviews=DEMO_REVIEWS)
    return db_path, shop_id, secret


@pytest.fixture(scope="session")
def dashboard_factory(
    demo_db: tuple[Path, str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DashboardFactory]:
    """Start a dashboard over its own API server (on the shared demo database)."""
    db_path, shop_id, secret = demo_db
    with ExitStack() as stack:

        def start(**server_options: Any) -> Dashboard:
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
def browser() -> Iterator[Any]:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do: 5 s (Playwright's default) is too short for
    # a page that retries a dead API on a loaded machine.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def signin_dashboard(
    demo_db: tuple[Path, str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SignInDashboard]:
    """A dashboard with sign-in, through an OpenID Connect provider on loopback."""
    db_path, shop_id, secret = demo_db
    folder = tmp_path_factory.mktemp("signin")
    accounts = [VIEWER, MANAGER, ADMIN]
    with signed_in_dashboard(db_path, shop_id, secret, folder, ACCESS, accounts) as dashboard:
        yield dashboard


@pytest.fixture
def guarded_page(browser: Any) -> Iterator[Any]:
    """A page of a fresh browser context (no one signed in) that reaches loopback only."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    keep_to_loopback(context)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
