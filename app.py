"""Entry point: `streamlit run app.py`. Navigation only; each page is a script in pages/."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="NPS dashboard", page_icon="📊", layout="wide")

pages = {
    "Dashboard": [
        st.Page("pages/overview.py", title="Overview", icon="📈", default=True),
    ],
}
st.navigation(pages).run()
