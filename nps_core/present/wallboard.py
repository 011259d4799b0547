"""The wall screen as plain data: its link's parameters, its figures and its status.

A wallboard is configured by its link alone (the shared filters' parameters plus
``refresh``, ``panels``, ``theme``, ``kiosk``, ``rotate`` and ``rotate_by``) and then left
alone for weeks, so a bad parameter never stops it: it falls back to a default and says
so. Pure (no Streamlit): ``nps_core.ui.wallboard`` loads the reviews once per refresh
interval for every screen, and ``nps_core.present.wallboard_html`` writes the markup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from nps_core.analysis.metrics import GROUPS, SMALL_N, NpsSummary, compare, summarize, trend
from nps_core.contract.errors import NpsApiError
from nps_core.data.fetch import ReviewSet
from nps_core.present.filters import (
    COMPARE_MODES,
    PRESETS,
    FilterState,
    Period,
    drop_unknown_codes,
    filter_frame,
    parse_filters,
)
from nps_core.present.formatting import (
    format_count,
    format_delta,
    format_margin,
    format_nps,
    format_period,
    format_share,
)
from nps_core.present.views import scope_caption

__all__ = [
    "DEFAULT_REFRESH",
    "MAX_REFRESH",
    "MIN_REFRESH",
    "PANELS",
    "PARAMS",
    "THEMES",
    "Board",
    "Change",
    "CommentLine",
    "Headline",
    "LastGood",
    "Shown",
    "SplitPart",
    "Status",
    "WallboardConfig",
    "board_status",
    "choose_shown",
    "clock",
    "compose_board",
    "current_view",
    "latest_comments",
    "loaded_span",
    "parse_wallboard",
    "week_start",
]

# Panel code → its heading; the layout places them, so their order in a link is moot.
PANELS: dict[str, str] = {
    "today": "Today",
    "week": "This week",
    "period": "Period",
    "trend": "Trend",
    "split": "Detractors · passives · promoters",
    "comments": "Latest comments",
}
THEMES: tuple[str, ...] = ("dark", "light")  # the first is the default: a screen on a wall
ROTATE_BY: tuple[str, ...] = ("channel", "category")
PARAMS: tuple[str, ...] = ("refresh", "panels", "theme", "kiosk", "rotate", "rotate_by")
DEFAULT_REFRESH = 60
# Faster would cost the API more than a screen read from across a room is worth.
MIN_REFRESH = 15
# Slower and "updated hh:mm" stops meaning "now"; also bounds the loader's cache life.
MAX_REFRESH = 3600
DEFAULT_ROTATE = 20
# A view shown for less cannot be read before it changes.
MIN_ROTATE = 5
LATEST_COMMENTS = 8
# Longer comments are cut: a wall shows the gist; the Comments page has the rest.
COMMENT_CHARS = 220

_FILTER_FIELD = {"channel": "channels", "category": "categories"}
_TREND_TITLES = {"D": "Daily NPS", "W": "Weekly NPS", "M": "Monthly NPS", "Q": "Quarterly NPS"}
_GROUP_TITLES = {"detractor": "Detractors", "passive": "Passives", "promoter": "Promoters"}


# --------------------------------------------------------------------------- the link


@dataclass(frozen=True)
class WallboardConfig:
    """Everything a wallboard's link sets."""

    filters: FilterState
    refresh: int = DEFAULT_REFRESH  # seconds between fetches
    panels: tuple[str, ...] = tuple(PANELS)
    theme: str = THEMES[0]
    kiosk: bool = False
    rotate: int | None = None  # seconds per view; None: no rotation
    rotate_by: str = ROTATE_BY[0]

    @property
    def tick(self) -> int:
        """Seconds between reruns of the board: the refresh, or the rotation if faster."""
        return min(self.refresh, self.rotate) if self.rotate else self.refresh


def _seconds(
    text: str | None, name: str, default: int, low: int, high: int, notices: list[str]
) -> int:
    """A whole number of seconds: a typo gives the default, a number out of range its bound."""
    if not text:
        return default
    try:
        seconds = int(text)
    except ValueError:
        notices.append(
            f"The link's {name} '{text}' is not a whole number of seconds; using {default} s."
        )
        return default
    bounded = min(max(seconds, low), high)
    if bounded != seconds:
        notices.append(
            f"The link's {name} must be {low}–{high} s, not {seconds}; using {bounded} s."
        )
    return bounded


