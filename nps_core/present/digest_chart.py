"""The digest's chart as a PNG, drawn locally with matplotlib (no browser, no network).

E-mail clients show a PNG embedded as a ``cid:`` part everywhere, whereas inline SVG and
``data:`` images are dropped by several of them (Gmail among them); plotly's static
export would need Chrome. matplotlib's Agg canvas is used through its object interface
(no pyplot, no global state), so it is safe beside other threads.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from nps_core.analysis.nps import SMALL_N
from nps_core.present.palette import FADED_OPACITY, NPS_COLOR

__all__ = ["digest_chart_png"]

_WIDTH_IN, _HEIGHT_IN, _DPI = 6.0, 2.6, 150


def digest_chart_png(blocks: pd.DataFrame) -> bytes:
    """NPS per period (``period_blocks``) with 95% intervals; the last one stands out."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(_WIDTH_IN, _HEIGHT_IN), dpi=_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x = np.arange(len(blocks))
    nps = blocks["nps"].to_numpy(float)
    low = np.nan_to_num(nps - blocks["ci_low"].to_numpy(float))
    high = np.nan_to_num(blocks["ci_high"].to_numpy(float) - nps)
    for i in x:
        alpha = FADED_OPACITY if blocks["n"].iloc[i] < SMALL_N else 1.0
        last = i == len(blocks) - 1
        axes.errorbar(
            [i], [nps[i]], yerr=[[low[i]], [high[i]]], fmt="o", color=NPS_COLOR,
            alpha=alpha, capsize=3, markersize=7 if last else 4,
        )  # fmt: skip
    axes.plot(x, nps, color=NPS_COLOR, linewidth=1, alpha=0.5)
    axes.axhline(0, color="#999999", linewidth=0.8)
    starts = [pd.Timestamp(start) for start in blocks["start"]]
    axes.set_xticks(x, [f"{day.day} {day:%b}" for day in starts], fontsize=8)
    axes.set_ylabel("NPS (95% interval)", fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
