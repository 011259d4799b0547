"""Colours and names of the groups and lines every chart uses, colour-blind safe.

From the Okabe–Ito palette, which stays distinguishable under the common forms of
colour blindness: detractors vermillion (red), passives amber, promoters bluish green.
"""

from __future__ import annotations

from nps_core.contract.models import GROUPS, RATE_GROUP, Group
from nps_core.present.i18n import N_, Computed, Texts, gettext

__all__ = [
    "FADED_OPACITY",
    "GROUP_COLORS",
    "GROUP_LABELS",
    "GROUP_MEMBER",
    "GROUP_NAMES",
    "GROUP_PATTERNS",
    "INTERVAL_FILL",
    "MIX_COLOR",
    "MIX_PATTERN",
    "NPS_COLOR",
    "NPS_SCALE",
    "RATE_COLOR",
    "ROLLING_COLOR",
    "SEGMENT_COLORS",
    "SEGMENT_SYMBOLS",
    "TARGET_COLOR",
    "group_pattern",
]

GROUP_COLORS: dict[str, str] = {
    "detractor": "#D55E00",
    "passive": "#E69F00",
    "promoter": "#009E73",
}
GROUP_NAMES: Texts[str] = Texts(
    {"detractor": N_("Detractors"), "passive": N_("Passives"), "promoter": N_("Promoters")}
)
# One member of a group, as a tag beside a rate: "detractor".
GROUP_MEMBER: Texts[str] = Texts(
    {"detractor": N_("detractor"), "passive": N_("passive"), "promoter": N_("promoter")}
)


def group_pattern(group: str) -> dict[str, object]:
    """Plotly's ``marker.pattern`` of a group's bars: hatching over the group's colour."""
    return {"shape": GROUP_PATTERNS[group], "fillmode": "overlay", "fgcolor": "#FFFFFF",
            "fgopacity": 0.7, "size": 7, "solidity": 0.25}  # fmt: skip


def _rates(group: Group) -> str:
    """The group's rates as written in labels: "0–6"."""
    rates = [rate for rate, index in enumerate(RATE_GROUP) if GROUPS[index] == group]
    return f"{rates[0]}–{rates[-1]}"


def _group_label(group: str) -> str:
    rates = _rates(GROUPS[GROUPS.index(group)])  # as the Group literal of that name
    return gettext("{group} ({rates})").format(group=GROUP_NAMES[group], rates=rates)


# "Promoters (9–10)": the name and the rates of each group.
GROUP_LABELS: Computed[str] = Computed(GROUPS, _group_label)
# Fill patterns of the groups' bars, so that they differ without colour too (printed in
# grey, or for a reader who cannot tell the hues apart): promoters solid.
GROUP_PATTERNS: dict[str, str] = {"detractor": "x", "passive": "/", "promoter": ""}
NPS_COLOR = "#0072B2"
# The confidence band around the NPS line: the line's blue, mostly transparent.
INTERVAL_FILL = "rgba(0, 114, 178, 0.15)"
ROLLING_COLOR = "#56B4E9"
TARGET_COLOR = "#CC79A7"
# Figures from fewer than SMALL_N reviews are drawn at this opacity: visible, not trusted.
FADED_OPACITY = 0.35
# Drivers of a change: shift in the response mix vs change within segments.
MIX_COLOR = "#56B4E9"
MIX_PATTERN = "/"  # the mix bars hatched, the rate bars solid
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
# Marker shapes per segment line, in the order of SEGMENT_COLORS: a line is told apart
# by its shape as well as its colour.
SEGMENT_SYMBOLS: list[str] = [
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "x",
    "triangle-down",
    "star",
    "cross",
]
# Diverging scale for NPS from −100 to +100: vermillion through light grey to blue-green.
NPS_SCALE: list[tuple[float, str]] = [(0.0, "#D55E00"), (0.5, "#F2F2F2"), (1.0, "#009E73")]
