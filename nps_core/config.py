"""Where the data comes from: a PersonaClick account, or the embedded demo server.

Settings are read from Streamlit's secrets (``[personaclick]`` table: ``base_url``,
``shop_id``, ``shop_secret``) or the environment (``NPS_API_URL``, ``NPS_SHOP_ID``,
``NPS_SHOP_SECRET``). With neither, the dashboard runs in demo mode: the bundled server
starts once per process on an ephemeral loopback port over a demo database made on
first use, and the app talks to it over real HTTP like to any other API.

This module takes the secrets as a plain mapping so it stays free of Streamlit.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

__all__ = ["DEFAULT_BASE_URL", "Settings", "data_dir", "load_settings"]

DEFAULT_BASE_URL = "https://api.personaclick.com/"
DEMO_REVIEWS = 60_000

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

    @property
    def source_label(self) -> str:
        return "Demo data (bundled server)" if self.mode == "demo" else "PersonaClick API"

    @property
    def can_read(self) -> bool:
        """Reading reviews needs the shop secret; categories and channels do not."""
        return bool(self.shop_secret)


def data_dir() -> Path:
    """Git-ignored folder for the demo database and the review cache."""
    path = Path(os.environ.get("NPS_DATA_DIR") or Path(__file__).resolve().parent.parent / ".nps")
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_settings(
    secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Secrets first, then the environment, else the embedded demo server."""
    environ = os.environ if environ is None else environ
    section: Mapping[str, Any] = {}
    if secrets is not None and "personaclick" in secrets:
        section = secrets["personaclick"]
    shop_id = section.get("shop_id") or environ.get("NPS_SHOP_ID")
    timezone = section.get("timezone") or environ.get("NPS_TIMEZONE") or "UTC"
    if shop_id:
        base_url = section.get("base_url") or environ.get("NPS_API_URL") or DEFAULT_BASE_URL
        base_url = str(base_url).rstrip("/")
        return Settings(
            mode="api",
            base_url=base_url,
            shop_id=str(shop_id),
            shop_secret=section.get("shop_secret") or environ.get("NPS_SHOP_SECRET") or None,
            cache_key=f"{base_url}|{shop_id}",
            timezone=str(timezone),
        )
    reviews = int(environ.get("NPS_DEMO_REVIEWS") or DEMO_REVIEWS)
    return _embedded_demo(reviews, str(timezone))


_demo_lock = threading.Lock()
_demo_settings: dict[int, Settings] = {}


def _embedded_demo(reviews: int, timezone: str) -> Settings:
    """Start (once per process) the bundled server over a demo database."""
    with _demo_lock:
        if reviews not in _demo_settings:
            from nps_core.server.runner import start_server

            db_path, created = _demo_database(reviews)
            handle = start_server(db_path)
            from nps_core.server.demo import demo_credentials

            shop_id, secret = demo_credentials(db_path)
            _demo_settings[reviews] = Settings(
                mode="demo",
                base_url=handle.url,
                shop_id=shop_id,
                shop_secret=secret,
                # The port changes every start; the database's identity does not.
                cache_key=f"demo|{db_path.name}|{created}",
                timezone=timezone,
            )
        settings = _demo_settings[reviews]
    return Settings(**{**settings.__dict__, "timezone": timezone})


def _demo_database(reviews: int) -> tuple[Path, str]:
    """The demo database for today, rebuilt when it was made on an earlier day.

    Demo data covers the twelve months ending on the day it is made; a stale one would
    show a dashboard whose last weeks are empty.
    """
    from nps_core.server.demo import create_demo

    folder = data_dir()
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
