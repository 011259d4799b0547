"""Segments: NPS by channel and category, ranked and tested, over time, and what moved it."""

from __future__ import annotations

import streamlit as st

from nps_core.analysis.nps import SMALL_N
from nps_core.analysis.segments import decompose
from nps_core.present.charts.alt import drivers_text, heatmap_text, segment_trend_text
from nps_core.present.charts.segments import drivers_figure, heatmap_figure, segment_trend_figure
from nps_core.present.i18n import gettext as _
from nps_core.present.i18n import ngettext
from nps_core.present.segments import (
    drivers_sentence,
    drivers_table,
    heatmap,
    segment_table,
    segment_trend,
)
from nps_core.ui.display import has_reviews, page_header, plot
from nps_core.ui.filters import granularity_control, shared_filters
from nps_core.ui.segments import segment_picker, segmenting_control, table

ctx = shared_filters()
page_header(_("Segments"), ctx)
if not has_reviews(ctx):
    st.stop()

st.header(_("NPS by channel and category"))
transposed = st.toggle(_("Categories as rows"), key="seg_transposed")
rows, columns = ("category", "channel") if transposed else ("channel", "category")
grid = heatmap(ctx.frame, rows, columns, ctx.labels)
plot(heatmap_figure(grid), key="heatmap", text=heatmap_text(grid))
st.caption(
    ngettext(
        "Cell: NPS and number of reviews. Faded cells have fewer than {n} review.",
        "Cell: NPS and number of reviews. Faded cells have fewer than {n} reviews.",
        SMALL_N,
    ).format(n=SMALL_N)
)

st.header(_("Segments ranked by NPS"))
by = segmenting_control()
ranked = segment_table(ctx.frame, ctx.previous_frame, by, ctx.labels)
table(ctx, ranked, by)
st.caption(_("Click a row, or choose below, to narrow the filters to that segment."))
segment_picker(ctx, ranked, by)

st.header(_("NPS over time by segment"))
granularity = granularity_control(ctx)
lines, left_out = segment_trend(ctx.frame, by, granularity, ctx.period, ctx.labels)
plot(
    segment_trend_figure(lines, granularity, target=ctx.state.target),
    key="segment_trend",
    text=segment_trend_text(lines, granularity),
)
if left_out:
    st.caption(
        ngettext(
            "The largest segments by responses; {n} smaller one is left out.",
            "The largest segments by responses; {n} smaller ones are left out.",
            left_out,
        ).format(n=left_out)
    )

st.header(_("What moved the NPS"))
if ctx.previous_frame is None:
    st.info(_("Choose a comparison period in the sidebar to see what changed."), icon="↔️")
elif not len(ctx.previous_frame):
    st.info(
        _("No reviews in the comparison period ({dates}) to compare with.").format(
            dates=ctx.comparison.label()
        ),
        icon="🗓️",
    )
else:
    decomposition = decompose(ctx.frame, ctx.previous_frame, by)
    st.markdown(drivers_sentence(decomposition, by, ctx.labels))
    drivers = drivers_table(decomposition, by, ctx.labels)
    plot(drivers_figure(drivers), key="drivers", text=drivers_text(drivers))
    st.caption(
        _(
            "Rate: the segment's own NPS moved. Mix: the segment's share of responses moved. "
            "Per segment they add up to its contribution (the diamond); over all segments, to "
            "the change in NPS."
        )
    )
