"""Streamlit glue of the wall screen: its link, one shared fetch per interval, the board.

Any number of screens read the reviews through ``load_reviews(..., every=refresh)``,
one fetch per period and refresh interval, so ten screens cost the API what one does.
The last fresh answer of each period is kept in memory for every screen (``LastGood``):
when the API fails, the board keeps it on show, marked "stale since hh:mm", and asks
again on the next tick.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import replace
from datetime import timedelta

import streamlit as st

from nps_core.contract.errors import NpsApiError
from nps_core.present.contacts import without_contacts
from nps_core.present.filters import Period
from nps_core.present.i18n import current_language, gettext, use_language
from nps_core.present.labels import Labels, catalog_labels
from nps_core.present.notices import data_notices
from nps_core.present.wallboard.board import compose_board, loaded_span
from nps_core.present.wallboard.html import board_html, waiting_html, wallboard_css
from nps_core.present.wallboard.link import WallboardConfig, parse_wallboard
from nps_core.present.wallboard.status import LastGood, Shown, board_status
from nps_core.ui.data import get_settings, load_catalog, load_reviews
from nps_core.ui.filters import today_in

__all__ = ["live_board", "wallboard_config", "wallboard_style"]

_KEY_SHOWN = "wb_shown"  # session state: this screen has loaded once


@st.cache_resource
def _last_good() -> LastGood:
    return LastGood()


def _shown(period: Period, tz: str, refresh: int) -> Shown:
    span = (period.start, period.end, tz)
    try:
        reviews = load_reviews(period.start, period.end, tz, every=refresh)
    except NpsApiError as error:
        return _last_good().resolve(span, None, error)
    # The last good copy is shared by every screen, signed links included: it never
    # holds contacts, whoever's visit filled it.
    reviews = replace(reviews, frame=without_contacts(reviews.frame))
    return _last_good().resolve(span, reviews, None)


def _labels() -> Labels:
    """Channel and category names by code; none while the API cannot list them."""
    try:
        channels, categories = load_catalog()
    except NpsApiError:
        return {}
    return catalog_labels(channels, categories)


def wallboard_config() -> tuple[WallboardConfig, list[str]]:
    """The board's settings from the page's link, and what in the link was ignored."""
    return parse_wallboard(st.query_params.to_dict(), today_in(get_settings().timezone))


def wallboard_style(config: WallboardConfig) -> None:
    st.html(wallboard_css(config.theme, config.kiosk))


def _board(config: WallboardConfig, notices: list[str]) -> None:
    tz = get_settings().timezone
    today = today_in(tz)  # per tick: a board left on moves on at midnight
    period = config.filters.period(today)
    comparison = config.filters.comparison(today)
    # A spinner on the first load only: later ticks keep the board on show meanwhile.
    first = _KEY_SHOWN not in st.session_state
    with st.spinner(gettext("Loading the reviews…")) if first else nullcontext():
        main = _shown(loaded_span(period, today), tz, config.refresh)
        previous = None if comparison is None else _shown(comparison, tz, config.refresh)
    st.session_state[_KEY_SHOWN] = True
    status = board_status([part for part in (main, previous) if part is not None], tz, today)
    if main.reviews is None:
        st.html(waiting_html(status, notices, config.refresh))
        return
    board, unknown = compose_board(
        config,
        main.reviews.frame,
        None if previous is None or previous.reviews is None else previous.reviews.frame,
        today=today,
        tz=tz,
        labels=_labels(),
        now=time.time(),
    )
    shown = [p.reviews for p in (main, previous) if p is not None and p.reviews is not None]
    data = dict.fromkeys(notice for reviews in shown for notice in data_notices(reviews))
    st.html(board_html(board, config, status, [*notices, *unknown, *data]))


def _board_in(language: str, config: WallboardConfig, notices: list[str]) -> None:
    """``_board`` in the page's language: a fragment's rerun runs without the page."""
    with use_language(language):
        _board(config, notices)


def live_board(config: WallboardConfig, notices: list[str]) -> None:
    """The board, redrawn every tick without reloading the page (a fragment rerun)."""
    tick = timedelta(seconds=config.tick)
    st.fragment(run_every=tick)(_board_in)(current_language(), config, notices)
