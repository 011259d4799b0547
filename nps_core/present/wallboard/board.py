"""The figures a wallboard shows at one tick, as display-ready text.

``compose_board`` takes the loaded span's reviews (the period, this week and today) and
the comparison period's, applies the link's filters and the rotation's current view, and
gives a ``Board``: every number already written by ``nps_core.present.formatting``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from nps_core.analysis.nps import SMALL_N, NpsSummary, compare, summarize
from nps_core.analysis.trend import trend
from nps_core.contract.models import GROUPS
from nps_core.present.filters import (
    PRESETS,
    CompareMode,
    FilterState,
    Period,
    drop_unknown_codes,
    filter_frame,
    narrowed,
)
from nps_core.present.formatting import (
    format_count,
    format_date_as,
    format_delta,
    format_margin,
    format_nps,
    format_period,
    format_share,
)
from nps_core.present.frames import in_fetch_order
from nps_core.present.i18n import N_, Texts, gettext
from nps_core.present.labels import Labels, name_of, scope_caption
from nps_core.present.palette import GROUP_NAMES
from nps_core.present.wallboard.link import PANELS, WallboardConfig
from nps_core.present.wallboard.status import clock

__all__ = [
    "Board",
    "Change",
    "CommentLine",
    "Headline",
    "SplitPart",
    "compose_board",
    "current_view",
    "latest_comments",
    "loaded_span",
    "week_start",
]

LATEST_COMMENTS = 8
# Longer comments are cut: a wall shows the gist; the Comments page has the rest.
COMMENT_CHARS = 220
_TREND_TITLES: Texts[str] = Texts(
    {"D": N_("Daily NPS"), "W": N_("Weekly NPS"), "M": N_("Monthly NPS"), "Q": N_("Quarterly NPS")}
)
# "vs …" under the change: a whole phrase per comparison mode.
_VERSUS: Texts[CompareMode] = Texts(
    {
        "previous": N_("vs previous period"),
        "last_year": N_("vs same period last year"),
        "none": N_("no comparison"),
    }
)


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
        parts.append(gettext("few answers"))
    if days:
        parts.append(days)
    faded = 0 < summary.n < SMALL_N
    return Headline(panel, label, format_nps(summary.nps), tuple(parts), faded)


def _day(day: date) -> str:
    """ "Mon 9 Mar"."""
    return format_date_as(day, "weekday")


def _change(current: NpsSummary, previous: NpsSummary, mode: CompareMode) -> Change:
    result = compare(current, previous)
    versus = _VERSUS[mode]
    if result.delta != result.delta:  # NaN: one side has no answers
        return Change(format_delta(result.delta), 0, (versus, gettext("no answers to compare")))
    direction = int(np.sign(round(result.delta)))
    verdict = gettext("significant") if result.significant else gettext("within noise")
    return Change(format_delta(result.delta), direction, (versus, verdict))


def _split(summary: NpsSummary) -> tuple[SplitPart, ...]:
    parts = []
    for group in GROUPS:
        count = summary.count(group)
        share = count / summary.n if summary.n else None
        parts.append(
            SplitPart(
                group, GROUP_NAMES[group], share or 0.0, format_share(share), format_count(count)
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
    commented = (frame["comment"].str.strip() != "").to_numpy(dtype=bool, na_value=False)
    if in_fetch_order(frame):  # the newest are the last: no sort
        newest = np.flatnonzero(commented)[::-1]
    else:  # sorted by the two keys alone, then only the newest rows taken
        keys = frame[["created_at", "id"]].reset_index(drop=True)[commented]
        newest = keys.sort_values(
            ["created_at", "id"], ascending=False, na_position="last"
        ).index.to_numpy()
    top = frame.iloc[newest[:limit]]
    columns = (top[name] for name in ("created_at", "day", "channel", "rate", "group", "comment"))
    lines = []
    for created_at, day, code, rate, group, comment in zip(*columns, strict=True):
        if pd.isna(created_at):  # legacy servers send days only
            when = format_date_as(day.date(), "short day")
        else:
            when = clock(created_at.to_pydatetime(), tz, today)
        channel = str(code)
        lines.append(
            CommentLine(
                when=when,
                rate=int(rate),
                group=str(group),
                channel=channel_names.get(channel, channel),
                text=_shorten(str(comment), COMMENT_CHARS),
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
    codes = config.filters.chosen(config.rotate_by)
    if not codes:
        counts = frame[config.rotate_by].astype(str).value_counts()
        codes = tuple(counts.index)
    views = (None, *codes) if len(codes) > 1 else (None,)
    return views[int(now // config.rotate) % len(views)]


def _known_codes(
    filters: FilterState, loaded: pd.DataFrame, labels: Labels
) -> tuple[FilterState, list[str]]:
    """Drop the channel and category codes the API does not list (and no review uses),
    with a notice, as the other pages do; without a catalog (``labels`` empty) none."""
    if not (labels.get("channel") and labels.get("category")):
        return filters, []
    known = {
        column: set(labels[column]) | {str(code) for code in loaded[column].unique()}
        for column in labels
    }
    return drop_unknown_codes(filters, known["channel"], known["category"])


def _headlines(
    frame: pd.DataFrame, title: str, summary: NpsSummary, today: date
) -> tuple[Headline, ...]:
    """Today's, this week's and the period's NPS."""
    monday = week_start(today)
    return (
        _headline(
            "today", PANELS["today"], summarize(_between(frame, today, today)), days=_day(today)
        ),
        _headline(
            "week",
            PANELS["week"],
            summarize(_between(frame, monday, today)),
            days=gettext("since {day}").format(day=_day(monday)),
        ),
        _headline("period", title, summary, margin=True),
    )


def compose_board(
    config: WallboardConfig,
    loaded: pd.DataFrame,
    previous: pd.DataFrame | None,
    *,
    today: date,
    tz: str,
    labels: Labels,
    now: float,
) -> tuple[Board, list[str]]:
    """The board at ``now`` from the loaded span's and the comparison period's reviews.

    Codes the API does not know are dropped from the filters with a notice.
    """
    filters, notices = _known_codes(config.filters, loaded, labels)
    frame = filter_frame(loaded, filters)
    view = current_view(replace(config, filters=filters), frame, now)
    view_filters = filters
    if view is not None:
        view_filters = narrowed(filters, {config.rotate_by: view})
        frame = filter_frame(frame, view_filters)
    if previous is not None:
        previous = filter_frame(previous, view_filters)

    period = filters.period(today)
    in_period = _between(frame, period.start, period.end)
    summary = summarize(in_period)
    granularity = filters.trend_granularity(today)
    points = trend(in_period, granularity, start=period.start, end=period.end)
    title = period.label() if filters.preset == "custom" else PRESETS[filters.preset]
    board = Board(
        title=title,
        view=None if view is None else name_of(labels, config.rotate_by, view),
        scope=scope_caption(filters, period, filters.comparison(today), labels),
        headlines=_headlines(frame, title, summary, today),
        change=None if previous is None else _change(summary, summarize(previous), filters.compare),
        trend_title=_TREND_TITLES[granularity],
        trend=tuple(float(value) for value in points["nps"]),
        trend_range=(
            format_period(points["period"].iloc[0], granularity),
            format_period(points["period"].iloc[-1], granularity),
        ),
        split=_split(summary),
        comments=latest_comments(frame, tz, today, labels.get("channel", {})),
    )
    return board, notices
