"""The shared sidebar: data source, period, comparison, channels, categories, target.

Every page calls ``shared_filters()`` first. The filters live in ``st.query_params`` so a
link reproduces the view; widgets start from the URL on a new session and the URL is
rewritten from the widgets on every run. The widgets keep their values when the page
changes, so switching pages keeps the view. The trend controls (granularity, rolling
window) are drawn by the pages that have a trend, but belong to the same state and URL.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from nps_core.contract.errors import AuthError, NpsApiError
from nps_core.contract.models import Category, Channel
from nps_core.data.fetch import ReviewSet
from nps_core.data.settings import Settings
from nps_core.present.filters import (
    COMPARE_MODES,
    GRANULARITIES,
    OLDEST,
    PRESETS,
    ROLLING_WINDOWS,
    FilterState,
    Period,
    default_granularity,
    drop_unknown_codes,
    filter_frame,
    parse_filters,
    to_query,
)
from nps_core.present.frames import content_key
from nps_core.present.i18n import gettext
from nps_core.present.notices import malformed_details, malformed_notice, truncation_notice
from nps_core.ui.data import data_as_of, get_settings, load_catalog, load_reviews, refresh
from nps_core.ui.loading import charts_warming
from nps_core.ui.source import read_settings, start_source

__all__ = [
    "FilterContext",
    "apply_filters",
    "granularity_control",
    "rolling_control",
    "shared_filters",
    "today_in",
]

# Session-state keys of the filter widgets (shared by every page).
KEY_PRESET, KEY_RANGE, KEY_COMPARE = "flt_period", "flt_range", "flt_compare"
KEY_CHANNELS, KEY_CATEGORIES, KEY_TARGET = "flt_channel", "flt_category", "flt_target"
KEY_GRANULARITY, KEY_ROLLING = "flt_granularity", "flt_rolling"
# Widget values for "no choice": granularity from the period's length, no rolling line.
AUTO, NO_ROLLING = "auto", 0
# The widgets seed from the URL once per session, then the URL follows them.
_KEY_SEEDED = "flt_seeded"
_WIDGET_KEYS = (
    KEY_PRESET,
    KEY_RANGE,
    KEY_COMPARE,
    KEY_CHANNELS,
    KEY_CATEGORIES,
    KEY_TARGET,
    KEY_GRANULARITY,
    KEY_ROLLING,
)


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

    @property
    def labels(self) -> dict[str, dict[str, str]]:
        """Names by frame column: ``nps_core.present.labels.Labels``."""
        return {"channel": self.channel_names, "category": self.category_names}

    @property
    def trend_granularity(self) -> str:
        """The trend's granularity: the chosen one, else the period's default."""
        return self.state.trend_granularity(self.today)

    @cached_property
    def frame_key(self) -> tuple[object, ...]:
        """Names ``frame`` for caches by its content (``content_key``): a re-fetch that
        changed nothing keeps what was computed from it."""
        return (content_key(self.frame),)


def today_in(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def _init_widgets(state: FilterState, today: date) -> bool:
    """Seed the widgets from the URL once per session; True on that first run."""
    if st.session_state.get(_KEY_SEEDED):
        return False
    st.session_state[_KEY_SEEDED] = True
    period = state.period(today)
    st.session_state[KEY_PRESET] = state.preset
    st.session_state[KEY_RANGE] = (period.start, period.end)
    st.session_state[KEY_COMPARE] = state.compare
    st.session_state[KEY_CHANNELS] = list(state.channels)
    st.session_state[KEY_CATEGORIES] = list(state.categories)
    st.session_state[KEY_TARGET] = "" if state.target is None else f"{state.target:g}"
    st.session_state[KEY_GRANULARITY] = state.granularity or AUTO
    st.session_state[KEY_ROLLING] = state.rolling or NO_ROLLING
    return True


def _keep_across_pages() -> None:
    """Carry the widget values over to this page's widgets.

    A widget's identity includes its page, so each page's sidebar is a new set of
    widgets; a value written to ``st.session_state`` before they are drawn is what they
    start from (even when the previous page's run was cut short by the switch).
    """
    for key in _WIDGET_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def apply_filters(state: FilterState) -> None:
    """Set the channel and category widgets to ``state`` (from a callback: drill-down)."""
    st.session_state[KEY_CHANNELS] = list(state.channels)
    st.session_state[KEY_CATEGORIES] = list(state.categories)


def _load(period: Period, tz: str) -> ReviewSet:
    try:
        return load_reviews(period.start, period.end, tz)
    except AuthError as error:
        st.error(
            gettext(
                "**The API refused the shop's credentials.** Check `shop_id` and `shop_secret` "
                "in `.streamlit/secrets.toml` (or `NPS_SHOP_ID` / `NPS_SHOP_SECRET`). "
                "The API said: {message}"
            ).format(message=error.message)
        )
        st.stop()
    except NpsApiError as error:
        st.error(
            gettext(
                "**The review API cannot be reached, and no earlier copy of this period is "
                "stored.** Try again in a minute. The API said: {message}"
            ).format(message=error.message)
        )
        st.stop()
    raise AssertionError("unreachable")


def _catalog() -> tuple[list[Channel], list[Category]]:
    try:
        return load_catalog()
    except NpsApiError:
        # Names are a nicety: without them codes are shown as they are.
        return [], []


def _source_box(box: DeltaGenerator, settings: Settings, reviews: ReviewSet) -> None:
    with box:
        demo = settings.mode == "demo"
        st.markdown(
            "**{}**".format(
                gettext("Demo data (bundled server)") if demo else gettext("PersonaClick API")
            )
        )
        shop = (gettext("Shop `{shop}`") if demo else gettext("Shop `{shop}` at `{url}`")).format(
            shop=settings.shop_id, url=settings.base_url
        )
        as_of = gettext("Data as of {time}").format(time=data_as_of(reviews))
        st.caption(f"{shop}  \n{as_of}")
        if st.button(
            gettext("Refresh data"), icon=":material/refresh:", width="stretch", key="flt_refresh"
        ):
            refresh()
            st.rerun()


def _banners(
    reviews: ReviewSet, channel_names: dict[str, str], category_names: dict[str, str]
) -> None:
    if reviews.stale:
        reason = reviews.error.message if reviews.error else gettext("unknown error")
        st.warning(
            gettext(
                "**Showing stored data as of {time}**: the API could not be reached "
                "({reason}). Figures will update when it answers again."
            ).format(time=data_as_of(reviews), reason=reason),
            icon="⚠️",
        )
    cut = truncation_notice(reviews, channel_names, category_names)
    if cut:
        st.warning(gettext("**Some reviews are missing**: {cut}.").format(cut=cut), icon="✂️")
    malformed = malformed_notice(reviews)
    if malformed:
        st.warning(
            gettext(
                "**{malformed}**: {details}. The figures count only the reviews that could be read."
            ).format(malformed=malformed, details=malformed_details(reviews)),
            icon="⚠️",
        )


def _codes(
    catalog: list[Channel] | list[Category], *frames: pd.DataFrame | None, column: str
) -> set[str]:
    """Codes the API lists plus those seen in the reviews (retired ones have no entry)."""
    codes = {item.code for item in catalog}
    for frame in frames:
        if frame is not None and len(frame):
            codes |= {str(code) for code in frame[column].dropna().unique()}
    return codes


def _target(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        target = float(text)
    except ValueError:
        target = None
    if target is None or not -100 <= target <= 100:
        st.sidebar.caption(
            ":red[{}]".format(gettext("The target must be a number from −100 to 100."))
        )
        return None
    return target


def _segment_select(
    label: str, placeholder: str, codes: set[str], names: dict[str, str], key: str
) -> list[str]:
    """A sidebar multi-select of codes shown by name; codes already chosen stay options."""
    return st.sidebar.multiselect(
        label,
        sorted(codes | set(st.session_state.get(key, []))),
        format_func=lambda code: names.get(code, code),
        placeholder=placeholder,
        key=key,
    )


def _period_widgets(state: FilterState, today: date) -> FilterState:
    """The period (a preset, or custom dates) and the comparison mode."""
    sidebar = st.sidebar
    preset = sidebar.selectbox(
        gettext("Period"), list(PRESETS), format_func=PRESETS.__getitem__, key=KEY_PRESET
    )
    start = end = None
    if preset == "custom":
        chosen = sidebar.date_input(
            gettext("Dates"), key=KEY_RANGE, min_value=OLDEST, max_value=today, format="YYYY-MM-DD"
        )
        if isinstance(chosen, tuple) and len(chosen) == 2:
            start, end = chosen
        else:  # the user has picked the first day only: keep the previous range
            start, end = state.start or today, state.end or today
    compare = sidebar.selectbox(
        gettext("Compare with"),
        list(COMPARE_MODES),
        format_func=COMPARE_MODES.__getitem__,
        key=KEY_COMPARE,
    )
    return state.with_(preset=preset, start=start, end=end, compare=compare)


def _segment_widgets(
    state: FilterState,
    catalog: tuple[list[Channel], list[Category]],
    frames: tuple[pd.DataFrame | None, ...],
    seeding: bool,
    notices: list[str],
) -> FilterState:
    """The channel and category multi-selects, over the codes the API lists or the
    reviews hold. On a new session the link's codes are checked once, against the API,
    and what the link asked for in vain is said."""
    channels, categories = catalog
    channel_codes = _codes(channels, *frames, column="channel")
    category_codes = _codes(categories, *frames, column="category")
    if seeding and channels and categories:
        state, unknown = drop_unknown_codes(state, channel_codes, category_codes)
        notices = [*notices, *unknown]
        apply_filters(state)
    if seeding:  # later runs take the widgets, not the URL
        for notice in notices:
            st.toast(notice, icon=":material/info:")
    chosen_channels = _segment_select(
        gettext("Channels"), gettext("All channels"), channel_codes, _names(channels), KEY_CHANNELS
    )
    chosen_categories = _segment_select(
        gettext("Categories"),
        gettext("All categories"),
        category_codes,
        _names(categories),
        KEY_CATEGORIES,
    )
    return state.with_(channels=tuple(chosen_channels), categories=tuple(chosen_categories))


def _target_and_trend(state: FilterState) -> FilterState:
    """The target field; and the trend controls' values, which the pages draw."""
    target_text = st.sidebar.text_input(
        gettext("NPS target (optional)"),
        key=KEY_TARGET,
        placeholder=gettext("e.g. 40"),
        help=gettext("Drawn as a dashed line on the NPS trends."),
    )
    granularity = st.session_state.get(KEY_GRANULARITY, AUTO)
    rolling = st.session_state.get(KEY_ROLLING, NO_ROLLING)
    return state.with_(
        target=_target(target_text),
        granularity=None if granularity == AUTO else granularity,
        rolling=rolling or None,
    )


def _names(catalog: list[Channel] | list[Category]) -> dict[str, str]:
    return {item.code: item.label for item in catalog}


def shared_filters(*, charts: bool = True) -> FilterContext:
    """Draw the sidebar, load the reviews it asks for, and keep the URL in step.
    ``charts``: the page draws charts, which the browser may get ready meanwhile."""
    start_source()  # demo mode: the demo data build while the sidebar draws
    today = today_in(read_settings().timezone)
    state, notices = parse_filters(st.query_params.to_dict(), today)
    seeding = _init_widgets(state, today)
    _keep_across_pages()

    source_box = st.sidebar.container(border=True)  # filled once the reviews are in
    st.sidebar.header(gettext("Filters"))
    state = _period_widgets(state, today)
    period, comparison = state.period(today), state.comparison(today)
    with charts_warming() if charts else nullcontext():
        settings = get_settings()
        reviews = _load(period, settings.timezone)
        previous = _load(comparison, settings.timezone) if comparison else None
        catalog = _catalog()
    frames = (reviews.frame, None if previous is None else previous.frame)
    state = _segment_widgets(state, catalog, frames, seeding, notices)
    state = _target_and_trend(state)

    query = to_query(state)
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)

    channel_names, category_names = _names(catalog[0]), _names(catalog[1])
    _source_box(source_box, settings, reviews)
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
        previous_frame=filter_frame(previous.frame, state) if previous is not None else None,
        channel_names=channel_names,
        category_names=category_names,
        categories={c.code: c for c in catalog[1]},
    )


def granularity_control(ctx: FilterContext) -> str:
    """Day / week / month / quarter for the page's trends; "Auto" follows the period."""
    auto = gettext("Auto ({granularity})").format(
        granularity=GRANULARITIES[default_granularity(ctx.period)].lower()
    )
    st.segmented_control(
        gettext("Granularity"),
        [AUTO, *GRANULARITIES],
        format_func=lambda code: auto if code == AUTO else GRANULARITIES[code],
        key=KEY_GRANULARITY,
        required=True,
    )
    # The widget's value is already in ctx.state: shared_filters read it from the session.
    return ctx.trend_granularity


def rolling_control(ctx: FilterContext) -> int | None:
    """The rolling NPS window drawn beside the per-period line, if any."""
    windows = [NO_ROLLING, *ROLLING_WINDOWS]
    st.segmented_control(
        gettext("Rolling NPS"),
        windows,
        format_func=lambda days: gettext("Off") if days == NO_ROLLING else ROLLING_WINDOWS[days],
        key=KEY_ROLLING,
        required=True,
    )
    return ctx.state.rolling
