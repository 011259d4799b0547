"""How numbers read everywhere in the dashboard: one place, so every page agrees."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

__all__ = [
    "MINUS",
    "NO_DATA",
    "format_count",
    "format_delta",
    "format_interval",
    "format_margin",
    "format_nps",
    "format_nps_with_margin",
    "format_p",
    "format_period",
    "format_points",
    "format_share",
    "significance_text",
]

MINUS = "\u2212"  # a real minus sign: as wide as the plus, unlike a hyphen
NO_DATA = "\u2013"  # en dash for "no figure"


def _figure(value: float | None) -> float | None:
    """``value``, or None when there is no figure: None, or a float NaN."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _signed(value: float, digits: int = 0) -> str:
    rounded = round(value, digits)
    if rounded == 0:
        return f"{0:.{digits}f}"
    sign = "+" if rounded > 0 else MINUS
    return f"{sign}{abs(rounded):.{digits}f}"


def format_nps(value: float | None) -> str:
    """NPS as a signed whole number: "+42", "−7", "0"."""
    value = _figure(value)
    return NO_DATA if value is None else _signed(value)


def format_margin(margin: float | None) -> str:
    """Half-width of the interval: "± 6"."""
    margin = _figure(margin)
    return "" if margin is None else f"± {round(margin):.0f}"


def format_nps_with_margin(value: float | None, margin: float | None) -> str:
    """ "+42 ± 6" (or just the dash when there is no figure)."""
    if _figure(value) is None:
        return NO_DATA
    spread = format_margin(margin)
    return f"{format_nps(value)} {spread}" if spread else format_nps(value)


def format_delta(delta: float | None) -> str:
    """A change in NPS points: "+5 pts", "−3 pts"."""
    delta = _figure(delta)
    return NO_DATA if delta is None else f"{_signed(delta)} pts"


def format_points(points: float | None, digits: int = 1) -> str:
    """A contribution in NPS points, finer than a delta: "+2.4 pts", "−0.3 pts"."""
    points = _figure(points)
    return NO_DATA if points is None else f"{_signed(points, digits)} pts"


def format_interval(low: float | None, high: float | None) -> str:
    """A confidence interval of NPS: "+36 to +48"."""
    if _figure(low) is None or _figure(high) is None:
        return NO_DATA
    return f"{format_nps(low)} to {format_nps(high)}"


def format_share(share: float | None) -> str:
    """A share as a whole percentage: "42%"."""
    share = _figure(share)
    return NO_DATA if share is None else f"{share * 100:.0f}%"


def format_count(count: int | float | None) -> str:
    """A count with thousands separators: "12,345"."""
    count = _figure(count)
    return NO_DATA if count is None else f"{int(count):,}"


def format_p(p_value: float | None) -> str:
    """ "p = 0.03", "p < 0.001"."""
    p_value = _figure(p_value)
    if p_value is None:
        return "p = " + NO_DATA
    if p_value < 0.001:
        return "p < 0.001"
    return f"p = {p_value:.3f}" if p_value < 0.01 else f"p = {p_value:.2f}"


def significance_text(p_value: float | None, significant: bool) -> str:
    """ "significant (p = 0.004)" or "not significant (p = 0.41)"."""
    if _figure(p_value) is None:
        return "no comparison (no reviews in one of the periods)"
    return f"{'significant' if significant else 'not significant'} ({format_p(p_value)})"


def format_period(start: date | pd.Timestamp, freq: str) -> str:
    """A trend period by its first day: "3 Mar 2026", "week of 2 Mar 2026", "Mar 2026", "Q1 2026"."""
    day = pd.Timestamp(start)
    if freq == "W":
        return f"week of {day.day} {day:%b %Y}"
    if freq == "M":
        return f"{day:%b %Y}"
    if freq == "Q":
        return f"Q{day.quarter} {day.year}"
    return f"{day.day} {day:%b %Y}"
