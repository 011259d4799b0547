"""The dashboard's shared filters as plain data: periods, comparisons, URL round trips.

Everything here is pure (no Streamlit) so it is tested directly; ``nps_core.ui.filters``
draws the widgets and keeps ``st.query_params`` in step with a ``FilterState``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from nps_core.present.formatting import format_day
from nps_core.present.i18n import N_, Texts, gettext

__all__ = [
    "COMPARE_MODES",
    "GRANULARITIES",
    "PARAMS",
    "PRESETS",
    "ROLLING_WINDOWS",
    "CompareMode",
    "FilterState",
    "Period",
    "comparison_period",
    "default_granularity",
    "drop_unknown_codes",
    "filter_frame",
    "narrowed",
    "parse_filters",
    "resolve_period",
    "to_query",
]

# The URL parameters of the shared filters (a page's own ones are kept in ``extra``).
PARAMS: tuple[str, ...] = (
    "period",
    "from",
    "to",
    "compare",
    "channel",
    "category",
    "target",
    "granularity",
    "rolling",
)

CompareMode = Literal["previous", "last_year", "none"]
_N = TypeVar("_N", int, float)  # the type a link parameter is parsed to
# Names of the choices, translated when read (``Texts``).
PRESETS: Texts[str] = Texts(
    {
        "7d": N_("Last 7 days"),
        "30d": N_("Last 30 days"),
        "90d": N_("Last 90 days"),
        "this_month": N_("This month"),
        "last_month": N_("Last month"),
        "this_quarter": N_("This quarter"),
        "12m": N_("Last 12 months"),
        "custom": N_("Custom range"),
    }
)
COMPARE_MODES: Texts[CompareMode] = Texts(
    {
        "previous": N_("Previous period"),
        "last_year": N_("Same period last year"),
        "none": N_("No comparison"),
    }
)
GRANULARITIES: Texts[str] = Texts(
    {"D": N_("Day"), "W": N_("Week"), "M": N_("Month"), "Q": N_("Quarter")}
)
# Rolling NPS windows in days: a week, four whole weeks (same weekday mix), a quarter.
ROLLING_WINDOWS: Texts[int] = Texts({7: N_("7 days"), 28: N_("28 days"), 90: N_("90 days")})
_WINDOWS = ", ".join(str(days) for days in ROLLING_WINDOWS)
DEFAULT_PRESET = "30d"
DEFAULT_COMPARE: CompareMode = "previous"
# The frame columns the code filters narrow → the FilterState field holding the codes.
_CODE_FIELDS = {"channel": "channels", "category": "categories"}
# How far back a custom range may reach; protects the API from a typo like 1026.
OLDEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        """ "02 Mar 2026 – 08 Mar 2026", in the current language."""
        if self.start == self.end:
            return format_day(self.start, padded=True)
        return f"{format_day(self.start, padded=True)} – {format_day(self.end, padded=True)}"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def resolve_period(
    preset: str, today: date, start: date | None = None, end: date | None = None
) -> Period:
    """The days a preset covers, ending today (``custom`` uses ``start``..``end``)."""
    if preset == "custom":
        if start is None or end is None:
            raise ValueError("a custom range needs both dates")
        return Period(min(start, end), max(start, end))
    if preset in ("7d", "30d", "90d"):
        return Period(today - timedelta(days=int(preset[:-1]) - 1), today)
    if preset == "this_month":
        return Period(_month_start(today), today)
    if preset == "last_month":
        last = _month_start(today) - timedelta(days=1)
        return Period(_month_start(last), last)
    if preset == "this_quarter":
        return Period(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
    if preset == "12m":
        return Period(_shift_year(today, -1) + timedelta(days=1), today)
    raise ValueError(f"unknown period preset {preset!r}")


def comparison_period(period: Period, mode: CompareMode) -> Period | None:
    """The period to compare with: the same length just before, or a year earlier."""
    if mode == "previous":
        end = period.start - timedelta(days=1)
        return Period(end - timedelta(days=period.days - 1), end)
    if mode == "last_year":
        return Period(_shift_year(period.start, -1), _shift_year(period.end, -1))
    return None


def default_granularity(period: Period) -> str:
    """Enough points to see a shape, few enough that each has a usable sample."""
    if period.days <= 31:
        return "D"
    if period.days <= 180:
        return "W"
    if period.days <= 730:
        return "M"
    return "Q"


@dataclass(frozen=True)
class FilterState:
    """Every shared filter; ``to_query`` / ``parse_filters`` round-trip it through a URL."""

    preset: str = DEFAULT_PRESET
    start: date | None = None  # custom range only
    end: date | None = None
    compare: CompareMode = DEFAULT_COMPARE
    channels: tuple[str, ...] = ()  # empty: all
    categories: tuple[str, ...] = ()
    target: float | None = None
    granularity: str | None = None  # None: chosen from the period's length
    rolling: int | None = None  # days of the rolling NPS line; None: no line
    extra: Mapping[str, str] = field(default_factory=dict)

    def period(self, today: date) -> Period:
        return resolve_period(self.preset, today, self.start, self.end)

    def trend_granularity(self, today: date) -> str:
        """The trend granularity: the chosen one, else the period's default."""
        return self.granularity or default_granularity(self.period(today))

    def comparison(self, today: date) -> Period | None:
        return comparison_period(self.period(today), self.compare)

    def chosen(self, column: str) -> tuple[str, ...]:
        """The codes chosen for the frame's ``column`` ("channel" or "category"); empty: all."""
        return tuple(getattr(self, _CODE_FIELDS[column]))

    def with_(self, **changes: Any) -> FilterState:
        """A copy with ``changes`` to its fields (``dataclasses.replace`` checks their names)."""
        return replace(self, **changes)


