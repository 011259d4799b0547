"""A real OpenID Connect provider on loopback, and a dashboard configured to sign in with it.

The provider is ``oidc-provider-mock`` (authorization code flow, discovery document,
signed ID tokens, end-session endpoint) served by werkzeug on a free loopback port. Its
authorization page lists the predefined accounts as buttons, and takes any other
account typed into its ``sub`` field (whose email is then that text).
"""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import werkzeug.serving
from werkzeug.serving import WSGIRequestHandler

from nps_core.server import start_server
from tests.support.browser import wait_for_app
from tests.support.dashboards import Dashboard, start_dashboard, stop_dashboard
from tests.support.servers import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Page

with warnings.catch_warnings():
    # Authlib, which the provider runs on, turns its warnings on for good when first
    # imported, then warns of its own older modules: neither is this project's to change.
    import authlib.deprecate

    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    import oidc_provider_mock

__all__ = [
    "ACCESS",
    "ADMIN",
    "COOKIE_SECRET",
    "LINK_KEY",
    "MANAGER",
    "VIEWER",
    "Provider",
    "SignInDashboard",
    "auth_secrets",
    "oidc_provider",
    "sign_in",
    "sign_out",
    "signed_in_dashboard",
    "write_secrets",
]

# The accounts of the sign-in tests, and what the access list makes of them.
VIEWER, MANAGER, ADMIN = "viewer@shop.com", "manager@shop.com", "boss@shop.com"
ACCESS = {"admins": [ADMIN], "managers": [MANAGER], "viewers": ["*@shop.com"]}
COOKIE_SECRET = "test-cookie-secret-0123456789abcdef"
LINK_KEY = "test-link-key-0123456789abcdef-0123456789"
CLIENT_ID, CLIENT_SECRET = "nps-dashboard", "nps-dashboard-secret"


@dataclass(frozen=True)
class Provider:
    url: str  # the issuer, e.g. http://127.0.0.1:40123

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without a line on stderr per request."""

    def log(self, type: str, message: str, *args: Any) -> None:
        pass


@contextmanager
def oidc_provider(accounts: Sequence[str]) -> Iterator[Provider]:
    """The provider, with one predefined account per email in ``accounts`` (its
    ``sub`` is the email too), while in the block."""
    users = [oidc_provider_mock.User(sub=email, claims={"email": email}) for email in accounts]
    app = oidc_provider_mock.app(user_claims=users)
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def _toml(value: Any) -> str:
    """A TOML value: JSON's strings, numbers and arrays are TOML's too."""
    return json.dumps(value)


def auth_secrets(
    provider: Provider, port: int, access: Mapping[str, Sequence[str]], link_key: str = LINK_KEY
) -> dict[str, dict[str, Any]]:
    """Secrets for a dashboard on ``port`` signing in with ``provider``."""
    return {
        "auth": {
            "redirect_uri": f"http://127.0.0.1:{port}/oauth2callback",
            "cookie_secret": COOKIE_SECRET,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "server_metadata_url": provider.metadata_url,
        },
        "access": {role: list(entries) for role, entries in access.items()},
        "screens": {"link_key": link_key},
    }


def write_secrets(path: Path, secrets: Mapping[str, Mapping[str, Any]]) -> Path:
    """``secrets`` (tables of plain values) as a secrets.toml file at ``path``."""
    lines: list[str] = []
    for table, values in secrets.items():
        lines.append(f"[{table}]")
        lines.extend(f"{name} = {_toml(value)}" for name, value in values.items())
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass(frozen=True)
class SignInDashboard:
    """A dashboard that signs people in with ``provider``; its files are in ``data_dir``."""

    dashboard: Dashboard
    provider: Provider
    data_dir: Path

    @property
    def url(self) -> str:
        return self.dashboard.url


@contextmanager
def signed_in_dashboard(
    db_path: Path,
    shop_id: str,
    secret: str,
    folder: Path,
    access: Mapping[str, Sequence[str]],
    accounts: Sequence[str],
) -> Iterator[SignInDashboard]:
    """A provider knowing ``accounts``, an API over ``db_path`` and a dashboard whose
    secrets hold ``[auth]`` for that provider, ``access`` and a screen-link key."""
    port = free_port()
    with oidc_provider(accounts) as provider, start_server(db_path) as api:
        secrets = write_secrets(folder / "secrets.toml", auth_secrets(provider, port, access))
        data_dir = folder / "data"
        dashboard = start_dashboard(api, shop_id, secret, data_dir, secrets=secrets, port=port)
        try:
            yield SignInDashboard(dashboard, provider, data_dir)
        finally:
            stop_dashboard(dashboard)


def sign_in(page: Page, url: str, account: str) -> None:
    """Through the whole OpenID Connect flow: the dashboard's Sign in button, the
    provider's page (a predefined account's button, or any account typed in), and back
    to the dashboard, signed in, once its first page has run."""
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize?**")
    predefined = page.get_by_role("button", name=account, exact=True)
    if predefined.count():
        predefined.click()
    else:
        page.fill("input[name=sub]", account)
        page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/")
    wait_for_app(page)


def sign_out(page: Page, url: str) -> None:
    """The Sign out button, the provider's end-session page, and back to the dashboard."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/oauth2/end_session?**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{url}/")
    wait_for_app(page)
