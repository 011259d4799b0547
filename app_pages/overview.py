"""Overview: the period's NPS and its margin, the change, the trend and the rate mix."""

from __future__ import annotations

import streamlit as st

from nps_core.present.charts.alt import composition_text, distribution_text, trend_text
from nps_core.present.charts.overview import composition_figure, distribution_figure, trend_figure
from nps_core.present.filters import COMPARE_MODES
from nps_core.present.i18n import gettext as _
from nps_core.present.overview import kpis, overview
from nps_core.ui.display import has_reviews, kpi_row, page_header, plot
from nps_core.ui.filters import granularity_control, rolling_control, shared_filters

ctx = shared_filters()
page_header(_("Overview"), ctx)
if not has_reviews(ctx):
    st.stop()

data = overview(ctx.frame, ctx.previous_frame, ctx.period, ctx.trend_granularity, ctx.state.rolling)
comparison_name = COMPARE_MODES[ctx.state.compare] if ctx.comparison else None
kpi_row(kpis(data, comparison_name))

st.header(_("NPS over time"))
controls = st.columns([3, 2])
with controls[0]:
    granularity = granularity_control(ctx)
with controls[1]:
    rolling = rolling_control(ctx)
plot(
    trend_figure(data.trend, granularity, target=ctx.state.target, rolling=rolling),
    key="trend",
    text=trend_text(data.trend, granularity, rolling),
)

left, right = st.columns(2)
with left:
    st.header(_("Promoters, passives and detractors"))
    plot(
        composition_figure(data.trend, granularity),
        key="composition",
        text=composition_text(data.trend, granularity),
    )
with right:
    st.header(_("Rates given"))
    plot(
        distribution_figure(data.distribution),
        key="distribution",
        text=distribution_text(data.distribution),
    )
