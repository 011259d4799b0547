"""Follow-up (managers and admins): the period's detractors to call back, who does it,
and how it went."""

from __future__ import annotations

from functools import partial

import streamlit as st

from nps_core.present.followup import hours_text, inbox_csv, inbox_labels
from nps_core.present.followup_figures import figure_cards
from nps_core.present.formatting import format_count
from nps_core.present.i18n import gettext as _
from nps_core.ui import followup as view
from nps_core.ui.access import current_visitor
from nps_core.ui.access_log import note_contacts
from nps_core.ui.display import csv_download, kpi_row, page_header
from nps_core.ui.filters import shared_filters
from nps_core.ui.followup_edit import bulk_assign, editor, show_notices

visitor = current_visitor()
ctx = shared_filters()
view.init_widgets(ctx.state.extra)
page_header(_("Follow-up"), ctx)
source, tz, sla = ctx.settings.cache_key, ctx.settings.timezone, ctx.settings.followup_sla_hours
me = view.actor(visitor)

rows = view.inbox_rows(ctx)
kpi_row(figure_cards(view.figures(ctx, rows), sla))

toggle_col, count_col, export_col = st.columns([2, 3, 1], vertical_alignment="center")
toggle_col.toggle(_("Include passives"), key=view.KEY_PASSIVES, help=_("Passives (7–8) as well"))
count_col.markdown(
    _("**{n} to follow up** · newest first · service level {sla}").format(
        n=format_count(len(rows)), sla=hours_text(sla)
    )
)
csv_download(
    export_col,
    visitor,
    "Follow-up",
    partial(inbox_csv, rows, tz=tz, labels=ctx.labels),
    rows=len(rows),
    file_name=f"followup-{ctx.period.start}-{ctx.period.end}.csv",
)
st.dataframe(
    view.styled_table(ctx, rows),
    column_config=view.table_config(),
    hide_index=True,
    height=420,
    placeholder="",
    alt=_("Follow-ups of the period"),
)
note_contacts(visitor, "Follow-up", period=f"{ctx.period.start}..{ctx.period.end}", rows=len(rows))

labels = inbox_labels(rows, tz=tz, labels=ctx.labels)
seen = view.seen_of(rows)
st.header(_("Work on a follow-up"))
show_notices()
if not labels:
    st.info(_("Nobody to follow up in this period under these filters."), icon="🎉")
    st.stop()
view.choose_review(labels)
view.review_details(rows, st.session_state[view.KEY_REVIEW], tz)
editor(seen[st.session_state[view.KEY_REVIEW]], source, me)
view.sync_url()

st.header(_("Assign several"))
bulk_assign(seen, labels, view.team(source, me), source, me)
