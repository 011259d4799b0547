"""Cached access to settings, the API client and reviews, for every page.

One data path: page (the wallboard too) → ``load_reviews`` → ``fetch_reviews`` →
``NpsClient`` → HTTP. ``load_reviews`` is also where customers' contacts leave the
frame for every visitor whose role may not see them (viewers, wall screens), so no page
or export can show them. In memory, each period's ``ReviewSet`` is kept for a minute,
shared by every open tab (one object, not a copy per reader: the pages only read it); a
wall screen asks per refresh interval of the wall clock instead, so every screen on the
same interval shares one API call, made as the interval begins (``IntervalReads``). The
on-disk ``ReviewCache`` below makes closed days free and supplies the last good copy
when the API is down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import streamlit as st

from nps_core.contract.errors import NpsApiError
from nps_core.contract.models import Category, Channel
from nps_core.data.cache import ReviewCache
from nps_core.data.client import NpsClient
from nps_core.data.fetch import ReviewSet, fetch_reviews
from nps_core.data.settings import Settings, data_dir
from nps_core.present.contacts import without_contacts
from nps_core.present.i18n import N_, LazyText, gettext
from nps_core.server.embedded import start_demo
from nps_core.ui.access import current_rights
from nps_core.ui.intervals import IntervalReads
from nps_core.ui.source import read_settings

if TYPE_CHECKING:
    from nps_core.data.state import StateStore

__all__ = [
    "REVIEWS_TTL",
    "data_as_of",
    "forget_reviews",
    "get_cache",
    "get_client",
    "get_settings",
    "get_state",
    "load_catalog",
    "load_reviews",
    "refresh",
]

# A minute: fresh enough for a morning look, and what every open tab shares.
REVIEWS_TTL = 60


@st.cache_resource(show_spinner=LazyText(N_("Starting the demo data server…")))
def get_settings() -> Settings:
    """Read once per process; in demo mode this starts the bundled server (or waits for
    the start that ``start_source`` began)."""
    settings = read_settings()
    if settings.mode == "demo":
        demo = start_demo(settings.demo_reviews, data_dir())
        settings = settings.with_source(demo.url, demo.shop_id, demo.shop_secret, demo.cache_key)
    return settings


@st.cache_resource
def get_cache() -> ReviewCache:
    return ReviewCache(data_dir() / "cache")


@st.cache_resource
def get_state() -> StateStore:
    """The team's state store (follow-ups), opened and migrated once per process.

    Imported here, not at the top: SQLAlchemy and Alembic cost a second of the first
    run, which only the pages that keep state should pay."""
    from nps_core.data.state import open_state

    return open_state(get_settings().state_url)


@st.cache_resource
def get_client() -> NpsClient:
    settings = get_settings()
    return NpsClient(settings.base_url, settings.shop_id, settings.shop_secret)


def load_reviews(start: date, end: date, tz: str, *, every: int | None = None) -> ReviewSet:
    """Every review of ``start..end`` (days in ``tz``), all channels and categories.

    Filters by channel or category are applied by the pages on this frame, so changing
    them never costs a request. A page leaves out ``every``: its read is kept
    ``REVIEWS_TTL`` seconds, with a progress bar while it loads. A wall screen passes its
    refresh interval in seconds: the read is made once per interval of the wall clock for
    every screen on it, and a failure is kept as well (raised to each screen), so a
    broken API is asked once per interval, not once per screen. Raises ``NpsApiError``
    when the API fails and no stored copy covers the period. The frame holds customers'
    contacts only when the visitor's role may see them.
    """
    answer: ReviewSet | NpsApiError
    if every is None:
        answer = _page_reviews(start, end, tz)
    else:
        answer = _interval_reads().get((start, end, tz), every)
    if isinstance(answer, NpsApiError):
        raise answer
    if current_rights().contacts:
        return answer
    return replace(answer, frame=without_contacts(answer.frame))


def _fetch(
    start: date, end: date, tz: str, progress: Callable[[int, int], None] | None = None
) -> ReviewSet:
    return fetch_reviews(
        get_client(), start, end, tz=tz, cache=get_cache(), progress=progress,
        source=get_settings().cache_key,
    )  # fmt: skip


# A resource, not data: st.cache_data would hand each reader an unpickled copy, some
# 150 ms per read of a big shop's month.
@st.cache_resource(ttl=REVIEWS_TTL, max_entries=32, show_spinner=False)
def _page_reviews(start: date, end: date, tz: str) -> ReviewSet:
    bar = st.progress(0.0, text=gettext("Loading reviews…"))

    def progress(done: int, total: int) -> None:
        text = gettext("Loading reviews… {done}/{total} requests").format(done=done, total=total)
        bar.progress(done / total if total else 0.0, text=text)

    try:
        return _fetch(start, end, tz, progress)
    finally:
        bar.empty()


Span = tuple[date, date, str]


def _read_span(span: Span) -> ReviewSet | NpsApiError:
    """A wall screen's read; a failure is kept for its interval like an answer."""
    try:
        return _fetch(*span)
    except NpsApiError as error:
        return error


@st.cache_resource
def _interval_reads() -> IntervalReads[Span, ReviewSet | NpsApiError]:
    return IntervalReads(_read_span)


@st.cache_data(ttl=10 * REVIEWS_TTL, max_entries=4, show_spinner=False)
def load_catalog() -> tuple[list[Channel], list[Category]]:
    """The API's active channels and categories (names and question texts)."""
    client = get_client()
    return client.channels(), client.categories()


def forget_reviews() -> None:
    """Forget the reviews held in memory (not on disk): the next read of every page and
    screen asks the API."""
    _page_reviews.clear()
    _interval_reads().clear()


def refresh(first: date | None = None, last: date | None = None) -> None:
    """Forget cached reviews (all, or a range of days) so the next read asks the API."""
    get_cache().invalidate(get_settings().cache_key, first, last)
    forget_reviews()
    load_catalog.clear()


def data_as_of(reviews: ReviewSet) -> str:
    stamp = reviews.fetched_at or datetime.now(UTC)
    return stamp.astimezone().strftime("%Y-%m-%d %H:%M")
