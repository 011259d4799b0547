"""Where the data comes from: a PersonaClick account, or the bundled demo server.

Settings are read from Streamlit's secrets (``[personaclick]`` table: ``base_url``,
``shop_id``, ``shop_secret``, ``timezone``, ``language``) or the environment
(``NPS_API_URL``, ``NPS_SHOP_ID``, ``NPS_SHOP_SECRET``, ``NPS_TIMEZONE``,
``NPS_LANGUAGE``). With neither, the settings say "demo": the Streamlit glue
(``nps_core.ui.data``) and the alerts worker then start the bundled server and fill in
its address. Loading settings only reads values; it starts nothing.

The dashboard's own state (follow-ups, the alert ledger) lives in the database named by
``[state] state_url`` or ``NPS_STATE_URL`` (any SQLAlchemy URL; default: a SQLite file
in the data folder). ``[dashboard]`` holds ``public_url`` (``NPS_PUBLIC_URL``: where
alerts link to) and ``followup_sla_hours`` (``NPS_FOLLOWUP_SLA_HOURS``, default 48).

This module takes the secrets as a plain mapping so it stays free of Streamlit; processes
without Streamlit (the alerts worker) read the same file with ``read_secrets_file``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_PUBLIC_URL",
    "DEFAULT_SLA_HOURS",
    "DEMO_REVIEWS",
    "SECRET_SECTIONS",
    "Settings",
    "data_dir",
    "load_settings",
    "read_secrets_file",
]

DEFAULT_BASE_URL = "https://api.personaclick.com/"
DEMO_REVIEWS = 60_000
DEFAULT_PUBLIC_URL = "http://localhost:8501"
# The service level of a follow-up: call a detractor back within two days.
DEFAULT_SLA_HOURS = 48.0
# The secrets tables these settings read.
SECRET_SECTIONS = ("personaclick", "state", "dashboard")

Mode = Literal["demo", "api"]


@dataclass(frozen=True)
class Settings:
    mode: Mode
    base_url: str
    shop_id: str
    # Kept out of repr so a logged or displayed Settings never shows it.
    shop_secret: str | None = field(default=None, repr=False)
    # Namespace of the on-disk review cache: never includes the secret.
    cache_key: str = ""
    timezone: str = "UTC"
    # The interface's language when the link names none (a code such as "en" or "ru";
    # the presentation layer checks it against the languages it has).
    language: str = "en"
    # Size of the demo shop; used only in demo mode.
    demo_reviews: int = DEMO_REVIEWS
    # SQLAlchemy URL of the state store; empty: SQLite in the data folder. It may hold a
    # database password, so it is kept out of repr too.
    state_url: str = field(default="", repr=False)
    # The dashboard's address as its users reach it: alerts link to its pages.
    public_url: str = DEFAULT_PUBLIC_URL
    followup_sla_hours: float = DEFAULT_SLA_HOURS

    @property
    def source_label(self) -> str:
        return "Demo data (bundled server)" if self.mode == "demo" else "PersonaClick API"

    @property
    def can_read(self) -> bool:
        """Reading reviews needs the shop secret; categories and channels do not."""
        return bool(self.shop_secret)

    def with_source(
        self, base_url: str, shop_id: str, shop_secret: str, cache_key: str
    ) -> Settings:
        """These settings pointed at a server started later (the demo server)."""
        return replace(
            self, base_url=base_url, shop_id=shop_id, shop_secret=shop_secret, cache_key=cache_key
        )


def data_dir() -> Path:
    """Git-ignored folder for the demo database and the review cache."""
    default = Path(__file__).resolve().parents[2] / ".nps"
    path = Path(os.environ.get("NPS_DATA_DIR") or default)
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_secrets_file(paths: list[Path] | None = None) -> dict[str, Any]:
    """The tables of Streamlit's secrets files, for a process without Streamlit.

    Streamlit's own order: the user's ``~/.streamlit/secrets.toml``, then the project's
    ``.streamlit/secrets.toml`` (in the working folder), whose tables win.
    """
    if paths is None:
        paths = [Path.home() / ".streamlit" / "secrets.toml", Path(".streamlit/secrets.toml")]
    merged: dict[str, Any] = {}
    for path in paths:
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            continue
    return merged


def _section(secrets: Mapping[str, Any] | None, name: str) -> Mapping[str, Any]:
    if secrets is not None and name in secrets:
        return secrets[name]
    return {}


def _team_settings(secrets: Mapping[str, Any] | None, environ: Mapping[str, str]) -> dict[str, Any]:
    """The state store's URL and the follow-up work's settings (both modes alike)."""
    state, dashboard = _section(secrets, "state"), _section(secrets, "dashboard")
    sla = dashboard.get("followup_sla_hours") or environ.get("NPS_FOLLOWUP_SLA_HOURS")
    public = dashboard.get("public_url") or environ.get("NPS_PUBLIC_URL") or DEFAULT_PUBLIC_URL
    return {
        "state_url": str(state.get("state_url") or environ.get("NPS_STATE_URL") or ""),
        "public_url": str(public).rstrip("/"),
        "followup_sla_hours": float(sla) if sla else DEFAULT_SLA_HOURS,
    }


def load_settings(
    secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Secrets first, then the environment, else demo mode (no server address yet)."""
    environ = os.environ if environ is None else environ
    section = _section(secrets, "personaclick")
    team = _team_settings(secrets, environ)
    shop_id = section.get("shop_id") or environ.get("NPS_SHOP_ID")
    timezone = str(section.get("timezone") or environ.get("NPS_TIMEZONE") or "UTC")
    language = str(section.get("language") or environ.get("NPS_LANGUAGE") or "en").strip().lower()
    if shop_id:
        base_url = section.get("base_url") or environ.get("NPS_API_URL") or DEFAULT_BASE_URL
        base_url = str(base_url).rstrip("/")
        return Settings(
            mode="api",
            base_url=base_url,
            shop_id=str(shop_id),
            shop_secret=section.get("shop_secret") or environ.get("NPS_SHOP_SECRET") or None,
            cache_key=f"{base_url}|{shop_id}",
            timezone=timezone,
            language=language,
            **team,
        )
    reviews = int(environ.get("NPS_DEMO_REVIEWS") or DEMO_REVIEWS)
    return Settings(
        mode="demo",
        base_url="",
        shop_id="",
        timezone=timezone,
        language=language,
        demo_reviews=reviews,
        **team,
    )
