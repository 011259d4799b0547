"""Access (admins): the wall-screen links made, and who opened what (the access log)."""

from __future__ import annotations

import streamlit as st

from nps_core.present.access import LOG_TITLES, log_table
from nps_core.present.formatting import format_count
from nps_core.present.i18n import gettext as _
from nps_core.ui.access import current_visitor
from nps_core.ui.access_log import access_log
from nps_core.ui.screens import link_list

LOG_ROWS = 1000

visitor = current_visitor()
st.title(_("Access"))

st.header(_("Screen links"))
st.caption(
    _(
        "Read-only wallboard links for wall screens, made with **Share a screen** in the "
        "sidebar. Revoking one stops its screen within seconds; a new `link_key` in "
        "secrets revokes them all."
    )
)
link_list(visitor)

st.header(_("Access log"))
st.caption(
    _(
        "The latest {n} records, newest first: pages opened, customers' contacts shown, "
        "exports, refused accounts and screen links. The whole log is `access-log.jsonl` "
        "in the dashboard's data folder, or the state store's `access_events` table when "
        "`state_url` is set."
    ).format(n=format_count(LOG_ROWS))
)
st.dataframe(
    log_table(access_log().latest(LOG_ROWS)),
    hide_index=True,
    width="stretch",
    column_config=dict(LOG_TITLES),
)
