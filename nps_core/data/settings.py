"""Where the data comes from: a PersonaClick account, or the bundled demo server.

Settings are read from Streamlit's secrets (``[personaclick]`` table: ``base_url``,
``shop_id``, ``shop_secret``, ``timezone``) or the environment (``NPS_API_URL``,
``NPS_SHOP_ID``, ``NPS_SHOP_SECRET``, ``NPS_TIMEZONE``). With neither, the settings say
"demo": the Streamlit glue (``nps_core.ui.data``) then starts the bundled server and
fills in its address. Loading settings only reads values; it starts nothing.

This module takes the secrets as a plain mapping so it stays free of Streamlit.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

__all__ = ["DEFAULT_BASE_URL", "DEMO_REVIEWS", "Settings", "data_dir", "load_settings"]

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
    # Size of the demo shop; used only in demo mode.
    demo_reviews: int = DEMO_REVIEWS

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


def load_settings(
    secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Secrets first, then the environment, else demo mode (no server address yet)."""
    environ = os.environ if environ is None else environ
    section: Mapping[str, Any] = {}
    if secrets is not None and "personaclick" in secrets:
        section = secrets["personaclick"]
    shop_id = section.get("shop_id") or environ.get("NPS_SHOP_ID")
    timezone = str(section.get("timezone") or environ.get("NPS_TIMEZONE") or "UTC")
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
        )
    reviews = int(environ.get("NPS_DEMO_REVIEWS") or DEMO_REVIEWS)
    return Settings(mode="demo", base_url="", shop_id="", timezone=timezone, demo_reviews=reviews)
