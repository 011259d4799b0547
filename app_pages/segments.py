"""Segments: NPS by channel and category, ranked and tested, over time, and what moved it."""

from __future__ import annotations

import streamlit as st

from nps_core.analysis.nps import SMALL_N
from nps_core.analysis.segments import decompose
from nps_core.present.charts.segments import drivers_figure, heatmap_figure, segment_trend_figure
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
page_header("Segments", ctx)
if not has_reviews(ctx):
    st.stop()

st.subheader("NPS by channel and category")
transposed = st.toggle("Categories as rows", key="seg_transposed")
rows, columns = ("category", "channel") if transposed else ("channel", "category")
plot(heatmap_figure(heatmap(ctx.frame, rows, columns, ctx.labels)), key="heatmap")
st.caption(f"Cell: NPS and number of reviews. Faded cells have fewer than {SMALL_N} reviews.")

st.subheader("Segments ranked by NPS")
by = segmenting_control()
ranked = segment_table(ctx.frame, ctx.previous_frame, by, ctx.labels)
table(ctx, ranked, by)
st.caption("Click a row, or choose below, to narrow the filters to that segment.")
segment_picker(ctx, ranked, by)

st.subheader("NPS over time by segment")
freq = granularity_control(ctx)
lines, left_out = segment_trend(ctx.frame, by, freq, ctx.period, ctx.labels)
plot(segment_trend_figure(lines, freq, target=ctx.state.target), key="segment_trend")
if left_out:
    st.caption(f"The largest segments by responses; {left_out} smaller ones are left out.")

st.subheader("What moved the NPS")
if ctx.previous_frame is None:
    st.info("Choose a comparison period in the sidebar to see what changed.", icon="↔️")
elif not len(ctx.previous_frame):
    st.info(
        f"No reviews in the comparison period ({ctx.comparison.label()}) to compare with.",
        icon="🗓️",
    )
else:
    decomposition = decompose(ctx.frame, ctx.previous_frame, by)
    st.markdown(drivers_sentence(decomposition, by, ctx.labels))
    plot(drivers_figure(drivers_table(decomposition, by, ctx.labels)), key="drivers")
    st.caption(
        "Rate: the segment's own NPS moved. Mix: the segment's share of responses moved. "
        "Per segment they add up to its contribution (the diamond); over all segments, to "
        "the change in NPS."
    )
