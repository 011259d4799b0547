"""Streamlit glue: the only part of nps_core that imports Streamlit."""
