"""Role gating, page by page, in-process over the demo API.

Every page for every role: the pages a role may open run, the others are not in the
navigation at all (AppTest cannot even switch to them). Viewers get no contact in any
element the app sends, screens see the wallboard alone, and those kept out see their
gate page and nothing else. ``st.user`` is set as Streamlit fills it after an OpenID
Connect sign-in; the sign-in itself runs for real in ``tests/browser/test_sign_in.py``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from nps_core.access.links import sign
from nps_core.access.log import JsonAccessLog
from nps_core.access.registry import JsonLinkRegistry
from nps_core.access.stored import SqlAccessLog, SqlLinkRegistry
from nps_core.contract.wire import REVIEW_CONTACT_FIELDS
from nps_core.data.state import open_state
from nps_core.present.contacts import MASK
from tests.support.apptest import ACCESS_SECRETS as SECRETS
from tests.support.apptest import ADMIN, MANAGER, VIEWER, AppFactory, signed_in
from tests.support.apptest import LINK_KEY as KEY
from tests.support.shown import expected_frames, state_of

PAGES = {
    "overview": ("app_pages/overview.py", "Overview"),
    "segments": ("app_pages/segments.py", "Segments"),
    "comments": ("app_pages/comments.py", "Comments"),
    "submit": ("app_pages/submit.py", "Submit a review"),
    "followup": ("app_pages/followup.py", "Follow-up"),
    "wallboard": ("app_pages/wallboard.py", None),  # the board is HTML, with no title
    "access": ("app_pages/access.py", "Access"),
}
BROWSE = {"overview", "segments", "comments", "wallboard"}
ALLOWED = {
    VIEWER: BROWSE,
    MANAGER: BROWSE | {"submit", "followup"},
    ADMIN: set(PAGES),
    None: BROWSE | {"submit", "followup"},  # local mode: no sign-in configured
}


@pytest.fixture
def data_dir(app_factory: AppFactory) -> Path:
    """The app's data folder (``app_factory`` points it at one of the test's own)."""
    return Path(os.environ["NPS_DATA_DIR"])


def titles(app: AppTest) -> list[str]:
    return [title.value for title in app.title]


def contacts_of(demo_api: Any) -> set[str]:
    """Every client id, email and phone of the default period's reviews (and those of the
    comparison period): what a viewer must never be sent."""
    state, today = state_of({})
    held: set[str] = set()
    for frame in expected_frames(demo_api, state, today):
        if frame is None:
            continue
        for name in REVIEW_CONTACT_FIELDS:
            held |= {str(value) for value in frame[name].dropna()}
    assert len(held) > 1000  # the demo shop has contacts to leak
    return held


def sent_bytes(app: AppTest) -> bytes:
    """Every element and block the run sent, serialised (tables' Arrow data included)."""
    parts: list[bytes] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(proto.SerializeToString())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return b"\n".join(parts)


def open_each_page(app: AppTest) -> dict[str, bool]:
    """Switch to every page in turn: True where it ran, False where navigation has no
    such page."""
    opened = {}
    for name, (path, title) in PAGES.items():
        try:
            app.switch_page(path)
        except ValueError as error:
            if "Could not find a navigation page" not in str(error):
                raise
            opened[name] = False
            continue
        app.run()
        assert not app.exception, (name, app.exception)
        if title is not None:
            assert titles(app)[:1] == [title], name
        else:
            assert any('<div class="wb' in html.proto.body for html in app.get("html"))
        opened[name] = True
    return opened


@pytest.mark.parametrize("account", [VIEWER, MANAGER, ADMIN, None])
def test_each_role_opens_its_pages_and_no_other(app_factory: AppFactory, account) -> None:
    if account is None:
        app = app_factory()
    else:
        app = app_factory(secrets=SECRETS, user=signed_in(account))
    opened = open_each_page(app)
    assert {name for name, ran in opened.items() if ran} == ALLOWED[account]


def test_a_viewer_is_sent_no_contact_on_any_page(app_factory: AppFactory, demo_api) -> None:
    held = contacts_of(demo_api)
    app = app_factory(secrets=SECRETS, user=signed_in(VIEWER))
    for name in ("overview", "segments", "comments", "wallboard"):
        app.switch_page(PAGES[name][0]).run()
        assert not app.exception
        sent = sent_bytes(app)
        leaked = [value for value in held if value.encode() in sent]
        assert leaked == [], (name, leaked[:5])
    app.switch_page(PAGES["comments"][0]).run()
    table: pd.DataFrame = app.dataframe[0].value
    assert len(table) > 100
    assert (table["client_id"] == MASK).all()
    assert app.get("download_button")  # viewers export too, without contacts


def test_a_manager_sees_the_client_ids_of_the_period(app_factory: AppFactory, demo_api) -> None:
    held = contacts_of(demo_api)
    app = app_factory(PAGES["comments"][0], secrets=SECRETS, user=signed_in(MANAGER))
    table: pd.DataFrame = app.dataframe[0].value
    shown = set(table["client_id"].dropna())
    assert MASK not in shown
    assert len(shown & held) > 100
    sent = sent_bytes(app)  # what the viewer test searches does hold the table's data
    assert sum(value.encode() in sent for value in shown) == len(shown)


def test_contacts_shown_and_pages_opened_are_logged(
    app_factory: AppFactory, data_dir: Path
) -> None:
    app = app_factory(PAGES["comments"][0], secrets=SECRETS, user=signed_in(MANAGER))
    app.run()  # a rerun of the same view is not a new view
    records = JsonAccessLog(data_dir / "access-log.jsonl").latest(100)
    events = [(r["account"], r["role"], r["page"], r["event"]) for r in reversed(records)]
    assert events == [
        (MANAGER, "manager", "Overview", "page"),
        (MANAGER, "manager", "Comments", "page"),
        (MANAGER, "manager", "Comments", "contacts"),
    ]
    assert records[0]["detail"]["rows"] > 0


def test_signed_out_visitors_see_the_sign_in_page_and_nothing_else(
    app_factory: AppFactory,
) -> None:
    app = app_factory(secrets=SECRETS, user={"is_logged_in": False})
    assert titles(app) == ["NPS dashboard"]
    assert [button.label for button in app.button] == ["Sign in"]
    assert not app.metric
    assert not app.dataframe
    assert not app.sidebar.children
    app.switch_page(PAGES["comments"][0]).run()  # a page's own address changes nothing
    assert titles(app) == ["NPS dashboard"]
    assert not app.dataframe


def test_named_providers_each_get_a_sign_in_button(app_factory: AppFactory) -> None:
    auth = {
        "redirect_uri": SECRETS["auth"]["redirect_uri"],
        "cookie_secret": SECRETS["auth"]["cookie_secret"],
        "google": {"client_id": "g", "client_secret": "g", "server_metadata_url": "https://g"},
        "microsoft": {"client_id": "m", "client_secret": "m", "server_metadata_url": "https://m"},
        "keycloak": {"client_id": "k", "client_secret": "k", "server_metadata_url": "https://k"},
    }
    app = app_factory(secrets={**SECRETS, "auth": auth}, user={"is_logged_in": False})
    assert [button.label for button in app.button] == [
        "Sign in with Google",
        "Sign in with Microsoft",
        "Sign in with Keycloak",
    ]


def test_an_account_not_on_the_list_sees_no_access_naming_it(
    app_factory: AppFactory, data_dir: Path
) -> None:
    app = app_factory(secrets=SECRETS, user=signed_in("stranger@else.org"))
    assert titles(app) == ["No access"]
    assert "stranger@else.org" in app.markdown[0].value.replace("\\", "")
    assert not app.metric
    assert not app.dataframe
    assert not app.sidebar.children
    app.switch_page(PAGES["overview"][0]).run()
    assert titles(app) == ["No access"]
    assert not app.metric
    records = JsonAccessLog(data_dir / "access-log.jsonl").latest(10)
    assert [(r["account"], r["role"], r["event"]) for r in records] == [
        ("stranger@else.org", "none", "no_access")
    ]
    app.button(key="acc_sign_out").click().run()  # signing out works from here too
    assert app.user == {"is_logged_in": False}
    assert titles(app) == ["NPS dashboard"]


def test_an_unverified_email_gets_no_access(app_factory: AppFactory) -> None:
    user = {**signed_in(ADMIN), "email_verified": False}
    app = app_factory(secrets=SECRETS, user=user)
    assert titles(app) == ["No access"]
    assert "no verified email" in app.markdown[0].value


@pytest.mark.parametrize(
    "page", ["overview", "comments", "submit", "followup", "wallboard", "access"]
)
def test_signing_out_works_from_every_page(app_factory: AppFactory, page: str) -> None:
    app = app_factory(PAGES[page][0], secrets=SECRETS, user=signed_in(ADMIN))
    assert not app.exception
    app.sidebar.button(key="acc_sign_out").click().run()
    assert app.user == {"is_logged_in": False}
    assert titles(app) == ["NPS dashboard"]


def test_local_mode_says_so_and_changes_nothing_else(app_factory: AppFactory) -> None:
    app = app_factory(PAGES["comments"][0])
    assert "Local mode, no sign-in" in app.sidebar.caption[0].value
    assert not [button for button in app.sidebar.button if button.key == "acc_sign_out"]
    table: pd.DataFrame = app.dataframe[0].value
    assert MASK not in set(table["client_id"].dropna())


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.10", None])
def test_without_sign_in_no_other_address_is_served(app_factory: AppFactory, address) -> None:
    with patch_config_options({"server.address": address}):
        app = app_factory()
        assert titles(app) == ["Not available"]
        assert "without sign-in" in app.error[0].value
        assert not app.metric
        assert not app.sidebar.children
        signed = app_factory(secrets=SECRETS, user=signed_in(VIEWER))
        assert titles(signed) == ["Overview"]  # with sign-in, any address


def test_a_broken_access_list_lets_nobody_in(app_factory: AppFactory) -> None:
    secrets = {**SECRETS, "access": {"admins": ["boss@*"]}}
    app = app_factory(secrets=secrets, user=signed_in(ADMIN))
    assert titles(app) == ["Not available"]
    assert "boss@*" in app.error[0].value


def screen_query(**changes: str) -> dict[str, str]:
    query = sign(
        {"period": "7d", "kiosk": "1"}, KEY, link_id="Screen-0001", expires=int(time.time()) + 600
    )
    return {**query, **changes}


def test_a_signed_screen_link_shows_the_wallboard_alone(
    app_factory: AppFactory, demo_api, data_dir: Path
) -> None:
    held = contacts_of(demo_api)
    app = app_factory(PAGES["wallboard"][0], secrets=SECRETS, **screen_query())
    assert not app.exception
    assert any('<div class="wb' in html.proto.body for html in app.get("html"))
    assert not app.sidebar.button
    assert not app.dataframe
    sent = sent_bytes(app)
    assert [value for value in held if value.encode() in sent] == []
    for name in ("overview", "comments", "submit", "followup", "access"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(PAGES[name][0])
    newest = JsonAccessLog(data_dir / "access-log.jsonl").latest(1)
    assert [(r["account"], r["role"], r["page"]) for r in newest] == [
        ("screen:Screen-0001", "screen", "Wallboard")
    ]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"period": "365d"}, "not valid"),
        ({"sig": "A" * 43}, "not valid"),
        ({"expires": "1700000000"}, "not valid"),  # a changed expiry is a changed link
        ({"sig": "short"}, "incomplete"),
    ],
)
def test_a_changed_screen_link_is_refused(app_factory: AppFactory, changes, words) -> None:
    app = app_factory(PAGES["wallboard"][0], secrets=SECRETS, **screen_query(**changes))
    assert titles(app) == ["Not available"]
    assert words in app.error[0].value
    assert not app.get("html") or all('<div class="wb' not in h.proto.body for h in app.get("html"))


