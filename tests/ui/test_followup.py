"""The Follow-up page in-process over the demo API: the inbox, its figures, saving at
once, kept across sessions, and two managers editing one follow-up."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from nps_core.access.log import JsonAccessLog
from nps_core.present.followup import STATUS_LABELS
from nps_core.present.submit import escape_markdown
from tests.support.apptest import AppFactory, signed_in

PAGE = "app_pages/followup.py"


def inbox(app: AppTest) -> pd.DataFrame:
    value = app.dataframe[0].value
    return value.data if hasattr(value, "data") else value


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def submit(app: AppTest) -> AppTest:
    return app.form_submit_button[0].click().run()


def test_the_inbox_lists_the_periods_detractors_newest_first(app_factory: AppFactory) -> None:
    app = app_factory(PAGE)
    assert not app.exception
    table = inbox(app)
    assert len(table) > 0
    assert set(table["status"]) == {"New"}
    assert table["rate"].max() <= 6
    assert table["time"].is_monotonic_decreasing
    assert metric(app, "Open follow-ups") == f"{len(table):,}"
    assert metric(app, "NPS after a call back") == "–"
    # Past the service level in words, not only by colour.
    assert table["age"].str.endswith("past 48 h").any()
    assert not table["age"].iloc[0].endswith("past 48 h")
    with_passives = app.toggle(key="fu_passives").set_value(True).run()
    assert len(inbox(with_passives)) > len(table)
    assert with_passives.query_params["passives"] == "1"


def test_a_saved_follow_up_is_there_for_the_next_session(app_factory: AppFactory) -> None:
    app = app_factory(PAGE)
    review = app.selectbox(key="fu_review").value
    app.selectbox(key="fu_status").set_value("contacted")
    app.text_area(key="fu_note").input("Called: refund promised")
    app.text_input(key="fu_owner").input("ann@shop.example")
    app = submit(app)
    assert not app.exception
    assert [s.value for s in app.success] == ["Saved: status, owner, note."]
    assert app.query_params["review"] == str(review)
    later = app_factory(PAGE, review=str(review))  # a new session, from the alert's link
    assert later.selectbox(key="fu_review").value == review
    assert later.selectbox(key="fu_status").value == "contacted"
    assert later.text_area(key="fu_note").value == "Called: refund promised"
    row = inbox(later)[inbox(later)["review"] == str(review)].iloc[0]
    assert (row["status"], row["owner"], row["note"]) == (
        STATUS_LABELS["contacted"],
        "ann@shop.example",
        "Called: refund promised",
    )
    assert metric(later, "Open follow-ups") == f"{len(inbox(later)):,}"


def test_the_second_of_two_managers_sees_the_conflict_and_keeps_her_input(
    app_factory: AppFactory,
) -> None:
    first, second = app_factory(PAGE), app_factory(PAGE)
    review = first.selectbox(key="fu_review").value
    assert second.selectbox(key="fu_review").value == review
    first.text_area(key="fu_note").input("Left a voicemail")
    first = submit(first)
    second.selectbox(key="fu_status").set_value("resolved")
    second = submit(second)
    (warning,) = second.warning
    assert "changed this follow-up first" in warning.value
    assert "the note" in warning.value
    assert "Your change (status) was not saved" in warning.value
    # Her choice stays in the form; the other manager's note shows beside it.
    assert second.selectbox(key="fu_status").value == "resolved"
    assert second.text_area(key="fu_note").value == "Left a voicemail"
    again = submit(second)
    assert [s.value for s in again.success] == ["Saved: status."]
    row = inbox(again)[inbox(again)["review"] == str(review)].iloc[0]
    assert (row["status"], row["note"]) == ("Resolved", "Left a voicemail")


def test_bulk_assign_gives_several_follow_ups_to_one_person(app_factory: AppFactory) -> None:
    app = app_factory(PAGE)
    chosen = inbox(app)["review"].head(3).astype(int).tolist()
    app.multiselect(key="fu_bulk").set_value(chosen)
    app = app.button(key="fu_bulk_me").click().run()
    assert [s.value for s in app.success] == ["3 follow-ups assigned to me."]
    owners = inbox(app).set_index("review").loc[[str(i) for i in chosen], "owner"]
    assert owners.tolist() == ["me"] * 3
    # Someone who owns a follow-up already is offered by name.
    app.text_input(key="fu_owner").input("bob@shop.example")
    app = submit(app)
    assert "bob@shop.example" in app.selectbox(key="fu_bulk_owner").options
    app.selectbox(key="fu_bulk_owner").set_value("bob@shop.example")
    app = app.button(key="fu_bulk_assign").click().run()
    assert [s.value for s in app.success] == ["3 follow-ups assigned to bob@shop.example."]
    owners = inbox(app).set_index("review").loc[[str(i) for i in chosen], "owner"]
    assert owners.tolist() == ["bob@shop.example"] * 3


@pytest.mark.parametrize("review", ["1", "abc"])
def test_a_link_to_a_review_outside_the_inbox_says_so(app_factory: AppFactory, review: str) -> None:
    app = app_factory(PAGE, review=review)
    assert not app.exception
    if review.isdigit():
        assert any("is not in this period's inbox" in i.value for i in app.info)


# A team with sign-in: Ann and Bob manage, Carl only looks.
TEAM_SECRETS = {
    "auth": {
        "client_id": "nps",
        "client_secret": "nps-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "thirty-two-characters-of-cookie!",
    },
    "access": {"managers": ["ann@shop.example", "bob@shop.example"], "viewers": ["*@shop.example"]},
}


def test_a_manager_acts_under_her_own_name_and_the_page_is_logged(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    app = app_factory(PAGE, secrets=TEAM_SECRETS, user=signed_in("ann@shop.example"))
    assert not app.exception
    assert app.title[0].value == "Follow-up"
    team = app.selectbox(key="fu_bulk_owner").options
    assert {"ann@shop.example", "bob@shop.example"} <= set(team)
    app = app.button(key="fu_assign_me").click().run()
    assert [s.value for s in app.success] == ["Assigned to ann@shop.example."]
    assert app.text_input(key="fu_owner").value == "ann@shop.example"
    saved_by = f"last saved by {escape_markdown('ann@shop.example')}"
    assert any(saved_by in c.value for c in app.main.caption)
    log = JsonAccessLog(tmp_path / "data" / "access-log.jsonl").latest(10)
    assert ("ann@shop.example", "manager", "Follow-up", "contacts") in {
        (r["account"], r["role"], r["page"], r["event"]) for r in log
    }


def test_a_viewer_cannot_open_the_follow_up_page(app_factory: AppFactory) -> None:
    app = app_factory(secrets=TEAM_SECRETS, user=signed_in("carl@shop.example"))
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(PAGE)
