"""The alerts worker (``python -m nps_core.alerts``): messages on new detractors and on
NPS drops, and the weekly digest, delivered through Apprise exactly once per event and
destination (the ledger in the state store). Not a page: it runs beside the dashboard,
on the same settings, cache and state store, and never imports Streamlit.
"""
