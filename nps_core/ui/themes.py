"""Streamlit glue of the Comments page's Themes section: cached themes, the chosen
theme, and the managers' pinned themes.

The chosen theme is one of the page's filters (``theme`` in the URL, seeded by
``nps_core.ui.comments.init_widgets``); a click on a bar of the impact chart or a chip
sets it. Pinned themes are kept per shop in the state store (``nps_core.data.pinned``
is their interface) and are part of the cache key of the theme computation, so pinning
recomputes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from nps_core.contract.pinned import PinnedTheme, PinRefused
from nps_core.data.pinned import PinnedStore
from nps_core.data.settings import Settings
from nps_core.present.i18n import N_, LazyText, Texts, gettext
from nps_core.present.themes import (
    impact_figure,
    impact_table_text,
    pin_refusal,
    share_figure,
    theme_shares,
)
from nps_core.ui.data import REVIEWS_TTL, get_state
from nps_core.ui.display import CHART_CONFIG, chart_text
from nps_core.ui.filters import FilterContext

if TYPE_CHECKING:  # the engine loads scikit-learn: imported when themes are first found
    from nps_core.analysis.themes import Themes

__all__ = [
    "KEY_PIN_NAME",
    "KEY_PIN_WORDS",
    "KEY_SHARES",
    "KEY_THEME",
    "KEY_THEME_CHART",
    "KEY_THEME_PICK",
    "KEY_VIEW",
    "VIEWS",
    "chosen_theme",
    "impact_chart",
    "pinned_form",
    "share_chart",
    "theme_button",
    "theme_pills",
    "themes",
]

KEY_THEME = "cmt_theme"  # the chosen theme's label, "" for none
KEY_VIEW = "cmt_theme_view"  # the open tab of the section
VIEWS: Texts[str] = Texts(
    {
        "cost": N_("What each theme costs"),
        "share": N_("Share over time"),
        "terms": N_("Distinctive terms"),
    }
)
KEY_THEME_PICK = "cmt_theme_pick"
# The chart's key gets a generation number: a new one after every pick drops the
# chart's own selection, so the outlined bar always shows the chosen theme.
KEY_THEME_CHART = "cmt_theme_chart"
_KEY_CHART_GENERATION = "cmt_theme_chart_generation"
KEY_SHARES = "cmt_theme_shares"
KEY_PIN_NAME, KEY_PIN_WORDS = "cmt_pin_name", "cmt_pin_words"
_PIN_FORM = "cmt_pin_form"
_WORD_SEPARATORS = re.compile(r"[,;\n]+")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")

Pins = tuple[tuple[str, tuple[str, ...]], ...]


def _plain(text: str) -> str:
    """`text` shown literally where Streamlit renders Markdown (names come from users)."""
    return _MARKDOWN.sub(r"\\\1", text)


def _shop(settings: Settings) -> str:
    """Whose pinned themes: the shop, on its server (the demo shop survives rebuilds)."""
    return f"demo|{settings.shop_id}" if settings.mode == "demo" else settings.cache_key


def pinned_store() -> PinnedStore:
    """The pinned themes of every shop: in the team's state store."""
    return get_state().pinned


def pinned(ctx: FilterContext) -> list[PinnedTheme]:
    return pinned_store().load(_shop(ctx.settings))


# Ten minutes: the key names the frame's content (``FilterContext.frame_key``).
@st.cache_data(ttl=10 * REVIEWS_TTL, max_entries=8, show_spinner=LazyText(N_("Finding themes…")))
def _themes(_frame: pd.DataFrame, key: tuple[object, ...], pins: Pins) -> Themes:
    from nps_core.analysis.themes import find_themes

    return find_themes(_frame, pinned=[PinnedTheme(name, words) for name, words in pins])


def themes(ctx: FilterContext) -> Themes:
    """The filtered period's themes, once per content and set of pinned themes."""
    pins = tuple((p.name, p.words) for p in pinned(ctx))
    return _themes(ctx.frame, ctx.frame_key, pins)


def chosen_theme() -> str:
    return str(st.session_state.get(KEY_THEME) or "")


def _choose(label: str) -> None:
    st.session_state[KEY_THEME] = label
    st.session_state[_KEY_CHART_GENERATION] = st.session_state.get(_KEY_CHART_GENERATION, 0) + 1


def _chart_key() -> str:
    return f"{KEY_THEME_CHART}{st.session_state.get(_KEY_CHART_GENERATION, 0)}"


