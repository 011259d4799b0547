"""A wallboard's link: its parameters, read into a ``WallboardConfig``.

The link holds the shared filters' parameters plus ``refresh``, ``panels``, ``theme``,
``kiosk``, ``rotate`` and ``rotate_by``; a bad value falls back to a default and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from nps_core.present.filters import FilterState, parse_filters
from nps_core.present.i18n import N_, Texts, gettext

__all__ = [
    "DEFAULT_REFRESH",
    "MAX_REFRESH",
    "MIN_REFRESH",
    "PANELS",
    "PARAMS",
    "ROTATE_BY",
    "THEMES",
    "THEME_NAMES",
    "WallboardConfig",
    "parse_wallboard",
]

# Panel code → its heading; the layout places them, so their order in a link is moot.
PANELS: Texts[str] = Texts(
    {
        "today": N_("Today"),
        "week": N_("This week"),
        "period": N_("Period"),
        "trend": N_("Trend"),
        "split": N_("Detractors · passives · promoters"),
        "comments": N_("Latest comments"),
    }
)
THEMES: tuple[str, ...] = ("dark", "light")  # the first is the default: a screen on a wall
THEME_NAMES: Texts[str] = Texts({"dark": N_("Dark"), "light": N_("Light")})
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
            gettext(
                "The link's {name} '{value}' is not a whole number of seconds; using {default} s."
            ).format(name=name, value=text, default=default)
        )
        return default
    bounded = min(max(seconds, low), high)
    if bounded != seconds:
        notices.append(
            gettext(
                "The link's {name} must be {low}–{high} s, not {value}; using {used} s."
            ).format(name=name, low=low, high=high, value=seconds, used=bounded)
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
        gettext("Unknown {name} '{value}' in the link (use {choices}); using {default}.").format(
            name=name, value=text, choices=gettext(" or ").join(choices), default=choices[0]
        )
    )
    return choices[0]


def _panels(text: str | None, notices: list[str]) -> tuple[str, ...]:
    if not text:
        return tuple(PANELS)
    asked = {name.strip().lower() for name in text.split(",") if name.strip()}
    notices.extend(
        gettext("Unknown panel '{value}' in the link; ignored (panels: {panels}).").format(
            value=name, panels=", ".join(PANELS)
        )
        for name in sorted(asked - PANELS.keys())
    )
    kept = tuple(name for name in PANELS if name in asked)
    if not kept:
        notices.append(gettext("No known panel in the link; showing them all."))
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
