"""The Themes section of the Comments page as plain data and Plotly figures.

`theme_shares` gives each theme's share of the commenters per period (from
`analysis.trend.trend`, so periods match every other chart); `impact_figure` ranks themes by
impact with horizontal bars, `share_figure` draws one small line chart per theme.
Pure (no Streamlit): ``nps_core.ui.themes`` draws and caches, the page lays out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nps_core.analysis.trend import trend
from nps_core.contract.pinned import MAX_PINNED_WORDS, PinRefused
from nps_core.present.charts.alt import ChartText
from nps_core.present.charts.plot import period_axis
from nps_core.present.formatting import (
    format_count,
    format_interval,
    format_nps,
    format_period,
    format_points,
    format_share,
    number_separators,
)
from nps_core.present.i18n import N_, Texts, gettext, ngettext
from nps_core.present.palette import GROUP_COLORS, NPS_COLOR

if TYPE_CHECKING:  # the engine loads scikit-learn: the page imports it only to find themes
    from nps_core.analysis.themes import Themes

__all__ = [
    "CHOSEN_OUTLINE",
    "NO_IMPACT_COLOR",
    "SHARE_COLUMNS",
    "impact_figure",
    "impact_table_text",
    "impact_text",
    "pin_refusal",
    "share_figure",
    "theme_shares",
    "themes_caption",
]

SHARE_COLUMNS: tuple[str, ...] = ("period", "theme", "mentions", "commenters", "share")
# A theme that costs points is drawn in the detractors' colour, one that lifts the score
# in the promoters'; one whose impact cannot be told (no one else to compare) in grey.
NO_IMPACT_COLOR = "#999999"
CHOSEN_OUTLINE = "#1F2933"
_FACET_COLUMNS = 3
_PIN_REFUSALS = Texts(
    {
        "name": N_("Not pinned: a theme needs a name."),
        "words": N_("Not pinned: the theme “{name}” needs at least one word."),
        "too_many": N_("Not pinned: the theme “{name}” has more than {max} words."),
    }
)


def pin_refusal(refused: PinRefused, name: str) -> str:
    """Why a theme was not pinned, in the reader's language; ``name`` is the refused
    theme's name as the page shows it (escaped for Markdown)."""
    return _PIN_REFUSALS[refused.reason].format(name=name, max=format_count(MAX_PINNED_WORDS))


def themes_caption(table: pd.DataFrame, assignment: pd.Series, commented: pd.Series) -> str:
    """The line above the themes: how many, over how many comments, how they are ranked."""
    comments = int(commented.sum())
    if table.empty:
        if comments == 0:
            return gettext("No comments in this period, so no themes.")
        return ngettext(
            "No themes in {n} comment: too few share their words. Pin a theme to track it anyway.",
            "No themes in {n} comments: too few share their words. Pin a theme to track it anyway.",
            comments,
        ).format(n=format_count(comments))
    inside = int(assignment.notna().sum())
    found = ngettext("{n} theme", "{n} themes", len(table)).format(n=len(table))
    return ngettext(
        "{themes} in {n} comment ({share} have a main theme) · ranked by impact: the NPS "
        "points the shop would gain if the theme's commenters scored like the other commenters",
        "{themes} in {n} comments ({share} have a main theme) · ranked by impact: the NPS "
        "points the shop would gain if the theme's commenters scored like the other commenters",
        comments,
    ).format(themes=found, n=format_count(comments), share=format_share(inside / comments))


def impact_text(impact: float) -> str:
    """What an impact means, for hovers and captions: "costs 1.2 pts", "lifts 0.4 pts"."""
    if impact != impact:  # NaN
        return gettext("impact unknown: no other commenters to compare with")
    if round(impact, 1) == 0:
        return gettext("no measurable impact")
    points = format_points(abs(impact)).lstrip("+")
    if impact > 0:
        return gettext("costs {points}").format(points=points)
    return gettext("lifts the score by {points}").format(points=points)


def _hover(table: pd.DataFrame) -> np.ndarray:
    columns = ["label", "mentions", "share", "nps", "ci_low", "ci_high", "detractor_share"]
    rows = [
        [
            str(label),
            format_count(float(mentions)),
            format_share(float(share)),
            format_nps(float(nps)),
            format_interval(float(low), float(high)),
            format_share(float(detractors)),
            impact_text(float(impact)),
        ]
        for (label, mentions, share, nps, low, high, detractors), impact in zip(
            table[columns].itertuples(index=False, name=None), table["impact"], strict=True
        )
    ]
    return np.array(rows, dtype=object).reshape(len(table), 7)


def _impact_hover() -> str:
    """The impact bars' hover, over ``_hover``'s columns."""
    lines = gettext(
        "{comments} comments ({share} of commenters)<br>NPS {nps} (interval {interval}), "
        "detractors {detractors}<br>If they scored like the other commenters: {impact}"
    ).format(**{name: f"%{{customdata[{i}]}}" for i, name in enumerate(_HOVER_FIELDS, 1)})
    return f"<b>%{{customdata[0]}}</b><br>{lines}<extra></extra>"


_HOVER_FIELDS = ("comments", "share", "nps", "interval", "detractors", "impact")


def impact_table_text(table: pd.DataFrame) -> ChartText:
    """The impact bars' text alternative: the costliest theme in words, every theme's
    figures as a table (``_hover``'s)."""
    rows = _hover(table)
    columns = [
        gettext("Theme"),
        gettext("Comments"),
        gettext("Share of commenters"),
        "NPS",
        gettext("Interval"),
        gettext("Detractors"),
        gettext("Impact"),
    ]
    frame = pd.DataFrame(rows.tolist(), columns=columns)
    if table.empty:
        return ChartText("", frame)
    first = rows[0]
    summary = gettext("The costliest theme: {theme}, which {impact}.").format(
        theme=first[0], impact=first[6]
    )
    return ChartText(summary, frame)


