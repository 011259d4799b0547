"""Overview: the period's NPS, response count and group split."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from nps_core.errors import AuthError, NpsApiError
from nps_core.metrics import summarize
from nps_core.ui.data import data_as_of, get_settings, load_reviews

settings = get_settings()
with st.sidebar:
    st.caption("Data source")
    st.markdown(f"**{settings.source_label}**")
    st.caption(f"API: `{settings.base_url}`  \nShop: `{settings.shop_id}`")

st.title("Overview")
end = date.today()
start = end - timedelta(days=89)
try:
    reviews = load_reviews(start, end, settings.timezone)
except AuthError as error:
    st.error(f"The API refused the shop's credentials: {error.message}")
    st.stop()
except NpsApiError as error:
    st.error(f"The API could not be reached and no earlier copy is stored: {error.message}")
    st.stop()

summary = summarize(reviews.frame)
st.caption(f"Last 90 days: {start:%d %b %Y} – {end:%d %b %Y} · data as of {data_as_of(reviews)}")
cols = st.columns(5)
cols[0].metric("NPS", f"{summary.nps:+.0f}", help=f"± {summary.margin:.0f} (95% interval)")
cols[1].metric("Responses", f"{summary.n:,}")
cols[2].metric("Promoters", f"{summary.promoter_share:.0%}")
cols[3].metric("Passives", f"{summary.passive_share:.0%}")
cols[4].metric("Detractors", f"{summary.detractor_share:.0%}")
