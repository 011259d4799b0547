"""The shared sidebar: data source, period, comparison, channels, categories, target.

Every page calls ``shared_filters()`` first. The filters live in ``st.query_params`` so a
link reproduces the view; widgets start from the URL on a new session and the URL is
rewritten from the widgets on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from nps_core.config import Settings
from nps_core.errors import AuthError, NpsApiError
from nps_core.fetch import ReviewSet
from nps_core.filters import (
    COMPARISONS,
    OLDEST,
    PRESETS,
    FilterState,
    Period,
    filter_frame,
    parse_filters,
    to_query,
)
from nps_core.models import Category, Channel
from nps_core.ui.data import data_as_of, get_settings, load_catalog, load_reviews, refresh

__all__ = ["FilterContext", "shared_filters", "today_in"]

# Session-state keys of the filter widgets (shared by every page).
KEY_PRESET, KEY_RANGE, KEY_COMPARE = "flt_period", "flt_range", "flt_compare"
KEY_CHANNELS, KEY_CATEGORIES, KEY_TARGET = "flt_channel", "flt_category", "flt_target"


@dataclass(frozen=True, eq=False)
class FilterContext:
    """What a page needs after the sidebar ran: filters, periods and their reviews."""

    settings: Settings
    state: FilterState
    today: date
    period: Period
    comparison: Period | None
    reviews: ReviewSet
    previous: ReviewSet | None
    frame: pd.DataFrame  # the period's reviews under the channel/category filters
    previous_frame: pd.DataFrame | None
    channel_names: dict[str, str]
    category_names: dict[str, str]
    categories: dict[str, Category]

    def channel_label(self, code: str) -> str:
        return self.channel_names.get(code, code)

    def category_label(self, code: str) -> str:
        return self.category_names.get(code, code)


def today_in(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def _init_widgets(state: FilterState, today: date) -> None:
    """Seed the widgets from the URL once per session (later runs keep what was chosen)."""
    if KEY_PRESET in st.session_state:
        return
    period = state.period(today)
    st.session_state[KEY_PRESET] = state.preset
    st.session_state[KEY_RANGE] = (period.start, period.end)
    st.session_state[KEY_COMPARE] = state.compare
    st.session_state[KEY_CHANNELS] = list(state.channels)
    st.session_state[KEY_CATEGORIES] = list(state.categories)
    st.session_state[KEY_TARGET] = "" if state.target is None else f"{state.target:g}"


def _load(period: Period, tz: str) -> ReviewSet:
    try:
        return load_reviews(period.start, period.end, tz)
    except AuthError as error:
        st.error(
            "**The API refused the shop's credentials.** Check `shop_id` and `shop_secret` "
            f"in `.streamlit/secrets.toml` (or `NPS_SHOP_ID` / `NPS_SHOP_SECRET`). "
            f"The API said: {error.message}"
        )
        st.stop()
    except NpsApiError as error:
        st.error(
            "**The review API cannot be reached, and no earlier copy of this period is "
            f"stored.** Try again in a minute. The API said: {error.message}"
        )
        st.stop()
    raise AssertionError("unreachable")


def _catalog() -> tuple[list[Channel], list[Category]]:
    try:
        return load_catalog()
    except NpsApiError:
        # Names are a nicety: without them codes are shown as they are.
        return [], []


def _source_box(settings: Settings, reviews: ReviewSet) -> None:
    with st.sidebar.container(border=True):
        st.markdown(f"**{settings.source_label}**")
        st.caption(f"Shop `{settings.shop_id}` · data as of {data_as_of(reviews)}")
        if st.button("Refresh data", icon="🔄", use_container_width=True, key="flt_refresh"):
            refresh()
            st.rerun()


def _banners(
    reviews: ReviewSet, channel_names: dict[str, str], category_names: dict[str, str]
) -> None:
    if reviews.stale:
        reason = reviews.error.message if reviews.error else "unknown error"
        st.warning(
            f"**Showing stored data as of {data_as_of(reviews)}**: the API could not be "
            f"reached ({reason}). Figures will update when it answers again.",
            icon="⚠️",
        )
    if reviews.truncated:
        cells = ", ".join(
            f"{t.day:%d %b %Y} × {channel_names.get(t.channel or '', t.channel)} × "
            f"{category_names.get(t.category or '', t.category)}"
            for t in reviews.truncated[:5]
        )
        more = f" and {len(reviews.truncated) - 5} more" if len(reviews.truncated) > 5 else ""
        st.warning(
            f"**Some reviews are missing**: the API returns at most 1000 reviews per call "
            f"and these day × channel × category cells hit that limit: {cells}{more}.",
            icon="✂️",
        )


def _options(
    catalog: list[Channel] | list[Category],
    *frames: pd.DataFrame | None,
    column: str,
    chosen: list[str],
) -> list[str]:
    codes = {item.code for item in catalog} | set(chosen)
    for frame in frames:
        if frame is not None and len(frame):
            codes |= set(frame[column].dropna().unique().tolist())
    return sorted(codes)


def shared_filters() -> FilterContext:
    """Draw the sidebar, load the reviews it asks for, and keep the URL in step."""
    settings = get_settings()
    today = today_in(settings.timezone)
    state, notices = parse_filters(st.query_params.to_dict(), today)
    _init_widgets(state, today)
    for notice in notices:
        st.toast(notice, icon="ℹ️")

    sidebar = st.sidebar
    sidebar.header("Filters")
    preset = sidebar.selectbox("Period", list(PRESETS), format_func=PRESETS.get, key=KEY_PRESET)
    start = end = None
    if preset == "custom":
        chosen = sidebar.date_input(
            "Dates", key=KEY_RANGE, min_value=OLDEST, max_value=today, format="YYYY-MM-DD"
        )
        if isinstance(chosen, tuple) and len(chosen) == 2:
            start, end = chosen
        else:  # the user has picked the first day only: keep the previous range
            start, end = state.start or today, state.end or today
    compare = sidebar.selectbox(
        "Compare with", list(COMPARISONS), format_func=COMPARISONS.get, key=KEY_COMPARE
    )
    state = state.with_(preset=preset, start=start, end=end, compare=compare)
    period = state.period(today)
    comparison = state.comparison(today)

    reviews = _load(period, settings.timezone)
    previous = _load(comparison, settings.timezone) if comparison else None
    channels, categories = _catalog()
    channel_names = {c.code: c.label for c in channels}
    category_names = {c.code: c.label for c in categories}

    prev_frame = previous.frame if previous else None
    chosen_channels = sidebar.multiselect(
        "Channels",
        _options(
            channels,
            reviews.frame,
            prev_frame,
            column="channel",
            chosen=st.session_state[KEY_CHANNELS],
        ),
        format_func=lambda code: channel_names.get(code, code),
        placeholder="All channels",
        key=KEY_CHANNELS,
    )
    chosen_categories = sidebar.multiselect(
        "Categories",
        _options(
            categories,
            reviews.frame,
            prev_frame,
            column="category",
            chosen=st.session_state[KEY_CATEGORIES],
        ),
        format_func=lambda code: category_names.get(code, code),
        placeholder="All categories",
        key=KEY_CATEGORIES,
    )
    target_text = sidebar.text_input("NPS target (optional)", key=KEY_TARGET, placeholder="e.g. 40")
    target = None
    if target_text.strip():
        try:
            target = float(target_text)
            if not -100 <= target <= 100:
                raise ValueError
        except ValueError:
            sidebar.caption(":red[The target must be a number from -100 to 100.]")
            target = None
    state = state.with_(
        channels=tuple(chosen_channels), categories=tuple(chosen_categories), target=target
    )

    query = to_query(state)
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)

    _source_box(settings, reviews)
    _banners(reviews, channel_names, category_names)
    return FilterContext(
        settings=settings,
        state=state,
        today=today,
        period=period,
        comparison=comparison,
        reviews=reviews,
        previous=previous,
        frame=filter_frame(reviews.frame, state),
        previous_frame=filter_frame(previous.frame, state) if previous else None,
        channel_names=channel_names,
        category_names=category_names,
        categories={c.code: c for c in categories},
    )