def _choice(text: str | None, name: str, choices: Sequence[str], notices: list[str]) -> str:
    """One of ``choices`` (case-insensitive); the first when missing or unknown."""
    if not text:
        return choices[0]
    value = text.strip().lower()
    if value in choices:
        return value
    notices.append(
        f"Unknown {name} '{text}' in the link (use {' or '.join(choices)}); using {choices[0]}."
    )
    return choices[0]


def _panels(text: str | None, notices: list[str]) -> tuple[str, ...]:
    if not text:
        return tuple(PANELS)
    asked = {name.strip().lower() for name in text.split(",") if name.strip()}
    notices.extend(
        f"Unknown panel '{name}' in the link; ignored (panels: {', '.join(PANELS)})."
        for name in sorted(asked - PANELS.keys())
    )
    kept = tuple(name for name in PANELS if name in asked)
    if not kept:
        notices.append("No known panel in the link; showing them all.")
        return tuple(PANELS)
    return kept


def parse_wallboard(
    params: Mapping[str, str | list[str]], today: date
) -> tuple[WallboardConfig, list[str]]:
    """A ``WallboardConfig`` from URL parameters, and a notice for each one that was ignored.

    ``rotate`` (seconds) or ``rotate_by`` (channel or category) alone turns rotation on
    with the other's default.
    """
    filters, notices = parse_filters(params, today)
    given = filters.extra  # parse_filters keeps every other parameter here, last value wins
    refresh = _seconds(
        given.get("refresh"), "refresh", DEFAULT_REFRESH, MIN_REFRESH, MAX_REFRESH, notices
    )
    panels = _panels(given.get("panels"), notices)
    theme = _choice(given.get("theme"), "theme", THEMES, notices)
    kiosk = _choice(given.get("kiosk"), "kiosk", ("0", "1"), notices) == "1"
    rotate_by = _choice(given.get("rotate_by"), "rotate_by", ROTATE_BY, notices)
    rotate = None
    if given.get("rotate") or given.get("rotate_by"):
        rotate = _seconds(
            given.get("rotate"), "rotate", DEFAULT_ROTATE, MIN_ROTATE, MAX_REFRESH, notices
        )
    config = WallboardConfig(
        filters=filters.with_(extra={k: v for k, v in given.items() if k not in PARAMS}),
        refresh=refresh,
        panels=panels,
        theme=theme,
        kiosk=kiosk,
        rotate=rotate,
        rotate_by=rotate_by,
    )
    return config, notices


# -------------------------------------------------------------------------- the days


def week_start(today: date) -> date:
    """Monday of ``today``'s week."""
    return today - timedelta(days=today.weekday())


def loaded_span(period: Period, today: date) -> Period:
    """The days one fetch covers: the period, this week and today (even for a past period)."""
    return Period(min(period.start, week_start(today)), max(period.end, today))


def _between(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    days = frame["day"]  # naive midnight of the fetch's local day
    inside = (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))
    return frame[inside.to_numpy(dtype=bool)]


# ---------------------------------------------------------------- data and its status


@dataclass(frozen=True, eq=False)
class Shown:
    """The reviews a board shows for one span, and whether they are the API's latest."""

    reviews: ReviewSet | None  # None: the API failed before it ever answered
    stale: bool = False
    problem: str | None = None  # why they are stale: the API's own message


def _fetched_at(reviews: ReviewSet) -> datetime:
    return reviews.fetched_at or datetime.min.replace(tzinfo=UTC)


def choose_shown(
    result: ReviewSet | None, error: NpsApiError | None, last_good: ReviewSet | None
) -> Shown:
    """A fresh answer as is; after a failure the newest copy there is, marked stale.

    The fetch layer may answer a failure with its stored copy (``result.stale``); the
    screen's own last good answer is usually newer (the store stamps a copy with its
    oldest day's fetch).
    """
    if result is not None and not result.stale:
        return Shown(result)
    failure = error if error is not None else result.error if result is not None else None
    copies = [copy for copy in (result, last_good) if copy is not None]
    newest = max(copies, key=_fetched_at) if copies else None
    return Shown(newest, stale=True, problem=str(failure) if failure else "no answer")


class LastGood:
    """The last fresh ``ReviewSet`` of each span, for every screen; thread-safe."""

    def __init__(self, capacity: int = 16) -> None:
        self._capacity = capacity
        self._sets: OrderedDict[Hashable, ReviewSet] = OrderedDict()
        self._lock = threading.Lock()

    def resolve(self, key: Hashable, result: ReviewSet | None, error: NpsApiError | None) -> Shown:
        """Remember a fresh ``result``; say what to show (see ``choose_shown``)."""
        with self._lock:
            if result is not None and not result.stale:
                self._sets[key] = result
            if key in self._sets:
                self._sets.move_to_end(key)
            while len(self._sets) > self._capacity:
                self._sets.popitem(last=False)
            return choose_shown(result, error, self._sets.get(key))


