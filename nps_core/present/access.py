"""The Access page and wall-screen links as plain data.

``screen_query`` turns the view an admin is looking at (the shared filters in the URL)
and their choices in the "Share a screen" dialog into the wallboard's parameters
(README, "Wallboard links"), always in kiosk mode; ``nps_core.access.links`` signs
them. ``links_table`` lists the links made and ``log_table`` the access log's latest
records, for the Access page.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from nps_core.access.registry import IssuedLink
from nps_core.present.filters import parse_filters, to_query
from nps_core.present.i18n import N_, Texts
from nps_core.present.wallboard.link import DEFAULT_REFRESH, PANELS, THEME_NAMES, THEMES

__all__ = [
    "LINK_COLUMNS",
    "LINK_STATUSES",
    "LOG_COLUMNS",
    "LOG_TITLES",
    "THEME_NAMES",
    "VALID_DAYS",
    "app_base_url",
    "links_table",
    "log_table",
    "screen_query",
]

# How long a link may stay valid, in days: a day for an event, up to a year for a wall.
VALID_DAYS: tuple[int, ...] = (1, 7, 30, 90, 365)
_CALLBACK = "/oauth2callback"
LOG_COLUMNS: tuple[str, ...] = ("time", "account", "role", "page", "event", "detail")
# The tables' headings and the links' statuses as the page shows them; the records keep
# their codes (the log is read by tools too).
LOG_TITLES: Texts[str] = Texts(
    {
        "time": N_("Time"),
        "account": N_("Account"),
        "role": N_("Role"),
        "page": N_("Page"),
        "event": N_("Event"),
        "detail": N_("Detail"),
    }
)
LINK_COLUMNS: Texts[str] = Texts(
    {
        "screen": N_("Screen"),
        "status": N_("Status"),
        "expires": N_("Expires"),
        "created_by": N_("Created by"),
        "created_at": N_("Created at"),
        "link_id": N_("Link"),
    }
)
LINK_STATUSES: Texts[str] = Texts(
    {"active": N_("active"), "revoked": N_("revoked"), "expired": N_("expired")}
)


def screen_query(
    shared: Mapping[str, str],
    *,
    panels: Collection[str],
    theme: str,
    refresh: int,
    today: date,
) -> dict[str, str]:
    """The board's parameters: the shared filters of ``shared`` (other parameters, such
    as the Comments page's own, are left out) plus the board's choices; kiosk always."""
    state, _ = parse_filters(shared, today)
    query = to_query(state.with_(extra={}))
    if set(panels) != set(PANELS):
        query["panels"] = ",".join(code for code in PANELS if code in panels)
    if theme != THEMES[0]:
        query["theme"] = theme
    if refresh != DEFAULT_REFRESH:
        query["refresh"] = str(refresh)
    query["kiosk"] = "1"
    return query


def app_base_url(redirect_uri: str | None, page_url: str | None) -> str:
    """Where the dashboard is reached: its sign-in redirect URI without
    ``/oauth2callback`` (the address people use), else the page's own origin."""
    if redirect_uri and redirect_uri.rstrip("/").endswith(_CALLBACK):
        return redirect_uri.rstrip("/").removesuffix(_CALLBACK)
    if page_url:
        scheme, _, rest = page_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"
    return ""


def _stamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M")


def links_table(links: Iterable[IssuedLink], revoked: Collection[str], now: float) -> pd.DataFrame:
    """One row per link made, newest first, with its status."""
    rows = [
        {
            "screen": link.label,
            "status": "revoked"
            if link.link_id in revoked
            else ("expired" if link.expires <= now else "active"),
            "expires": _stamp(link.expires),
            "created_by": link.created_by,
            "created_at": link.created_at,
            "link_id": link.link_id,
        }
        for link in links
    ]
    columns = ["screen", "status", "expires", "created_by", "created_at", "link_id"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("created_at", ascending=False, kind="stable").reset_index(drop=True)


def log_table(records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Access log records as rows, in the order given; details as compact JSON."""
    rows = [
        {
            **{name: str(record.get(name, "")) for name in LOG_COLUMNS[:-1]},
            "detail": json.dumps(record.get("detail") or {}, ensure_ascii=False, sort_keys=True),
        }
        for record in records
    ]
    return pd.DataFrame(rows, columns=list(LOG_COLUMNS))
