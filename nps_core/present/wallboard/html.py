"""The wallboard's markup and style: large type for a 1080p screen read from five metres.

Pure strings (no Streamlit), so the escaping is tested directly: every text that comes
from the API or the link (comments, names, messages, notices) goes through
``html.escape``; everything else is our own markup. Sizes are in ``vh`` so the board
fills any screen alike: on a 1080-pixel screen the NPS figures are 130 px tall, labels
32 px and comments 30 px (legible from five metres on a 50-inch screen).
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Sequence
from html import escape

from nps_core.present.charts.alt import line_summary
from nps_core.present.formatting import format_nps
from nps_core.present.i18n import current_language, gettext
from nps_core.present.palette import GROUP_COLORS, GROUP_MEMBER, NPS_COLOR, ROLLING_COLOR
from nps_core.present.wallboard.board import Board
from nps_core.present.wallboard.link import PANELS, WallboardConfig
from nps_core.present.wallboard.status import Status

__all__ = ["board_html", "sparkline_svg", "waiting_html", "wallboard_css"]

PALETTES: dict[str, dict[str, str]] = {
    "dark": {
        "bg": "#0B0F17",
        "panel": "#161C27",
        "border": "#273043",
        "text": "#F3F5F8",
        "muted": "#A9B2C0",
        "line": ROLLING_COLOR,  # the NPS blue is too dark on this background
        "zero": "#4A5568",
    },
    "light": {
        "bg": "#EEF1F5",
        "panel": "#FFFFFF",
        "border": "#D5DBE3",
        "text": "#0F172A",
        "muted": "#475569",
        "line": NPS_COLOR,
        "zero": "#B8C1CC",
    },
}
STALE_COLOR = "#E69F00"  # amber: a warning, not an error, in both themes
# Text on a group's colour: dark on the amber of passives, white on the others.
_ON_GROUP = {"detractor": "#FFFFFF", "passive": "#111111", "promoter": "#FFFFFF"}
_DIRECTION_CLASS = {-1: "wb-down", 0: "wb-flat", 1: "wb-up"}
_DIRECTION_ARROW = {-1: "▼", 0: "▶", 1: "▲"}

# The sparkline's drawing box; the SVG stretches it over its panel.
VIEW_W, VIEW_H, PAD = 1000.0, 300.0, 12.0
# A near-flat line stays flat: the scale never spans less than this many NPS points.
MIN_SPAN = 20.0
# A bar part narrower than this shows no text inside (its legend has it); one wider
# than the second also names its group.
_LABEL_MIN_SHARE, _NAME_MIN_SHARE = 0.08, 0.3
_CYRILLIC = re.compile("[\u0400-\u04ff]")

_KIOSK_CSS = """
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stMainMenu"], [data-testid="stStatusWidget"] { display: none !important; }
"""

_CSS = """
:root {{ --wb-bg: {bg}; --wb-panel: {panel}; --wb-border: {border}; --wb-text: {text};
  --wb-muted: {muted}; --wb-line: {line}; --wb-zero: {zero}; --wb-stale: {stale}; }}
[data-testid="stApp"], [data-testid="stHeader"] {{ background: var(--wb-bg); color: var(--wb-text); }}
[data-testid="stMainBlockContainer"] {{ padding: {top} 1.6vw 0; max-width: none; }}
[data-testid="stSpinner"] {{ color: var(--wb-text); font-size: 3vh; }}
/* A refresh redraws the board: never dim it meanwhile. */
[data-testid="stElementContainer"][data-stale="true"] {{ opacity: 1 !important; transition: none !important; }}
.wb {{ display: flex; flex-direction: column; gap: 1.3vh; height: {height}; color: var(--wb-text);
  line-height: 1.15; font-variant-numeric: tabular-nums; }}
