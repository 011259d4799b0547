"""Colours used by every chart: the three groups and the NPS line, colour-blind safe.

From the Okabe–Ito palette, which stays distinguishable under the common forms of
colour blindness: detractors vermillion (red), passives amber, promoters bluish green.
"""

from __future__ import annotations

__all__ = [
    "GROUP_COLORS",
    "GROUP_LABELS",
    "NPS_COLOR",
    "NPS_SCALE",
    "TARGET_COLOR",
]

GROUP_COLORS: dict[str, str] = {
    "detractor": "#D55E00",
    "passive": "#E69F00",
    "promoter": "#009E73",
}
GROUP_LABELS: dict[str, str] = {
    "detractor": "Detractors (0–6)",
    "passive": "Passives (7–8)",
    "promoter": "Promoters (9–10)",
}
NPS_COLOR = "#0072B2"
TARGET_COLOR = "#CC79A7"
# Diverging scale for NPS from −100 to +100: vermillion through light grey to blue-green.
NPS_SCALE: list[tuple[float, str]] = [(0.0, "#D55E00"), (0.5, "#F2F2F2"), (1.0, "#009E73")]
