"""What each page shows, as plain data, text and figures (no Streamlit).

Shared: ``filters`` (the shared filters and their links), ``formatting`` (how numbers
read), ``palette`` (colours and group names), ``labels`` (names of codes and segments, the
scope line). Per page: ``overview``, ``segments``, ``comments``, ``submit`` and the
``wallboard`` package; ``charts`` holds the Plotly figures of the Overview and Segments.
"""