.wb-head {{ display: flex; justify-content: space-between; align-items: center; gap: 2vw; }}
.wb-title {{ font-size: 4.6vh; font-weight: 700; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.wb-view {{ color: var(--wb-line); }}
.wb-status {{ font-size: 3.4vh; color: var(--wb-muted); white-space: nowrap; }}
.wb-status.wb-stale {{ background: var(--wb-stale); color: #111; font-weight: 700;
  padding: 0.4vh 1.2vw; border-radius: 1vh; }}
.wb-alert {{ font-size: 2.6vh; color: var(--wb-stale); }}
.wb-body {{ flex: 1; display: flex; gap: 1.3vw; min-height: 0; }}
.wb-main {{ flex: 1.7; display: flex; flex-direction: column; gap: 1.3vh; min-width: 0; }}
.wb-tiles {{ display: flex; gap: 1.3vw; }}
.wb-panel {{ background: var(--wb-panel); border: 0.25vh solid var(--wb-border);
  border-radius: 1.4vh; padding: 1.4vh 1.3vw; min-width: 0; }}
.wb-is-stale .wb-panel {{ border-color: var(--wb-stale); }}
.wb-tile {{ flex: 1; }}
.wb-label {{ font-size: 3vh; font-weight: 600; color: var(--wb-muted); margin-bottom: 0.6vh;
  display: flex; justify-content: space-between; gap: 1vw; }}
.wb-big {{ font-size: 12vh; font-weight: 800; line-height: 1; letter-spacing: -0.02em; }}
.wb-faded .wb-big {{ opacity: 0.45; }}
.wb-detail {{ font-size: 2.7vh; color: var(--wb-muted); margin-top: 0.6vh; }}
.wb-part {{ white-space: nowrap; }}
.wb-change {{ font-size: 3.6vh; font-weight: 800; margin-top: 0.8vh; }}
.wb-up {{ color: {promoter}; }} .wb-down {{ color: {detractor}; }} .wb-flat {{ color: var(--wb-muted); }}
.wb-trend {{ flex: 1; display: flex; flex-direction: column; min-height: 0; }}
.wb-trend img {{ flex: 1; width: 100%; min-height: 0; object-fit: fill; margin: 1vh 0; }}
.wb-axis {{ display: flex; justify-content: space-between; font-size: 2.4vh; color: var(--wb-muted); }}
.wb-bar {{ display: flex; height: 6vh; border-radius: 1vh; overflow: hidden; }}
.wb-bar span {{ display: flex; align-items: center; justify-content: center; font-size: 3vh;
  font-weight: 800; overflow: hidden; white-space: nowrap; }}
.wb-legend {{ display: flex; justify-content: space-between; font-size: 2.5vh; margin-top: 0.8vh; }}
.wb-swatch {{ display: inline-block; width: 2vh; height: 2vh; border-radius: 0.4vh;
  margin-right: 0.5vw; vertical-align: -0.2vh; }}
/* Read by screen readers, not shown. */
.wb-sr {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }}
.wb-side {{ flex: 1; display: flex; flex-direction: column; overflow: hidden; }}
/* Column flex that wraps: a comment that does not fit whole moves to a hidden column. */
.wb ol.wb-comments {{ list-style: none; margin: 0; padding: 0; flex: 1; min-height: 0;
  display: flex; flex-flow: column wrap; align-content: flex-start; column-gap: 5vw;
  row-gap: 1.5vh; overflow: hidden; }}
.wb-comment {{ display: flex; gap: 1vw; align-items: flex-start; margin: 0; padding: 0;
  width: 100%; }}
.wb-rate {{ flex: none; width: 5.4vh; height: 5.4vh; border-radius: 1vh; display: flex;
  align-items: center; justify-content: center; font-size: 3.2vh; font-weight: 800; }}
.wb-text {{ font-size: 2.8vh; margin: 0; display: -webkit-box; -webkit-line-clamp: 3;
  -webkit-box-orient: vertical; overflow: hidden; overflow-wrap: anywhere; }}
.wb-meta {{ font-size: 2.2vh; color: var(--wb-muted); margin: 0.3vh 0 0; }}
.wb-flag {{ color: {detractor}; font-weight: 800; }}
.wb-empty {{ font-size: 3vh; color: var(--wb-muted); margin: auto; }}
.wb-wait {{ font-size: 4vh; margin: auto; text-align: center; max-width: 70vw; }}
.wb-foot {{ font-size: 1.8vh; color: var(--wb-muted); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.wb-notice {{ color: var(--wb-stale); }}
{groups}
"""


def wallboard_css(theme: str, kiosk: bool) -> str:
    """The page's style: the theme's colours, the large type, and in kiosk mode no chrome."""
    groups = "\n".join(
        f".wb-g-{group} {{ background: {color}; color: {_ON_GROUP[group]}; }}"
        for group, color in GROUP_COLORS.items()
    )
    css = _CSS.format(
        **PALETTES[theme],
        stale=STALE_COLOR,
        promoter=GROUP_COLORS["promoter"],
        detractor=GROUP_COLORS["detractor"],
        groups=groups,
        # Without kiosk, Streamlit's header (menu, sidebar button) sits over the top.
        top="1.5vh" if kiosk else "3.75rem",
        height="97vh" if kiosk else "calc(100vh - 3.75rem - 1.5vh)",
    )
    return f"<style>{css}{_KIOSK_CSS if kiosk else ''}</style>"


def _extent(values: Sequence[float]) -> tuple[float, float]:
    """The NPS range drawn: the data's, widened to MIN_SPAN around its middle if narrower."""
    low, high = min(values), max(values)
    if high - low < MIN_SPAN:
        middle = (low + high) / 2
        low, high = middle - MIN_SPAN / 2, middle + MIN_SPAN / 2
    return low, high


def _y(value: float, low: float, high: float) -> float:
    return VIEW_H - PAD - (value - low) / (high - low) * (VIEW_H - 2 * PAD)


def _runs(values: Sequence[float], low: float, high: float) -> list[list[tuple[float, float]]]:
    """Runs of consecutive answered periods as (x, y) in the drawing box."""
    step = VIEW_W / max(len(values) - 1, 1)
    runs: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if math.isnan(value):
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((index * step, _y(value, low, high)))
    return [run for run in runs if run]


def sparkline_svg(values: Sequence[float], line: str, zero: str, alt: str = "") -> str:
    """The NPS line as an SVG image, a dashed line at 0 when it is in range.

    Gaps where nobody answered; a lone answered period is a short dash. An ``<img>`` of
    a data URI because ``st.html`` keeps HTML only (no inline SVG); ``alt`` says what it
    shows (``charts.alt.line_summary``).
    """
    answered = [value for value in values if not math.isnan(value)]
    if not answered:
        return f'<div class="wb-empty">{gettext("No answers in this period")}</div>'
    low, high = _extent(answered)
    stroke = 'fill="none" vector-effect="non-scaling-stroke" stroke-linecap="round"'
    shapes = []
    if low < 0 < high:
        y = _y(0.0, low, high)
        shapes.append(
            f'<line x1="0" y1="{y:.1f}" x2="{VIEW_W:.0f}" y2="{y:.1f}" stroke="{zero}" '
            f'stroke-width="2" stroke-dasharray="10 10" {stroke}/>'
        )
    for run in _runs(values, low, high):
        if len(run) == 1:
            (x, y), half = run[0], VIEW_W / 100
            run = [(max(x - half, 0.0), y), (min(x + half, VIEW_W), y)]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        shapes.append(
            f'<polyline points="{points}" stroke="{line}" stroke-width="5" '
            f'stroke-linejoin="round" {stroke}/>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW_W:.0f} {VIEW_H:.0f}" '
        f'preserveAspectRatio="none">{"".join(shapes)}</svg>'
    )
    data = base64.b64encode(svg.encode()).decode()
    alt = escape(alt or gettext("NPS trend line"), quote=True)
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}">'


def _language_of(text: str) -> str:
    """The language a comment is written in, for screen readers: Russian or English (the
    demo's and the shops' two), by its letters."""
    return "ru" if _CYRILLIC.search(text) else "en"


def _status_html(status: Status) -> str:
    stale = " wb-stale" if status.stale else ""
    flag = "stale" if status.stale else "fresh"
    return f'<div class="wb-status{stale}" data-status="{flag}">{escape(status.text)}</div>'


def _alert(status: Status, refresh: int) -> str:
    if not status.stale:
        return ""
    text = gettext(
        "The review API did not answer ({problem}); showing the last data it gave, "
        "retrying every {seconds} s."
    ).format(problem=escape(status.problem or ""), seconds=refresh)
    return f'<div class="wb-alert" role="status">{text}</div>'


def _foot(scope: str, notices: Sequence[str]) -> str:
    parts = [escape(scope)] + [f'<span class="wb-notice">{escape(n)}</span>' for n in notices]
    return f'<div class="wb-foot">{" · ".join(part for part in parts if part)}</div>'


def _parts(parts: Sequence[str]) -> str:
    """Parts joined by dots; a line breaks between parts, never inside one."""
    return " · ".join(f'<span class="wb-part">{escape(part)}</span>' for part in parts)


def _tiles(board: Board, panels: Sequence[str]) -> str:
    tiles = []
    for headline in board.headlines:
        if headline.panel not in panels:
            continue
        change = ""
        if headline.panel == "period" and board.change is not None:
            c = board.change
            change = (
                f'<div class="wb-change {_DIRECTION_CLASS[c.direction]}">'
                f"{_DIRECTION_ARROW[c.direction]} {escape(c.text)}</div>"
                f'<div class="wb-detail">{_parts(c.notes)}</div>'
            )
        faded = " wb-faded" if headline.faded else ""
        tiles.append(
            f'<section class="wb-panel wb-tile{faded}" data-panel="{headline.panel}">'
            f'<div class="wb-label">{escape(headline.label)}</div>'
            f'<div class="wb-big">{escape(headline.value)}</div>'
            f'<div class="wb-detail">{_parts(headline.details)}</div>{change}</section>'
        )
    return f'<div class="wb-tiles">{"".join(tiles)}</div>' if tiles else ""


def _trend(board: Board, palette: dict[str, str]) -> str:
    answered = [value for value in board.trend if not math.isnan(value)]
    extent = (
        "<span>"
        + gettext("low {low} · high {high}").format(
            low=format_nps(min(answered)), high=format_nps(max(answered))
        )
        + "</span>"
        if answered
        else ""
    )
    first, last = board.trend_range
    # Only the ends are labelled: the sentence names them, the lowest and the highest.
    labels = [first, *[""] * (len(board.trend) - 2), last][: len(board.trend)]
    alt = line_summary(board.trend_title, labels, board.trend) if board.trend else ""
    return (
        f'<section class="wb-panel wb-trend" data-panel="trend">'
        f'<div class="wb-label"><span>{escape(board.trend_title)}</span>{extent}</div>'
        f"{sparkline_svg(board.trend, palette['line'], palette['zero'], alt)}"
        f'<div class="wb-axis"><span>{escape(first)}</span><span>{escape(last)}</span></div>'
        "</section>"
    )


def _split(board: Board) -> str:
    parts, legend = [], []
    for part in board.split:
        # Named inside when wide enough, so the bar does not rest on colour alone.
        inside = ""
        if part.share >= _NAME_MIN_SHARE:
            inside = f"{escape(part.label)} {part.percent}"
        elif part.share >= _LABEL_MIN_SHARE:
            inside = part.percent
        parts.append(
            f'<span class="wb-g-{part.group}" style="width: {100 * part.share:.2f}%">{inside}</span>'
        )
        legend.append(
            f'<span><span class="wb-swatch wb-g-{part.group}"></span>'
            f"{escape(part.label)} {part.percent} · {part.count}</span>"
        )
    # The legend says it all in text; the bar repeats it for the eye.
    return (
        f'<section class="wb-panel" data-panel="split">'
        f'<div class="wb-label">{escape(PANELS["split"])}</div>'
        f'<div class="wb-bar" aria-hidden="true">{"".join(parts)}</div>'
        f'<div class="wb-legend">{"".join(legend)}</div></section>'
    )


def _comments(board: Board) -> str:
    items = []
    for line in board.comments:
        member = escape(GROUP_MEMBER[line.group])
        # Detractors are flagged for everyone; the others' group is said to screen readers.
        flag = (
            f' · <span class="wb-flag">▼ {member}</span>'
            if line.detractor
            else f'<span class="wb-sr"> · {member}</span>'
        )
        items.append(
            f'<li class="wb-comment" data-group="{line.group}">'
            f'<span class="wb-rate wb-g-{line.group}">{line.rate}</span>'
            f'<div><p lang="{_language_of(line.text)}" class="wb-text">{escape(line.text)}</p>'
            f'<p class="wb-meta">{escape(line.when)} · {escape(line.channel)}{flag}</p></div></li>'
        )
    body = (
        f'<ol class="wb-comments">{"".join(items)}</ol>'
        if items
        else f'<div class="wb-empty">{gettext("No comments in this period")}</div>'
    )
    return (
        f'<aside class="wb-panel wb-side" data-panel="comments">'
        f'<div class="wb-label">{escape(PANELS["comments"])}</div>{body}</aside>'
    )


def board_html(
    board: Board, config: WallboardConfig, status: Status, notices: Sequence[str]
) -> str:
    """The whole board: header with the status stamp, the chosen panels, the footer."""
    panels = config.panels
    main = [_tiles(board, panels)]
    if "trend" in panels:
        main.append(_trend(board, PALETTES[config.theme]))
    if "split" in panels:
        main.append(_split(board))
    body = "".join(main)
    body = f'<div class="wb-main">{body}</div>' if body else ""
    if "comments" in panels:
        body += _comments(board)
    view = f' · <span class="wb-view">{escape(board.view)}</span>' if board.view else ""
    stale = " wb-is-stale" if status.stale else ""
    return (
        f'<div class="wb{stale}" lang="{current_language()}">'
        f'<div class="wb-head"><div role="heading" aria-level="1" class="wb-title">NPS · {escape(board.title)}{view}</div>'
        f"{_status_html(status)}</div>{_alert(status, config.refresh)}"
        f'<div class="wb-body">{body}</div>{_foot(board.scope, notices)}</div>'
    )


def waiting_html(status: Status, notices: Sequence[str], refresh: int) -> str:
    """Before the API ever answered: say so (never a blank screen), and that it retries."""
    waiting = gettext("Waiting for the review API: {problem}. Retrying every {seconds} s.").format(
        problem=escape(status.problem or gettext("no answer yet")), seconds=refresh
    )
    return (
        f'<div class="wb wb-is-stale" lang="{current_language()}">'
        f'<div class="wb-head"><div role="heading" aria-level="1" class="wb-title">NPS</div>{_status_html(status)}</div>'
        f'<div class="wb-body"><div class="wb-wait" role="status">{waiting}</div></div>'
        f"{_foot('', notices)}</div>"
    )
