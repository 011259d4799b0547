"""Colours and names of the groups and lines every chart uses, colour-blind safe.

From the Okabe–Ito palette, which stays distinguishable under the common forms of
colour blindness: detractors vermillion (red), passives amber, promoters bluish green.
"""

from __future__ import annotations

from nps_core.contract.models import GROUPS, RATE_GROUP, Group

__all__ = [
    "FADED_OPACITY",
    "GROUP_COLORS",
    "GROUP_LABELS",
    "GROUP_NAMES",
    "INTERVAL_FILL",
    "MIX_COLOR",
    "NPS_COLOR",
    "NPS_SCALE",
    "RATE_COLOR",
    "ROLLING_COLOR",
    "SEGMENT_COLORS",
    "TARGET_COLOR",
]

GROUP_COLORS: dict[str, str] = {
    "detractor": "#D55E00",
    "passive": "#E69F00",
    "promoter": "#009E73",
}
GROUP_NAMES: dict[str, str] = {
    "detractor": "Detractors",
    "passive": "Passives",
    "promoter": "Promoters",
}


def _rates(group: Group) -> str:
    """The group's rates as written in labels: "0–6"."""
    rates = [rate for rate, index in enumerate(RATE_GROUP) if GROUPS[index] == group]
    return f"{rates[0]}–{rates[-1]}"


# "Promoters (9–10)": the name and the rates of each group.
GROUP_LABELS: dict[str, str] = {
    group: f"{GROUP_NAMES[group]} ({_rates(group)})" for group in GROUPS
}
NPS_COLOR = "#0072B2"
# The confidence band around the NPS line: the line's blue, mostly transparent.
INTERVAL_FILL = "rgba(0, 114, 178, 0.15)"
ROLLING_COLOR = "#56B4E9"
TARGET_COLOR = "#CC79A7"
# Figures from fewer than SMALL_N reviews are drawn at this opacity: visible, not trusted.
FADED_OPACITY = 0.35
# Drivers of a change: shift in the response mix vs change within segments.
MIX_COLOR = "#56B4E9"
RATE_COLOR = "#0072B2"
# Lines per segment, Okabe–Ito order with the group colours last so that a segment line
# is rarely mistaken for a group.
SEGMENT_COLORS: list[str] = [
    "#0072B2",
    "#CC79A7",
    "#56B4E9",
    "#000000",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#999999",
]
# Diverging scale for NPS from −100 to +100: vermillion through light grey to blue-green.
NPS_SCALE: list[tuple[float, str]] = [(0.0, "#D55E00"), (0.5, "#F2F2F2"), (1.0, "#009E73")]
