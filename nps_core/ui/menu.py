"""The sidebar's page menu, drawn with ``st.page_link``.

Streamlit's own menu (``st.navigation(position="sidebar")``) puts its items in a list
that screen readers cannot walk (axe-core: ``list`` and ``listitem``, serious). The app
hides it (``position="hidden"``) and draws this one instead: a heading per section and a
plain link per page, each a keyboard stop, the current page marked by Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st
from streamlit.navigation.page import StreamlitPage

__all__ = ["page_menu"]


def page_menu(sections: Mapping[str, Sequence[StreamlitPage]]) -> None:
    """A section heading (when named) and a link for each visible page, in the sidebar."""
    with st.sidebar.container(key="page_menu"):
        for section, pages in sections.items():
            shown = [page for page in pages if page.visibility != "hidden"]
            if not shown:
                continue
            if section:
                st.markdown(f"**{section}**")
            for page in shown:
                st.page_link(page, label=page.title, icon=page.icon or None, width="stretch")
        st.divider()
