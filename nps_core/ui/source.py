"""The settings as read, and a head start for the demo source.

Apart from ``nps_core.ui.data`` (whose cached readers are declared against Streamlit's
runtime) so that ``nps_core.ui.launch`` can use it before the runtime exists. Reading
the settings starts nothing; ``start_source`` starts the demo in the background, and
``nps_core.ui.data.get_settings`` completes the settings with it once it is up.
"""

from __future__ import annotations

import streamlit as st

from nps_core.data.settings import SECRET_SECTIONS, Settings, data_dir, load_settings
from nps_core.server.embedded import prepare_demo
from nps_core.ui.access import secrets_section

__all__ = ["read_settings", "secrets", "start_source"]


def secrets() -> dict | None:
    """The tables of Streamlit's secrets that the settings read, or None without any."""
    found = {name: section for name in SECRET_SECTIONS if (section := secrets_section(name))}
    return found or None


@st.cache_resource(show_spinner=False)
def read_settings() -> Settings:
    """The settings as read, without a source yet in demo mode: enough for the timezone
    and the filters."""
    return load_settings(secrets())


def start_source() -> None:
    """In demo mode, start building and serving the demo data in the background (once),
    so it is under way while the page draws; ``get_settings`` then waits for it."""
    settings = read_settings()
    if settings.mode == "demo":
        prepare_demo(settings.demo_reviews, data_dir())