def clock(moment: datetime, tz: str, today: date) -> str:
    """ "14:05" today, "3 Mar 14:05" another day (a screen left on over a weekend)."""
    local = moment.astimezone(ZoneInfo(tz))
    time_of_day = f"{local:%H:%M}"
    return time_of_day if local.date() == today else f"{local.day} {local:%b} {time_of_day}"


@dataclass(frozen=True)
class Status:
    """The board's stamp: "updated hh:mm", or "stale since hh:mm" and why."""

    text: str
    stale: bool
    problem: str | None = None


def board_status(shown: Sequence[Shown], tz: str, today: date) -> Status:
    """Updated when the newest data came; stale since the oldest stale copy was fresh."""
    stale = [part for part in shown if part.stale]
    problem = stale[0].problem if stale else None
    fetched = [_fetched_at(part.reviews) for part in shown if part.reviews is not None]
    if not fetched:
        return Status("no data yet", stale=True, problem=problem)
    copies = [_fetched_at(part.reviews) for part in stale if part.reviews is not None]
    if copies:
        return Status(f"stale since {clock(min(copies), tz, today)}", True, problem)
    # A part with no copy at all (a comparison never fetched) is left out, and said why.
    return Status(f"updated {clock(max(fetched), tz, today)}", bool(stale), problem)


# ------------------------------------------------------------------------ the figures


@dataclass(frozen=True)
class Headline:
    """One big number: a span's NPS and what it rests on."""

    panel: str
    label: str
    value: str
    details: tuple[str, ...]  # "± 3", "n = 2,766", "few answers", "since Mon 9 Mar"
    faded: bool  # fewer than SMALL_N answers: shown, not trusted


@dataclass(frozen=True)
class Change:
    """The period's change against the comparison period."""

    text: str  # "+5 pts"
    direction: int  # −1, 0 or +1
    notes: tuple[str, str]  # ("vs previous period", "significant")


@dataclass(frozen=True)
class SplitPart:
    """One group's part of the period's answers."""

    group: str
    label: str  # "Promoters"
    share: float  # 0..1; 0 when there are no answers
    percent: str  # "54%"
    count: str  # "1,234"


@dataclass(frozen=True)
class CommentLine:
    """One of the latest comments, as the board prints it."""

    when: str
    rate: int
    group: str
    channel: str
    text: str

    @property
    def detractor(self) -> bool:
        return self.group == "detractor"


@dataclass(frozen=True)
class Board:
    """Every figure a wallboard shows at one tick, as display-ready text."""

    title: str  # "Last 30 days"
    view: str | None  # the rotation's current channel or category name, if rotating
    scope: str  # the full description for the footer
    headlines: tuple[Headline, ...]  # today, this week, the period
    change: Change | None  # None without a comparison
    trend_title: str
    trend: tuple[float, ...]  # NPS per trend period, NaN where nobody answered
    trend_range: tuple[str, str]  # the first and the last period, as text
    split: tuple[SplitPart, ...]
    comments: tuple[CommentLine, ...]


def _headline(
    panel: str, label: str, summary: NpsSummary, *, margin: bool = False, days: str = ""
) -> Headline:
    parts = [f"n = {format_count(summary.n)}"]
    if summary.n and margin:
        parts.insert(0, format_margin(summary.margin))
    if 0 < summary.n < SMALL_N:
        parts.append("few answers")
    if days:
        parts.append(days)
    faded = 0 < summary.n < SMALL_N
    return Headline(panel, label, format_nps(summary.nps), tuple(parts), faded)


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _change(current: NpsSummary, previous: NpsSummary, compare_mode: str) -> Change:
    result = compare(current, previous)
    versus = f"vs {COMPARE_MODES[compare_mode].lower()}"
    if result.delta != result.delta:  # NaN: one side has no answers
        return Change(format_delta(result.delta), 0, (versus, "no answers to compare"))
    direction = int(np.sign(round(result.delta)))
    verdict = "significant" if result.significant else "within noise"
    return Change(format_delta(result.delta), direction, (versus, verdict))


