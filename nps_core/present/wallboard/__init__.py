"""The Wallboard: a wall screen's NPS board, as plain data and markup.

A wallboard is configured by its link alone (``link``) and then left alone for weeks, so
a bad parameter never stops it: it falls back to a default and says so. ``board``
composes the figures of one tick, ``status`` keeps the last good data and says how fresh
it is, and ``html`` writes the markup. Pure (no Streamlit): ``nps_core.ui.wallboard``
loads the reviews once per refresh interval for every screen.
"""