def _pick_from_chart() -> None:
    event = st.session_state.get(_chart_key())
    points = event.selection.points if event is not None else []
    if points:
        _choose(str(points[0]["y"]))


def impact_chart(found: Themes) -> None:
    """Themes ranked by impact; a click on a bar chooses the theme."""
    st.plotly_chart(
        impact_figure(found.table, chosen_theme()),
        config={**CHART_CONFIG, "displayModeBar": False},
        key=_chart_key(),
        on_select=_pick_from_chart,
        selection_mode="points",
    )
    chart_text(impact_table_text(found.table))


def _pick_from_pills() -> None:
    _choose(st.session_state.get(KEY_THEME_PICK) or "")


def theme_pills(found: Themes) -> None:
    """One chip per theme, in the chart's order; a theme from a link that is not among
    them gets a button that drops it."""
    labels = found.table["label"].tolist()
    chosen = chosen_theme()
    if not labels:
        theme_button()
        return
    st.session_state[KEY_THEME_PICK] = chosen if chosen in labels else None
    st.pills(
        gettext("Show the comments of a theme"),
        labels,
        selection_mode="single",
        key=KEY_THEME_PICK,
        format_func=_plain,
        on_change=_pick_from_pills,
        help=gettext("Or click the theme's bar. Each comment has at most one main theme."),
        wrap=True,
    )
    if chosen not in labels:
        theme_button()


def theme_button() -> None:
    """The chosen theme, where no chip shows it: say so, and offer to drop it."""
    chosen = chosen_theme()
    if chosen:
        st.button(
            gettext("Theme: {theme} ✕").format(theme=_plain(chosen)),
            on_click=_choose,
            args=("",),
            help=gettext("Show the comments of every theme"),
        )


def share_chart(ctx: FilterContext, found: Themes) -> None:
    """Each theme's share of the commenters per period, one small chart per theme."""
    shares = theme_shares(
        ctx.frame, found, ctx.trend_granularity, start=ctx.period.start, end=ctx.period.end
    )
    order = found.table["label"].tolist()
    st.plotly_chart(
        share_figure(shares, ctx.trend_granularity, order), config=CHART_CONFIG, key=KEY_SHARES
    )


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in (part.strip() for part in _WORD_SEPARATORS.split(text)) if w)


def _save(ctx: FilterContext, pins: Sequence[PinnedTheme]) -> None:
    pinned_store().save(_shop(ctx.settings), list(pins))


def _unpin(ctx: FilterContext, name: str) -> None:
    _save(ctx, [p for p in pinned(ctx) if p.name != name])
    if chosen_theme() == name:
        _choose("")


def pinned_form(ctx: FilterContext, *, may_pin: bool) -> None:
    """The shop's pinned themes; for those who `may_pin`, unpin buttons and a form to
    pin one (others see the list only)."""
    pins = pinned(ctx)
    for pin in pins:
        name_col, button_col = st.columns([5, 1], vertical_alignment="center")
        name_col.markdown(f"📌 **{_plain(pin.name)}** · {_plain(', '.join(pin.words))}")
        if may_pin:
            button_col.button(
                gettext("Unpin"), key=f"cmt_unpin_{pin.name}", on_click=_unpin, args=(ctx, pin.name)
            )
    if not may_pin:
        st.caption(
            gettext("Managers pin themes.")
            if pins
            else gettext("No pinned themes. Managers pin themes.")
        )
        return
    with st.form(_PIN_FORM, clear_on_submit=True, border=False):
        name_col, words_col = st.columns([1, 2])
        name = name_col.text_input(gettext("Theme name"), key=KEY_PIN_NAME, max_chars=60)
        words = words_col.text_input(
            gettext("Words that mark it, in any language"),
            key=KEY_PIN_WORDS,
            placeholder=gettext("late, delay, опоздал, задержка"),
            help=gettext(
                "Separated by commas. A word finds its other forms (delay → delayed); "
                "a phrase needs all its words."
            ),
        )
        submitted = st.form_submit_button(gettext("Pin theme"))
    if not submitted:
        return
    try:
        pin = PinnedTheme(name, _words(words))
    except PinRefused as refused:
        st.warning(pin_refusal(refused, _plain(refused.name)), icon="📌")
        return
    _save(ctx, [*(p for p in pins if p.name != pin.name), pin])
    st.toast(gettext("Pinned {theme}").format(theme=_plain(pin.name)), icon="📌")
    st.rerun()