def _split(summary: NpsSummary) -> tuple[SplitPart, ...]:
    counts = (summary.detractors, summary.passives, summary.promoters)
    parts = []
    for group, count in zip(GROUPS, counts, strict=True):
        share = count / summary.n if summary.n else None
        parts.append(
            SplitPart(
                group, _GROUP_TITLES[group], share or 0.0, format_share(share), format_count(count)
            )
        )
    return tuple(parts)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def latest_comments(
    frame: pd.DataFrame,
    tz: str,
    today: date,
    channel_names: Mapping[str, str],
    limit: int = LATEST_COMMENTS,
) -> tuple[CommentLine, ...]:
    """The newest reviews with a comment, newest first."""
    text = frame["comment"].str.strip()
    rows = frame[(text != "").to_numpy(dtype=bool, na_value=False)]
    rows = rows.sort_values(["created_at", "id"], ascending=False, na_position="last")
    lines = []
    for row in rows.head(limit).itertuples(index=False):
        if pd.isna(row.created_at):  # legacy servers send days only
            when = f"{row.day.day} {row.day:%b}"
        else:
            when = clock(row.created_at.to_pydatetime(), tz, today)
        channel = str(row.channel)
        lines.append(
            CommentLine(
                when=when,
                rate=int(row.rate),
                group=str(row.group),
                channel=channel_names.get(channel, channel),
                text=_shorten(str(row.comment), COMMENT_CHARS),
            )
        )
    return tuple(lines)


def current_view(config: WallboardConfig, frame: pd.DataFrame, now: float) -> str | None:
    """The channel or category a rotating board shows at ``now`` (None: all of them).

    Taken from the wall clock, so every screen on the same link shows the same view. The
    views are everything, then each code the filters chose, else each code with reviews,
    the busiest first.
    """
    if config.rotate is None:
        return None
    codes = getattr(config.filters, _FILTER_FIELD[config.rotate_by])
    if not codes:
        counts = frame[config.rotate_by].astype(str).value_counts()
        codes = tuple(counts.index)
    views = (None, *codes) if len(codes) > 1 else (None,)
    return views[int(now // config.rotate) % len(views)]


def compose_board(
    config: WallboardConfig,
    loaded: pd.DataFrame,
    previous: pd.DataFrame | None,
    *,
    today: date,
    tz: str,
    labels: Mapping[str, Mapping[str, str]],
    now: float,
) -> tuple[Board, list[str]]:
    """The board at ``now`` from the loaded span's and the comparison period's reviews.

    Channel and category codes the API does not list (and no review uses) are dropped
    with a notice, as the other pages do; without a catalog (``labels`` empty) none is.
    """
    filters, notices = config.filters, []
    if labels.get("channel") and labels.get("category"):
        known = {column: set(labels[column]) | set(loaded[column].astype(str)) for column in labels}
        filters, notices = drop_unknown_codes(filters, known["channel"], known["category"])
    frame = filter_frame(loaded, filters)
    view = current_view(replace(config, filters=filters), frame, now)
    if view is not None:
        narrowed = filters.with_(**{_FILTER_FIELD[config.rotate_by]: (view,)})
        frame = filter_frame(frame, narrowed)
        previous = None if previous is None else filter_frame(previous, narrowed)
    elif previous is not None:
        previous = filter_frame(previous, filters)

    period = filters.period(today)
    in_period = _between(frame, period.start, period.end)
    summary = summarize(in_period)
    freq = filters.freq(today)
    points = trend(in_period, freq, start=period.start, end=period.end)
    title = period.label() if filters.preset == "custom" else PRESETS[filters.preset]
    board = Board(
        title=title,
        view=None if view is None else labels.get(config.rotate_by, {}).get(view, view),
        scope=scope_caption(filters, period, filters.comparison(today), labels),
        headlines=(
            _headline(
                "today",
                PANELS["today"],
                summarize(_between(frame, today, today)),
                days=_day(today),
            ),
            _headline(
                "week",
                PANELS["week"],
                summarize(_between(frame, week_start(today), today)),
                days=f"since {_day(week_start(today))}",
            ),
            _headline("period", title, summary, margin=True),
        ),
        change=None if previous is None else _change(summary, summarize(previous), filters.compare),
        trend_title=_TREND_TITLES[freq],
        trend=tuple(float(value) for value in points["nps"]),
        trend_range=(
            format_period(points["period"].iloc[0], freq),
            format_period(points["period"].iloc[-1], freq),
        ),
        split=_split(summary),
        comments=latest_comments(frame, tz, today, labels.get("channel", {})),
    )
    return board, notices
