"""Plotly figures of the dashboard, one module per page, on shared plumbing (``plot``).

Pure (no Streamlit), so a test can read back what a chart draws. Every chart uses the
group colours of ``nps_core.present.palette``, writes its numbers with
``nps_core.present.formatting`` (hover labels included), and draws figures from fewer
than ``SMALL_N`` reviews faded.
"""
