"""Comments: every review of the period, its themes, filtered, searched, exported."""

from __future__ import annotations

from functools import partial

import streamlit as st

from nps_core.contract.models import GROUPS
from nps_core.present.comments import (
    RATE_HIGH,
    RATE_LOW,
    count_text,
    export_csv,
    filter_mask,
    review_table,
    shown_terms,
)
from nps_core.present.formatting import format_count
from nps_core.present.i18n import gettext as _
from nps_core.present.i18n import ngettext
from nps_core.present.palette import GROUP_LABELS
from nps_core.present.themes import themes_caption
from nps_core.ui import comments as view
from nps_core.ui import themes as theme_view
from nps_core.ui.access import current_visitor
from nps_core.ui.access_log import note_contacts
from nps_core.ui.display import csv_download
from nps_core.ui.filters import shared_filters

TERMS_SHOWN = 12

visitor = current_visitor()
ctx = shared_filters(charts=False)
view.init_widgets(ctx.state.extra)

st.title(_("Comments"))
st.caption(
    _("{dates} · newest first · comments are shown exactly as written").format(
        dates=ctx.period.label()
    )
)

groups_col, rate_col, toggle_col = st.columns([3, 2, 1.4], vertical_alignment="bottom")
groups_col.pills(
    _("Groups"),
    GROUPS,
    selection_mode="multi",
    format_func=GROUP_LABELS.get,
    key=view.KEY_GROUPS,
    help=_("None chosen: every group."),
    wrap=True,
    persist_state="session",
)
rate_col.slider(_("Rate"), RATE_LOW, RATE_HIGH, key=view.KEY_RATE, persist_state="session")
toggle_col.toggle(_("Only with a comment"), key=view.KEY_WITH_COMMENT, persist_state="session")
st.text_input(
    _("Search comments"),
    key=view.KEY_QUERY,
    type="search",
    placeholder=_('e.g. courier late · "not working" · доставка'),
    help=_(
        "Ignores case and accents; several words must all occur; "
        '"quote a phrase" to find it as written.'
    ),
    persist_state="session",
)

st.header(_("Themes"))
# Filled after the comments unless a theme is chosen: the table need not wait for them.
themes_box = st.container()
filters = view.current_filters()
view.sync_url(filters)
found = theme_view.themes(ctx) if filters.theme else None
chosen = None if found is None else found.assignment
rows = ctx.frame[filter_mask(ctx.frame, view.normalized_comments(ctx), filters, chosen)]
names = {"channel_names": ctx.channel_names, "category_names": ctx.category_names}
tz = ctx.settings.timezone
count_col, export_col = st.columns([4, 1], vertical_alignment="center")
count_col.markdown(f"**{count_text(len(rows), len(ctx.frame))}**")
csv_download(
    export_col,
    visitor,
    "Comments",
    partial(export_csv, rows, tz=tz, **names),
    rows=len(rows),
    file_name=f"comments-{ctx.period.start}-{ctx.period.end}.csv",
)
st.dataframe(
    review_table(rows, tz=tz, **names),
    column_config=view.table_config(ctx.frame),
    hide_index=True,
    height=560,
    placeholder="",
    lazy=len(rows) > view.LAZY_ROWS,
    alt=_("Reviews of the period"),
)
note_contacts(visitor, "Comments", period=f"{ctx.period.start}..{ctx.period.end}", rows=len(rows))

with themes_box:
    found = found or theme_view.themes(ctx)
    st.caption(themes_caption(found.table, found.assignment, found.commented))
    # Only the open tab runs (on_change="rerun"): each view costs a chart or a computation.
    cost_tab, share_tab, terms_tab = st.tabs(
        list(theme_view.VIEWS.values()), key=theme_view.KEY_VIEW, on_change="rerun"
    )
    with cost_tab:
        if cost_tab.open and not found.table.empty:
            theme_view.impact_chart(found)
    with share_tab:
        if share_tab.open and not found.table.empty:
            theme_view.share_chart(ctx, found)
    with terms_tab:
        if terms_tab.open:
            terms = view.terms(ctx)
            terms_help = _(
                "Words and two-word phrases most typical of one side compared with the other "
                "(weighted log-odds with an informative Dirichlet prior, Monroe et al. 2008). "
                "Choose one to list the comments that contain it."
            )
            sides = (
                (
                    ngettext(
                        "Typical of detractors ({n} comment)",
                        "Typical of detractors ({n} comments)",
                        terms.n_detractor,
                    ).format(n=format_count(terms.n_detractor)),
                    terms.detractor,
                    view.KEY_TERM_DETRACTOR,
                ),
                (
                    ngettext(
                        "Typical of promoters ({n} comment)",
                        "Typical of promoters ({n} comments)",
                        terms.n_promoter,
                    ).format(n=format_count(terms.n_promoter)),
                    terms.promoter,
                    view.KEY_TERM_PROMOTER,
                ),
            )
            for column, (label, typical, key) in zip(st.columns(2), sides, strict=True):
                with column:
                    view.term_pills(
                        label,
                        shown_terms(typical, TERMS_SHOWN),
                        key=key,
                        help=terms_help,
                    )
            view.unlisted_term_button()
    # Below the tabs: the theme chips, or where the terms are open, the chosen theme alone.
    if terms_tab.open:
        theme_view.theme_button()
    else:
        theme_view.theme_pills(found)
        view.term_button()
    with st.expander(_("Pinned themes")):
        theme_view.pinned_form(ctx, may_pin=visitor.rights.pin_themes)
