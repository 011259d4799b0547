"""How numbers and dates read everywhere in the dashboard: one place, so every page agrees.

Written in the current language's locale (``nps_core.present.i18n``) by Babel: "12,345"
and "42%" in English, "12 345" and "42 %" in Russian. The sign is ours in every
language: a real minus (U+2212), as wide as the plus; an en dash stands for "no figure".
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

from nps_core.present.i18n import current_locale, gettext, pgettext

__all__ = [
    "MINUS",
    "NO_DATA",
    "format_count",
    "format_date_as",
    "format_day",
    "format_delta",
    "format_interval",
    "format_margin",
    "format_nps",
    "format_nps_with_margin",
    "format_number",
    "format_p",
    "format_period",
    "format_points",
    "format_share",
    "number_separators",
    "percent_suffix",
    "significance_text",
]

MINUS = "\u2212"  # a real minus sign: as wide as the plus, unlike a hyphen
NO_DATA = "\u2013"  # en dash for "no figure"


def _date_patterns() -> dict[str, str]:
    """CLDR date patterns, from the catalogue: each language writes a day, a month or a
    quarter its own way ("9 Mar 2026", "9 мар. 2026", "1-й кв. 2026")."""
    return {
        "day": pgettext("date pattern", "d MMM y"),
        "padded day": pgettext("date pattern", "dd MMM y"),
        "weekday": pgettext("date pattern", "EEE d MMM"),
        "short day": pgettext("date pattern", "d MMM"),
        "day and time": pgettext("date pattern", "d MMM HH:mm"),
        "padded day and time": pgettext("date pattern", "dd MMM HH:mm"),
        "time": "HH:mm",
        "M": pgettext("date pattern", "MMM y"),
        "Q": pgettext("date pattern", "QQQ y"),
    }


def _figure(value: float | None) -> float | None:
    """``value``, or None when there is no figure: None, or a float NaN."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def format_number(value: float, digits: int = 0) -> str:
    """An unsigned number with ``digits`` decimals in the locale: "1,234.5" / "1 234,5"."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern, locale=current_locale())


def _signed(value: float, digits: int = 0) -> str:
    rounded = round(value, digits)
    if rounded == 0:
        return format_number(0, digits)
    sign = "+" if rounded > 0 else MINUS
    return f"{sign}{format_number(abs(rounded), digits)}"


def format_nps(value: float | None) -> str:
    """NPS as a signed whole number: "+42", "−7", "0"."""
    value = _figure(value)
    return NO_DATA if value is None else _signed(value)


def format_margin(margin: float | None) -> str:
    """Half-width of the interval: "± 6"."""
    margin = _figure(margin)
    return "" if margin is None else f"± {format_number(round(margin))}"


def format_nps_with_margin(value: float | None, margin: float | None) -> str:
    """ "+42 ± 6" (or just the dash when there is no figure)."""
    if _figure(value) is None:
        return NO_DATA
    spread = format_margin(margin)
    return f"{format_nps(value)} {spread}" if spread else format_nps(value)


def format_delta(delta: float | None) -> str:
    """A change in NPS points: "+5 pts", "−3 pts"."""
    delta = _figure(delta)
    return NO_DATA if delta is None else gettext("{points} pts").format(points=_signed(delta))


def format_points(points: float | None, digits: int = 1) -> str:
    """A contribution in NPS points, finer than a delta: "+2.4 pts", "−0.3 pts"."""
    points = _figure(points)
    if points is None:
        return NO_DATA
    return gettext("{points} pts").format(points=_signed(points, digits))


def format_interval(low: float | None, high: float | None) -> str:
    """A confidence interval of NPS: "+36 to +48"."""
    if _figure(low) is None or _figure(high) is None:
        return NO_DATA
    return gettext("{low} to {high}").format(low=format_nps(low), high=format_nps(high))


def format_share(share: float | None) -> str:
    """A share as a whole percentage: "42%" ("42 %" in Russian)."""
    share = _figure(share)
    return NO_DATA if share is None else format_percent(share, locale=current_locale())


def format_count(count: int | float | None) -> str:
    """A count with thousands separators: "12,345"."""
    count = _figure(count)
    return NO_DATA if count is None else format_number(int(count))


def format_p(p_value: float | None) -> str:
    """ "p = 0.03", "p < 0.001"."""
    p_value = _figure(p_value)
    if p_value is None:
        return "p = " + NO_DATA
    if p_value < 0.001:
        return f"p < {format_number(0.001, 3)}"
    digits = 3 if p_value < 0.01 else 2
    return f"p = {format_number(p_value, digits)}"


def significance_text(p_value: float | None, significant: bool) -> str:
    """ "significant (p = 0.004)" or "not significant (p = 0.41)"."""
    if _figure(p_value) is None:
        return gettext("no comparison (no reviews in one of the periods)")
    verdict = gettext("significant") if significant else gettext("not significant")
    return f"{verdict} ({format_p(p_value)})"


def format_date_as(day: date | datetime | pd.Timestamp, pattern: str) -> str:
    """``day`` by one of the named patterns: "day", "padded day" (as date ranges show it),
    "weekday", "short day", "day and time", "time", "M" (month), "Q" (quarter)."""
    cldr = _date_patterns()[pattern]
    if isinstance(day, datetime):
        return format_datetime(day, cldr, locale=current_locale())
    return format_date(day, cldr, locale=current_locale())


def format_day(day: date | pd.Timestamp, padded: bool = False) -> str:
    """A day: "3 Mar 2026" ("03 Mar 2026" ``padded``)."""
    return format_date_as(pd.Timestamp(day).date(), "padded day" if padded else "day")


def format_period(start: date | pd.Timestamp, granularity: str) -> str:
    """A trend period by its first day: "3 Mar 2026", "week of 2 Mar 2026", "Mar 2026", "Q1 2026"."""
    day = pd.Timestamp(start).date()
    text = format_date_as(day, granularity if granularity in ("M", "Q") else "day")
    return gettext("week of {day}").format(day=text) if granularity == "W" else text


def percent_suffix() -> str:
    """What follows a percentage's digits in the locale: "%" ("42%"), " %" ("42 %")."""
    pattern = current_locale().percent_formats[None].pattern
    return pattern[pattern.rindex("0") + 1 :]


def number_separators() -> str:
    """The decimal and the thousands separator of the locale, as Plotly's ``separators``."""
    locale = current_locale()
    return get_decimal_symbol(locale) + get_group_symbol(locale)
