"""The weekly digest as plain data and as text and HTML: what a team reads on Monday.

For a period of N whole days ending yesterday (``digest_periods``) and the N days
before it: NPS with its margin (adjusted-Wald, as on the Overview page) and its change
with the z-test's verdict; the three segments (channel × category) that moved the NPS
most, from the shift-share decomposition (``metrics.decompose``: each segment's mix +
rate contribution, ranked by its size); the open follow-ups; and one representative
comment per group (``analysis.quotes.representative``). The chart is the NPS of the
last eight such periods with their 95% intervals (``digest_chart``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from nps_core.analysis.nps import Comparison, compare, summarize
from nps_core.analysis.quotes import representative
from nps_core.analysis.segments import decompose
from nps_core.contract.models import GROUPS
from nps_core.present.filters import Period
from nps_core.present.formatting import (
    format_count,
    format_delta,
    format_interval,
    format_nps,
    format_nps_with_margin,
    format_points,
    significance_text,
)
from nps_core.present.labels import Labels, segment_label
from nps_core.present.message import Attachment, Message

__all__ = [
    "CHART_NAME",
    "HISTORY_PERIODS",
    "Digest",
    "Move",
    "Quote",
    "compose_digest",
    "digest_message",
    "digest_periods",
    "digest_text",
    "period_blocks",
]

HISTORY_PERIODS = 8
MOVES = 3
CHART_NAME = "nps-digest.png"
_BY = ["channel", "category"]


@dataclass(frozen=True)
class Move:
    """A segment's share of the NPS change (points of the shop's NPS)."""

    name: str
    total: float
    nps_previous: float
    nps_current: float
    n_current: int


@dataclass(frozen=True)
class Quote:
    group: str
    rate: int
    where: str
    day: date
    comment: str


@dataclass(frozen=True, eq=False)
class Digest:
    period: Period
    previous: Period
    comparison: Comparison
    moves: tuple[Move, ...]
    open_followups: int
    overdue: int
    followups_since: date
    sla_hours: float
    quotes: tuple[Quote, ...]
    blocks: pd.DataFrame  # start, end, n, nps, ci_low, ci_high: oldest first
    link: str


def digest_periods(days: int, today: date) -> tuple[Period, Period]:
    """The ``days`` whole days ending yesterday, and the ``days`` before them."""
    end = today - timedelta(days=1)
    period = Period(end - timedelta(days=days - 1), end)
    previous = Period(period.start - timedelta(days=days), period.start - timedelta(days=1))
    return period, previous


def _between(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    days = frame["day"]
    keep = (days >= pd.Timestamp(period.start)) & (days <= pd.Timestamp(period.end))
    return frame[keep.to_numpy()]


def period_blocks(
    frame: pd.DataFrame, period: Period, count: int = HISTORY_PERIODS
) -> pd.DataFrame:
    """NPS of ``count`` consecutive periods as long as ``period``, ending with it."""
    rows = []
    for k in range(count - 1, -1, -1):
        shift = timedelta(days=k * period.days)
        block = Period(period.start - shift, period.end - shift)
        s = summarize(_between(frame, block))
        rows.append(
            {"start": block.start, "end": block.end, "n": s.n, "nps": s.nps}
            | {"ci_low": s.ci_low, "ci_high": s.ci_high}
        )
    return pd.DataFrame(rows)


def _moves(current: pd.DataFrame, previous: pd.DataFrame, labels: Labels) -> tuple[Move, ...]:
    table = decompose(current, previous, _BY).segments.dropna(subset=["total"]).head(MOVES)
    return tuple(
        Move(
            segment_label({c: row[c] for c in _BY}, labels),
            float(row["total"]),
            float(row["nps_previous"]),
            float(row["nps_current"]),
            int(row["n_current"]),
        )
        for _, row in table.iterrows()
    )


def _quotes(frame: pd.DataFrame, labels: Labels) -> tuple[Quote, ...]:
    found = []
    for group in reversed(GROUPS):  # promoter, passive, detractor
        row = representative(frame, group)
        if row is not None:
            where = segment_label({c: row[c] for c in _BY}, labels)
            day = pd.Timestamp(row["day"]).date()
            found.append(Quote(group, int(row["rate"]), where, day, str(row["comment"])))
    return tuple(found)


def compose_digest(
    history: pd.DataFrame,
    period: Period,
    previous: Period,
    *,
    open_followups: int,
    overdue: int,
    followups_since: date,
    sla_hours: float,
    labels: Labels,
    link: str,
) -> Digest:
    """The digest of ``period`` from ``history`` (reviews of the last eight periods)."""
    current, before = _between(history, period), _between(history, previous)
    return Digest(
        period=period,
        previous=previous,
        comparison=compare(summarize(current), summarize(before)),
        moves=_moves(current, before, labels),
        open_followups=open_followups,
        overdue=overdue,
        followups_since=followups_since,
        sla_hours=sla_hours,
        quotes=_quotes(current, labels),
        blocks=period_blocks(history, period),
        link=link,
    )


def _headline(d: Digest) -> list[str]:
    s, c = d.comparison.current, d.comparison
    return [
        f"NPS {format_nps_with_margin(s.nps, s.margin)} from {format_count(s.n)} answers "
        f"(95% interval {format_interval(s.ci_low, s.ci_high)})",
        f"Change vs {d.previous.label()}: {format_delta(c.delta)}, "
        f"{significance_text(c.p_value, c.significant)}",
    ]


def _move_line(move: Move) -> str:
    return (
        f"{move.name}: {format_points(move.total)} of the change "
        f"(NPS {format_nps(move.nps_previous)} → {format_nps(move.nps_current)}, "
        f"{format_count(move.n_current)} answers)"
    )


def _followups_line(d: Digest) -> str:
    return (
        f"Open follow-ups of detractors since {d.followups_since:%d %b}: "
        f"{format_count(d.open_followups)} ({format_count(d.overdue)} new past the "
        f"{d.sla_hours:g} h service level)"
    )


def _quote_line(quote: Quote) -> str:
    return (
        f"{quote.group.title()} ({quote.rate}, {quote.where}, {quote.day:%d %b}): “{quote.comment}”"
    )


def digest_text(d: Digest) -> str:
    """The digest as plain text (chat services, and e-mail's text part)."""
    lines = [f"NPS digest · {d.period.label()}", "", *_headline(d), ""]
    lines += ["Segments that moved it most:"]
    lines += [f"  • {_move_line(m)}" for m in d.moves] or ["  (no change to split)"]
    lines += ["", _followups_line(d), "", "What customers said:"]
    lines += [f"  • {_quote_line(q)}" for q in d.quotes] or ["  (no comments)"]
    lines += ["", f"Dashboard: {d.link}"]
    return "\n".join(lines)


def _items(lines: list[str]) -> str:
    return "".join(f"<li>{html.escape(line)}</li>" for line in lines)


def digest_html(d: Digest, chart: str | None) -> str:
    """The digest as an HTML e-mail; ``chart`` names the inline image (``cid:``), if any."""
    e = html.escape
    headline = "".join(f"<p style='margin:4px 0'>{e(line)}</p>" for line in _headline(d))
    image = (
        f'<p><img src="cid:{e(chart)}" alt="NPS of the last {HISTORY_PERIODS} periods" '
        'width="600" style="max-width:100%"></p>'
        if chart
        else ""
    )
    moves = _items([_move_line(m) for m in d.moves]) or "<li>(no change to split)</li>"
    quotes = _items([_quote_line(q) for q in d.quotes]) or "<li>(no comments)</li>"
    return (
        "<html><body style='font-family:sans-serif;max-width:640px'>"
        f"<h2>NPS digest · {e(d.period.label())}</h2>{headline}{image}"
        f"<h3>Segments that moved it most</h3><ul>{moves}</ul>"
        f"<p>{e(_followups_line(d))}</p>"
        f"<h3>What customers said</h3><ul>{quotes}</ul>"
        f'<p>Dashboard: <a href="{e(d.link)}">{e(d.link)}</a></p></body></html>'
    )


def digest_message(d: Digest, chart_png: bytes | None) -> Message:
    """Text for chat services; HTML with the chart inline for e-mail."""
    attachments = (Attachment(CHART_NAME, "image/png", chart_png),) if chart_png else ()
    return Message(
        f"NPS digest · {d.period.label()}",
        digest_text(d),
        digest_html(d, CHART_NAME if chart_png else None),
        attachments,
    )