def _first(value: str | list[str] | None) -> str | None:
    """Streamlit gives the last value of a repeated parameter; plain mappings may give lists."""
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def _codes(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(dict.fromkeys(code.strip() for code in value.split(",") if code.strip()))


def _period(
    get: Mapping[str, str | None], today: date, notices: list[str]
) -> tuple[str, date | None, date | None]:
    """The preset, and the dates of a custom range (None for the other presets)."""
    preset = get.get("period") or DEFAULT_PRESET
    if preset not in PRESETS:
        notices.append(
            gettext("Unknown period '{value}' in the link; showing {default}.").format(
                value=preset, default=PRESETS[DEFAULT_PRESET].lower()
            )
        )
        return DEFAULT_PRESET, None, None
    if preset != "custom":
        return preset, None, None
    try:
        start = date.fromisoformat(get.get("from") or "")
        end = date.fromisoformat(get.get("to") or "")
        if start > end:
            start, end = end, start
        if start < OLDEST or end > today + timedelta(days=1):
            raise ValueError
    except ValueError:
        notices.append(
            gettext(
                "The link's custom dates are missing or invalid (use YYYY-MM-DD, not in the "
                "future); showing {default}."
            ).format(default=PRESETS[DEFAULT_PRESET].lower())
        )
        return DEFAULT_PRESET, None, None
    return preset, start, end


def _compare_mode(text: str | None, notices: list[str]) -> CompareMode:
    for mode in COMPARE_MODES:
        if mode == (text or DEFAULT_COMPARE):
            return mode
    notices.append(
        gettext(
            "Unknown comparison '{value}' in the link; comparing with the previous period."
        ).format(value=text)
    )
    return DEFAULT_COMPARE


def _number(
    text: str | None,
    parse: Callable[[str], _N],
    valid: Callable[[_N], bool],
    notices: list[str],
    notice: str,
) -> _N | None:
    """A number from a link: None when absent, or (with ``notice``) when not ``valid``."""
    if not text:
        return None
    try:
        value = parse(text)
        if not valid(value):
            raise ValueError
    except ValueError:
        notices.append(notice)
        return None
    return value


def _granularity(text: str | None, notices: list[str]) -> str | None:
    granularity = (text or "").upper() or None
    if granularity is not None and granularity not in GRANULARITIES:
        notices.append(
            gettext(
                "Unknown granularity '{value}' in the link (use D, W, M or Q); "
                "choosing one from the period's length."
            ).format(value=text)
        )
        return None
    return granularity


def parse_filters(
    params: Mapping[str, str | list[str]], today: date
) -> tuple[FilterState, list[str]]:
    """A ``FilterState`` from URL parameters, and a notice for each one that was ignored.

    A bad value never raises: it falls back to the default and says so. Parameters
    other than ``PARAMS`` are kept in ``extra``.
    """
    notices: list[str] = []
    get = {key: _first(value) for key, value in params.items()}
    preset, start, end = _period(get, today, notices)
    state = FilterState(
        preset=preset,
        start=start,
        end=end,
        compare=_compare_mode(get.get("compare"), notices),
        channels=_codes(get.get("channel")),
        categories=_codes(get.get("category")),
        target=_number(
            get.get("target"),
            float,
            lambda target: -100 <= target <= 100,
            notices,
            gettext("The link's NPS target must be a number from -100 to 100; no target shown."),
        ),
        granularity=_granularity(get.get("granularity"), notices),
        rolling=_number(
            get.get("rolling"),
            int,
            lambda days: days in ROLLING_WINDOWS,
            notices,
            gettext(
                "The link's rolling window must be one of {windows} days; no rolling line."
            ).format(windows=_WINDOWS),
        ),
        extra={k: v for k, v in get.items() if k not in PARAMS and v is not None},
    )
    return state, notices


def to_query(state: FilterState) -> dict[str, str]:
    """The URL parameters for ``state``; defaults are left out to keep links short."""
    query: dict[str, str] = {}
    if state.preset != DEFAULT_PRESET:
        query["period"] = state.preset
    if state.preset == "custom" and state.start and state.end:
        query["from"], query["to"] = state.start.isoformat(), state.end.isoformat()
    if state.compare != DEFAULT_COMPARE:
        query["compare"] = state.compare
    if state.channels:
        query["channel"] = ",".join(state.channels)
    if state.categories:
        query["category"] = ",".join(state.categories)
    if state.target is not None:
        query["target"] = f"{state.target:g}"
    if state.granularity is not None:
        query["granularity"] = state.granularity
    if state.rolling is not None:
        query["rolling"] = str(state.rolling)
    query.update(state.extra)
    return query


def filter_frame(frame: pd.DataFrame, state: FilterState) -> pd.DataFrame:
    """The reviews the channel and category filters keep (all when a filter is empty)."""
    mask = np.ones(len(frame), dtype=bool)
    if state.channels:
        mask &= frame["channel"].isin(state.channels).to_numpy()
    if state.categories:
        mask &= frame["category"].isin(state.categories).to_numpy()
    return frame if mask.all() else frame[mask]


def drop_unknown_codes(
    state: FilterState, channels: Collection[str], categories: Collection[str]
) -> tuple[FilterState, list[str]]:
    """Drop channel and category codes nobody knows (a typo in a link), saying which."""
    notices = [
        message.format(code=code)
        for message, chosen, known in (
            (gettext("Unknown channel '{code}' in the link; ignored."), state.channels, channels),
            (
                gettext("Unknown category '{code}' in the link; ignored."),
                state.categories,
                categories,
            ),
        )
        for code in chosen
        if code not in known
    ]
    if not notices:
        return state, []
    kept = state.with_(
        channels=tuple(code for code in state.channels if code in channels),
        categories=tuple(code for code in state.categories if code in categories),
    )
    return kept, notices


def narrowed(state: FilterState, codes: Mapping[str, str]) -> FilterState:
    """The filters after drilling down into a segment: its channel and/or category only."""
    changes = {
        _CODE_FIELDS[column]: (str(code),)
        for column, code in codes.items()
        if column in _CODE_FIELDS
    }
    return state.with_(**changes)
