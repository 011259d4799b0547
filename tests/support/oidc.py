"""A real OpenID Connect provider on loopback, and a dashboard configured to sign in with it.

The provider is ``oidc-provider-mock`` (authorization code flow, discovery document,
signed ID tokens, end-session endpoint) served by werkzeug on a free loopback port. Its
authorization page lists the predefined accounts as buttons, and takes any other
account typed into its ``sub`` field (whose email is then that text).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import WSGIRequestHandler

__all__ = [
    "COOKIE_SECRET",
    "LINK_KEY",
    "Provider",
    "auth_secrets",
    "oidc_provider",
    "write_secrets",
]

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
    import oidc_provider_mock  # a test tool: imported only where a provider is started
    import werkzeug.serving

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