def test_a_revoked_screen_link_is_refused(app_factory: AppFactory, data_dir: Path) -> None:
    JsonLinkRegistry(data_dir / "screen-links.json").revoke("Screen-0001")
    app = app_factory(PAGES["wallboard"][0], secrets=SECRETS, **screen_query())
    assert titles(app) == ["Not available"]
    assert "revoked" in app.error[0].value


def test_replicas_on_one_state_store_share_revocations_and_the_log(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    """With ``state_url`` set, a link revoked on another replica is refused here, and this
    replica's visitors are in the team's one log."""
    monkeypatch.setenv("NPS_STATE_URL", pg_url)
    store = open_state(pg_url)  # another replica's view of the state store
    try:
        opened = app_factory(PAGES["wallboard"][0], secrets=SECRETS, **screen_query())
        assert titles(opened) != ["Not available"]
        SqlLinkRegistry(store.engine).revoke("Screen-0001")
        refused = app_factory(PAGES["wallboard"][0], secrets=SECRETS, **screen_query())
        assert titles(refused) == ["Not available"]
        assert "revoked" in refused.error[0].value
        app_factory(PAGES["overview"][0], secrets=SECRETS, user=signed_in(VIEWER))
        logged = SqlAccessLog(store.engine).latest(10)
        assert (logged[0]["account"], logged[0]["event"]) == (VIEWER, "page")
    finally:
        store.close()


def test_without_a_link_key_no_screen_link_is_honoured(app_factory: AppFactory) -> None:
    secrets = {**SECRETS, "screens": {"link_key": "too-short"}}
    app = app_factory(PAGES["wallboard"][0], secrets=secrets, **screen_query())
    assert titles(app) == ["Not available"]


def test_an_admin_shares_a_screen_and_revokes_it(app_factory: AppFactory, data_dir: Path) -> None:
    app = app_factory(secrets=SECRETS, user=signed_in(ADMIN), period="7d", channel="web")
    app.sidebar.button(key="scr_open").click().run()
    label = next(field for field in app.text_input if field.label == "Where is the screen?")
    label.input("Support room TV")
    next(button for button in app.button if button.label == "Create link").click().run()
    assert not app.exception
    url = next(code.value for code in app.code if "/wallboard?" in code.value)
    assert url.startswith("http://127.0.0.1:8501/wallboard?")
    registry = JsonLinkRegistry(data_dir / "screen-links.json")
    (issued,) = registry.issued()
    assert issued.label == "Support room TV"
    assert issued.created_by == ADMIN
    assert issued.params == {"period": "7d", "channel": "web", "kiosk": "1"}
    assert KEY not in url
    assert f"link={issued.link_id}" in url

    app.switch_page(PAGES["access"][0]).run()
    assert "Support room TV" in set(app.dataframe[0].value["screen"])
    app.selectbox[0].select(issued.link_id)
    next(button for button in app.button if button.label == "Revoke").click().run()
    assert registry.is_revoked(issued.link_id)
    log = app.dataframe[-1].value
    assert {"screen_link", "revoke", "page"} <= set(log["event"])


@pytest.fixture(autouse=True)
def _no_leftover_secrets() -> Iterator[None]:
    """AppTest restores ``st.secrets`` after each run; check nothing leaked between tests."""
    import streamlit as st

    before = st.secrets
    yield
    assert st.secrets is before


def test_the_wall_screens_last_good_copy_holds_no_contacts(app_factory: AppFactory) -> None:
    """A manager's visit fills the screens' shared last good copy; a signed link may be
    shown that copy later, so it must hold no contact whoever filled it."""
    from nps_core.ui.wallboard import _last_good

    app = app_factory(PAGES["wallboard"][0], secrets=SECRETS, user=signed_in(MANAGER))
    assert not app.exception
    kept = list(_last_good()._sets.values())
    assert kept, "the board kept no copy"
    for reviews in kept:
        assert not set(REVIEW_CONTACT_FIELDS) & set(reviews.frame.columns)
