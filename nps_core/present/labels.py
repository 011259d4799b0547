"""How a page names what it shows: channel and category codes, segments, and its scope.

Channel and category codes are shown by name where the API gave one (``Labels``: frame
column → code → name); a code without a name (a retired one, say) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from nps_core.contract.models import Category, Channel
from nps_core.present.filters import PRESETS, CompareMode, FilterState, Period
from nps_core.present.i18n import N_, Texts, gettext

__all__ = [
    "Labels",
    "catalog_labels",
    "name_of",
    "names_of",
    "scope_caption",
    "segment_label",
    "segment_labels",
]

Labels = Mapping[str, Mapping[str, str]]
_COLUMN_TITLES: Texts[str] = Texts({"channel": N_("Channels"), "category": N_("Categories")})
# "compared with …": a whole phrase per mode, since a language may decline the name.
_COMPARED_WITH: Texts[CompareMode] = Texts(
    {
        "previous": N_("compared with previous period ({dates})"),
        "last_year": N_("compared with same period last year ({dates})"),
        "none": N_("no comparison"),
    }
)


def catalog_labels(channels: Sequence[Channel], categories: Sequence[Category]) -> Labels:
    """The API's channel and category names by code, as ``Labels``."""
    return {
        "channel": {item.code: item.label for item in channels},
        "category": {item.code: item.label for item in categories},
    }


def name_of(labels: Labels, column: str, code: object) -> str:
    """The name of one code of ``column`` (the code itself when it has none)."""
    return labels.get(column, {}).get(str(code), str(code))


def names_of(codes: pd.Series, names: Mapping[str, str]) -> pd.Series:
    """``name_of`` for a column of codes, as a ``string`` Series."""
    return codes.map(lambda code: names.get(code, code)).astype("string")


def segment_label(codes: Mapping[str, object], labels: Labels) -> str:
    """ "Email survey" or "Email survey · Delivery": names joined in column order."""
    return " · ".join(name_of(labels, column, code) for column, code in codes.items())


def segment_labels(frame: pd.DataFrame, by: Sequence[str], labels: Labels) -> list[str]:
    """``segment_label`` of each row's ``by`` codes."""
    rows = frame[list(by)].astype(object).to_numpy()
    return [segment_label(dict(zip(by, row, strict=True)), labels) for row in rows]


def scope_caption(
    state: FilterState, period: Period, comparison: Period | None, labels: Labels
) -> str:
    """One line naming what the page shows: period, comparison, channel/category filters."""
    parts = [f"{PRESETS[state.preset]}: {period.label()}"]
    if comparison is not None:
        parts.append(_COMPARED_WITH[state.compare].format(dates=comparison.label()))
    for column, chosen in (("channel", state.channels), ("category", state.categories)):
        if chosen:
            names = ", ".join(name_of(labels, column, code) for code in chosen)
            parts.append(
                gettext("{what}: {names}").format(what=_COLUMN_TITLES[column], names=names)
            )
    return " · ".join(parts)