def impact_figure(table: pd.DataFrame, chosen: str = "") -> go.Figure:
    """Themes ranked by impact (``Themes.table`` order), costliest on top.

    Each bar's length is the theme's impact in NPS points and its y value the theme's
    label, which a click on the bar reports back; the axis marks pinned themes "(pinned)" and
    the `chosen` theme's bar is outlined.
    """
    impact = table["impact"].to_numpy(dtype=float)
    # Room on both sides for the values written beyond the bars' ends.
    low, high = min(np.nanmin(impact, initial=0.0), 0.0), max(np.nanmax(impact, initial=0.0), 0.0)
    pad = 0.18 * max(high - low, 0.5)
    labels = table["label"].astype(str).tolist()
    colors = np.where(
        np.isnan(impact),
        NO_IMPACT_COLOR,
        np.where(impact > 0, GROUP_COLORS["detractor"], GROUP_COLORS["promoter"]),
    )
    mark = " " + gettext("(pinned)")  # plain text: chart fonts may lack emoji
    names = [
        f"{label}{mark}" if pinned else label
        for label, pinned in zip(labels, table["pinned"], strict=True)
    ]
    trace: dict[str, Any] = {
        "type": "bar",
        "orientation": "h",
        "y": labels,
        "x": np.nan_to_num(impact),
        "marker": {
            "color": colors.tolist(),
            "line": {
                "color": CHOSEN_OUTLINE,
                "width": [3 if label == chosen else 0 for label in labels],
            },
        },
        "text": [format_points(v) for v in impact],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": _hover(table),
        "hovertemplate": _impact_hover(),
        "showlegend": False,
    }
    return go.Figure(
        data=[trace],
        layout={
            "height": 90 + 30 * max(len(table), 1),
            "margin": {"l": 8, "r": 56, "t": 28, "b": 8},
            "hoverlabel": {"align": "left"},
            "separators": number_separators(),
            "yaxis": {
                "autorange": "reversed",
                "type": "category",
                "automargin": True,
                "tickvals": labels,
                "ticktext": names,
            },
            "xaxis": {
                "title": {
                    "text": gettext("NPS points the shop would gain if they scored like the rest")
                },
                "tickformat": "+.1f",
                "zeroline": True,
                "zerolinecolor": "#888888",
                "range": [low - (pad if low < 0 else 0), high + pad],
            },
            "clickmode": "event+select",
            "dragmode": False,
        },
        _validate=False,
    )


def theme_shares(
    frame: pd.DataFrame,
    themes: Themes,
    granularity: str,
    *,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """Per period and theme: mentions, commenters and share (mentions / commenters).

    Periods come from `analysis.trend.trend` over the reviews with a comment, every period
    from `start` to `end` included (a period without commenters has a NaN share).
    """
    labels = themes.table["label"].tolist()
    commented = themes.commented.to_numpy(dtype=bool)
    if not labels or "day" not in frame.columns:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SHARE_COLUMNS})
    rows = frame.loc[commented, ["day", "rate"]].assign(
        theme=themes.assignment[commented].astype(object).fillna("")
    )
    total = trend(rows, granularity, start=start, end=end)[["period", "n"]]
    per_theme = trend(rows, granularity, by="theme", start=start, end=end)[["period", "theme", "n"]]
    grid = pd.MultiIndex.from_product([total["period"], labels], names=["period", "theme"])
    mentions = per_theme.set_index(["period", "theme"])["n"].reindex(grid, fill_value=0)
    out = mentions.rename("mentions").reset_index()
    out["commenters"] = out["period"].map(total.set_index("period")["n"]).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(
            out["commenters"] > 0, out["mentions"] / out["commenters"].clip(lower=1), np.nan
        )
    return out[list(SHARE_COLUMNS)]


def share_figure(shares: pd.DataFrame, granularity: str, order: list[str]) -> go.Figure:
    """Small multiples: one panel per theme (in `order`), its share of commenters per period."""
    n = max(len(order), 1)
    rows = -(-n // _FACET_COLUMNS)
    figure = make_subplots(
        rows=rows,
        cols=_FACET_COLUMNS,
        subplot_titles=order or [""],
        shared_xaxes=True,
        shared_yaxes=True,
        vertical_spacing=min(0.12, 0.5 / rows),
        horizontal_spacing=0.04,
    )
    for i, label in enumerate(order):
        mine = shares[shares["theme"] == label]
        hover = [
            f"{label}, {format_period(p, granularity)}<br>"
            + gettext("{share} of commenters ({n} of {total})").format(
                share=format_share(s), n=format_count(m), total=format_count(c)
            )
            for p, s, m, c in zip(
                mine["period"], mine["share"], mine["mentions"], mine["commenters"], strict=True
            )
        ]
        figure.add_scatter(
            x=mine["period"],
            y=mine["share"],
            mode="lines+markers",
            line={"color": NPS_COLOR, "width": 2},
            marker={"size": 4},
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
            row=i // _FACET_COLUMNS + 1,
            col=i % _FACET_COLUMNS + 1,
        )
    figure.update_yaxes(tickformat=".0%", rangemode="tozero")
    figure.update_xaxes(**period_axis(shares["period"], granularity))  # dates in the language
    figure.update_annotations(font_size=12)
    figure.update_layout(
        height=60 + 150 * rows,
        margin={"l": 8, "r": 8, "t": 36, "b": 8},
        hoverlabel={"align": "left"},
        separators=number_separators(),
    )
    return figure
