"""The Access page and the "Share a screen" dialog as plain data."""

from __future__ import annotations

import json
from datetime import date

from nps_core.access.registry import IssuedLink
from nps_core.present.access import (
    LOG_COLUMNS,
    app_base_url,
    links_table,
    log_table,
    screen_query,
)
from nps_core.present.wallboard.link import PANELS, parse_wallboard

TODAY = date(2026, 3, 15)
ALL_PANELS = list(PANELS)


def test_a_screen_gets_the_views_filters_and_the_boards_choices_in_kiosk_mode() -> None:
    shared = {"period": "7d", "channel": "web,sms", "compare": "none", "q": "late", "term": "x"}
    query = screen_query(shared, panels=["trend", "today"], theme="light", refresh=120, today=TODAY)
    assert query == {
        "period": "7d",
        "compare": "none",
        "channel": "web,sms",
        "panels": "today,trend",
        "theme": "light",
        "refresh": "120",
        "kiosk": "1",
    }  # the Comments page's own parameters (q, term) are left out
    config, notices = parse_wallboard(query, TODAY)
    assert notices == []
    assert config.kiosk
    assert config.theme == "light"
    assert config.refresh == 120
    assert config.panels == ("today", "trend")
    assert config.filters.channels == ("web", "sms")


def test_defaults_are_left_out_of_a_screens_link() -> None:
    query = screen_query({}, panels=ALL_PANELS, theme="dark", refresh=60, today=TODAY)
    assert query == {"kiosk": "1"}


def test_the_base_url_is_the_redirect_uri_people_use() -> None:
    assert app_base_url("https://nps.shop.com/oauth2callback", None) == "https://nps.shop.com"
    assert app_base_url("https://x.org/nps/oauth2callback/", "http://a") == "https://x.org/nps"
    assert app_base_url(None, "http://127.0.0.1:8501/comments") == "http://127.0.0.1:8501"
    assert app_base_url(None, None) == ""


def test_links_are_listed_newest_first_with_their_status() -> None:
    def link(link_id: str, created: str, expires: int) -> IssuedLink:
        return IssuedLink(link_id, f"TV {link_id}", "boss@shop.com", created, expires)

    links = [
        link("old-link-1", "2026-01-01T00:00:00+00:00", 1000),
        link("revoked-link", "2026-02-01T00:00:00+00:00", 5000),
        link("live-link-1", "2026-03-01T00:00:00+00:00", 5000),
    ]
    table = links_table(links, {"revoked-link"}, now=2000)
    assert table["link_id"].tolist() == ["live-link-1", "revoked-link", "old-link-1"]
    assert table["status"].tolist() == ["active", "revoked", "expired"]
    assert table["expires"].iloc[-1] == "1970-01-01 00:16"
    assert links_table([], set(), now=0).empty


def test_log_records_become_rows_with_their_details_as_json() -> None:
    records = [
        {"time": "t2", "account": "a@shop.com", "role": "viewer", "page": "Comments",
         "event": "export", "detail": {"rows": 3, "contacts": False}},
        {"time": "t1", "account": "", "role": "none", "page": "No access", "event": "no_access"},
    ]  # fmt: skip
    table = log_table(records)
    assert tuple(table.columns) == LOG_COLUMNS
    assert json.loads(table["detail"].iloc[0]) == {"rows": 3, "contacts": False}
    assert table["detail"].iloc[1] == "{}"
    assert table["time"].tolist() == ["t2", "t1"]
