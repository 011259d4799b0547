"""Cached access to settings, the API client and reviews, for every page.

One data path: page → this module → ``fetch_reviews`` → ``NpsClient`` → HTTP.
``st.cache_data`` keeps each period's ``ReviewSet`` for a minute (so pages and wall
screens share one fetch per interval); the on-disk ``ReviewCache`` below it makes
closed days free and supplies the last good copy when the API is down.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import streamlit as st

from nps_core.contract.models import Category, Channel
from nps_core.data.cache import ReviewCache
from nps_core.data.client import NpsClient
from nps_core.data.fetch import ReviewSet, fetch_reviews
from nps_core.data.settings import Settings, data_dir, load_settings
from nps_core.server.embedded import start_demo

__all__ = [
    "REVIEWS_TTL",
    "get_cache",
    "get_client",
    "get_settings",
    "load_catalog",
    "load_reviews",
    "refresh",
]

# A minute: fresh enough for a morning look, and what every open tab shares.
REVIEWS_TTL = 60


def _secrets() -> dict | None:
    try:
        return {"personaclick": dict(st.secrets["personaclick"])}
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return None


@st.cache_resource(show_spinner="Starting the demo data server…")
def get_settings() -> Settings:
    """Read once per process; in demo mode this starts the bundled server."""
    settings = load_settings(_secrets())
    if settings.mode == "demo":
        demo = start_demo(settings.demo_reviews, data_dir())
        settings = settings.with_source(demo.url, demo.shop_id, demo.shop_secret, demo.cache_key)
    return settings


@st.cache_resource
def get_cache() -> ReviewCache:
    return ReviewCache(data_dir() / "cache")


@st.cache_resource
def get_client() -> NpsClient:
    settings = get_settings()
    return NpsClient(settings.base_url, settings.shop_id, settings.shop_secret)


@st.cache_data(ttl=REVIEWS_TTL, max_entries=32, show_spinner=False)
def load_reviews(start: date, end: date, tz: str) -> ReviewSet:
    """Every review of ``start..end`` (days in ``tz``), all channels and categories.

    Filters by channel or category are applied by the pages on this frame, so changing
    them never costs a request.
    """
    bar = st.progress(0.0, text="Loading reviews…")

    def progress(done: int, total: int) -> None:
        bar.progress(
            done / total if total else 0.0, text=f"Loading reviews… {done}/{total} requests"
        )

    settings = get_settings()
    try:
        return fetch_reviews(
            get_client(), start, end, tz=tz, cache=get_cache(), progress=progress,
            source=settings.cache_key,
        )  # fmt: skip
    finally:
        bar.empty()


@st.cache_data(ttl=10 * REVIEWS_TTL, max_entries=4, show_spinner=False)
def load_catalog() -> tuple[list[Channel], list[Category]]:
    """The API's active channels and categories (names and question texts)."""
    client = get_client()
    return client.channels(), client.categories()


def refresh(first: date | None = None, last: date | None = None) -> None:
    """Forget cached reviews (all, or a range of days) so the next read asks the API."""
    get_cache().invalidate(get_settings().cache_key, first, last)
    load_reviews.clear()
    load_catalog.clear()


def data_as_of(reviews: ReviewSet) -> str:
    stamp = reviews.fetched_at or datetime.now(UTC)
    return stamp.astimezone().strftime("%Y-%m-%d %H:%M")
