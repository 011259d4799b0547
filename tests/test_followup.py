"""The Follow-up inbox as plain data: rows, age, actions, figures and CSV."""

from __future__ import annotations

import io
import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from nps_core.analysis.nps import summarize
from nps_core.data.state import Change, FollowUp, StateStore, VersionConflict, open_state
from nps_core.present.followup import (
    INBOX_COLUMNS,
    age_text,
    assign,
    change_status,
    inbox,
    inbox_csv,
    inbox_table,
    load_inbox,
    seen_followup,
    set_note,
)
from nps_core.present.followup_editor import (
    EditorState,
    after_conflict,
    after_save,
    bulk_report,
    change_of,
    conflict_text,
    edited,
    refresh,
    values_of,
)
from nps_core.present.followup_figures import customer_keys, figure_cards, followup_figures
from nps_core.present.i18n import use_language
from tests.support.rows import review_frame, wire_review

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SOURCE = "http://api.test|shop-1"
NAMES = {"channel": {"web": "Website"}, "category": {"delivery": "Delivery"}}


def hours_ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


@pytest.fixture
def frame() -> pd.DataFrame:
    return review_frame(
        [
            wire_review(1, hours_ago(100), 2, comment="late again", email="A@Example.com "),
            wire_review(2, hours_ago(60), 9, comment="great", client_id=77),
            wire_review(3, hours_ago(30), 7, comment="ok", phone="+7 999 123-45-67"),
            wire_review(4, hours_ago(5), 0, comment='=HYPERLINK("x")', client_id=5, email="b@x.io"),
            wire_review(5, hours_ago(1), 6, channel="sms", category="product"),
        ]
    )


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    opened = open_state(f"sqlite:///{tmp_path / 'state.sqlite3'}")
    yield opened
    opened.close()


def test_the_inbox_holds_detractors_newest_first_with_follow_ups(frame: pd.DataFrame) -> None:
    saved = {4: FollowUp(4, status="contacted", owner="ann", version=2)}
    rows = inbox(frame, saved, now=NOW, sla_hours=48)
    assert rows["id"].tolist() == [5, 4, 1]
    assert rows["status"].tolist() == ["new", "contacted", "new"]
    assert rows["version"].tolist() == [0, 2, 0]
    assert rows["age_hours"].tolist() == pytest.approx([1, 5, 100])
    # Past the service level only while still new.
    assert rows["overdue"].tolist() == [False, False, True]
    with_passives = inbox(frame, saved, now=NOW, sla_hours=48, passives=True)
    assert with_passives["id"].tolist() == [5, 4, 3, 1]


def test_age_says_past_the_service_level_in_words() -> None:
    assert age_text(5.5, 48, False) == "5 h"
    assert age_text(100, 48, True) == "4 d 4 h · past 48 h"
    assert age_text(math.nan, 48, False) == ""


def test_the_table_shows_names_contacts_and_status(frame: pd.DataFrame) -> None:
    rows = inbox(frame, {}, now=NOW, sla_hours=48)
    table = inbox_table(rows, tz="UTC", sla_hours=48, labels=NAMES)
    assert tuple(table.columns) == INBOX_COLUMNS
    last = table.iloc[2]
    assert (last["channel"], last["category"], last["rate"]) == ("Website", "Delivery", 2)
    assert last["contact"] == "A@Example.com"
    assert last["status"] == "New"
    assert last["age"].endswith("past 48 h")
    assert table.iloc[1]["contact"] == "b@x.io"
    assert table.iloc[0]["channel"] == "sms"  # a code without a name stays as it is


def test_the_csv_has_contacts_and_follow_ups_with_formulas_guarded(frame: pd.DataFrame) -> None:
    rows = inbox(
        frame,
        {
            1: FollowUp(
                1,
                status="contacted",
                owner="=cmd",
                note="called",
                first_contacted_at=hours_ago(90),
                version=1,
            )
        },
        now=NOW,
        sla_hours=48,
    )
    data = inbox_csv(rows, tz="UTC", labels=NAMES)
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert table["id"].tolist() == ["5", "4", "1"]
    assert table.loc[2, "email"] == "A@Example.com "
    assert table.loc[2, "owner"] == "'=cmd"
    assert table.loc[1, "comment"].startswith("'=")
    assert table.loc[2, "first_contacted_at"] == "2026-03-06 18:00:00+00:00"
    assert table["past_service_level"].tolist() == ["False", "False", "False"]


def test_actions_save_at_once_and_check_the_version(frame: pd.DataFrame, store: StateStore) -> None:
    rows = load_inbox(frame, store.followups, SOURCE, now=NOW, sla_hours=48)
    seen = [seen_followup(row) for _, row in rows.iterrows()]
    assert [f.version for f in seen] == [0, 0, 0]
    results = assign(store.followups, SOURCE, seen, "ann", "lead")
    assert all(isinstance(r, FollowUp) for r in results)
    rows = load_inbox(frame, store.followups, SOURCE, now=NOW, sla_hours=48)
    first = seen_followup(rows.iloc[0])
    assert (first.owner, first.version) == ("ann", 1)
    contacted = change_status(store.followups, SOURCE, first, "contacted", "ann")
    noted = set_note(store.followups, SOURCE, contacted, "  will call back  ", "ann")
    assert (noted.status, noted.note, noted.version) == ("contacted", "will call back", 3)
    with pytest.raises(VersionConflict):
        set_note(store.followups, SOURCE, first, "stale", "bob")  # from version 1
    reread = load_inbox(frame, store.followups, SOURCE, now=NOW, sla_hours=48).iloc[0]
    assert (reread["status"], reread["note"], reread["version"]) == (
        "contacted",
        "will call back",
        3,
    )


def test_a_customer_is_a_client_id_else_an_email_else_a_phone() -> None:
    frame = review_frame(
        [
            wire_review(1, NOW, 2, client_id=7, email="x@y.z"),
            wire_review(2, NOW, 2, email=" X@Y.z", phone="+1 (555) 010"),
            wire_review(3, NOW, 2, phone="+1 (555) 010"),
            wire_review(4, NOW, 2),
        ]
    )
    assert customer_keys(frame).tolist() == ["id:7", "email:x@y.z", "phone:1555010", pd.NA]


def test_figures_count_open_within_the_service_level_and_time_to_contact() -> None:
    frame = review_frame(
        [
            wire_review(i, hours_ago(age), 3, client_id=100 + i)
            for i, age in enumerate([100, 80, 70, 50, 10], start=1)
        ]
    )
    saved = {
        1: FollowUp(1, status="resolved", first_contacted_at=hours_ago(90), version=2),  # 10 h
        2: FollowUp(
            2, status="contacted", first_contacted_at=hours_ago(10), version=1
        ),  # 70 h: late
        3: FollowUp(3, status="unreachable", first_contacted_at=hours_ago(40), version=1),  # 30 h
    }
    rows = inbox(frame, saved, now=NOW, sla_hours=48)
    figures = followup_figures(rows, frame, 48)
    assert figures.open == 3  # 2 contacted, 4 and 5 new
    assert figures.overdue == 1  # 4: new, 50 h old
    assert (figures.due, figures.within) == (4, 2)  # 1, 2, 3 contacted; 4 overdue
    assert figures.median_hours == pytest.approx(30)
    cards = figure_cards(figures, 48)
    assert [c.value for c in cards[:3]] == ["3", "50%", "30.0 h"]
    assert cards[3].value == "–"
    assert cards[3].caption == (
        "called back: no later reviews yet · not called back: no later reviews yet"
    )


def test_nps_after_a_call_back_uses_each_customers_next_review() -> None:
    detractors = [wire_review(i, hours_ago(200), 2, client_id=i) for i in range(1, 5)]
    later = [
        wire_review(11, hours_ago(100), 10, client_id=1),  # called back, next answer: 10
        wire_review(12, hours_ago(50), 2, client_id=1),  # a second later answer: not counted
        wire_review(13, hours_ago(90), 9, client_id=2),  # called back: 9
        wire_review(14, hours_ago(80), 3, client_id=3),  # not reached: 3
        wire_review(15, hours_ago(300), 10, client_id=4),  # before the inbox review: ignored
    ]
    frame = review_frame(detractors + later)
    saved = {
        1: FollowUp(1, status="resolved", first_contacted_at=hours_ago(150), version=1),
        2: FollowUp(2, status="contacted", first_contacted_at=hours_ago(150), version=1),
        3: FollowUp(3, status="unreachable", first_contacted_at=hours_ago(150), version=1),
    }
    rows = inbox(frame[frame["id"] < 10], saved, now=NOW, sla_hours=48)
    figures = followup_figures(rows, frame, 48)
    called, not_called = figures.called_back, figures.not_called_back
    assert (called.customers, called.summary.n) == (2, 2)
    assert called.summary.nps == summarize(frame[frame["id"].isin([11, 13])]).nps == 100
    assert (not_called.customers, not_called.summary.n, not_called.summary.nps) == (2, 1, -100)
    card = figure_cards(figures, 48)[3]
    assert card.value == "+100"
    assert card.caption == (
        "called back: NPS +100 from 2 (rough: fewer than 30) · "
        "not called back: NPS −100 from 1 (rough: fewer than 30)"
    )


# ------------------------------------------------------------------------------ editor


def test_the_editor_follows_the_store_until_something_is_edited() -> None:
    v1 = FollowUp(1, status="new", version=1)
    v2 = FollowUp(1, status="contacted", owner="ann", version=2)
    state = refresh(None, v1)
    assert state.values == {"status": "new", "owner": "", "note": ""}
    assert refresh(state, v2) == EditorState(v2, values_of(v2))  # someone else saved
    typing = EditorState(v1, {**values_of(v1), "note": "called twice"})
    assert edited(typing) == ["note"]
    assert refresh(typing, v2) is typing  # pending edits keep their base
    assert refresh(typing, FollowUp(2)).base == FollowUp(2)  # another follow-up chosen


def test_two_editors_of_one_follow_up_lose_nothing(store: StateStore) -> None:
    seen = store.followups.get(SOURCE, 1)
    ann = EditorState(seen, {**values_of(seen), "status": "contacted"})
    bob = EditorState(seen, {**values_of(seen), "note": "  left a voicemail "})
    assert change_of(bob) == Change(note="left a voicemail")
    saved = store.followups.save(SOURCE, ann.base, change_of(ann), "ann")
    assert after_save(saved).values["status"] == "contacted"
    with pytest.raises(VersionConflict) as caught:
        store.followups.save(SOURCE, bob.base, change_of(bob), "bob")
    bob = after_conflict(bob, caught.value)
    # Bob keeps his note, sees Ann's status, and saving again applies only his note.
    assert bob.values == {"status": "contacted", "owner": "", "note": "  left a voicemail "}
    assert edited(bob) == ["note"]
    final = store.followups.save(SOURCE, bob.base, change_of(bob), "bob")
    assert (final.status, final.note, final.version) == ("contacted", "left a voicemail", 2)


def test_a_bulk_assignment_reports_what_it_could_not_do(store: StateStore) -> None:
    stale = FollowUp(2)
    store.followups.save(SOURCE, stale, Change(owner="ann"), "ann")
    results = assign(store.followups, SOURCE, [FollowUp(1), stale, FollowUp(3)], "bob", "bob")
    summary, problems = bulk_report(results, "bob")
    assert summary == "2 follow-ups assigned to bob."
    assert len(problems) == 1
    assert problems[0].startswith("Review 2: ann changed this follow-up first")


def test_the_page_speaks_the_readers_language(frame: pd.DataFrame) -> None:
    """English as the store says it; Russian from the catalogue, with no Latin word left."""
    current = FollowUp(
        7, status="contacted", note="called", version=1, updated_by="ann", updated_at=NOW
    )
    conflict = VersionConflict(FollowUp(7), current, Change(status="resolved"))
    assert conflict_text(conflict) == conflict.message
    figures = followup_figures(inbox(frame, {}, now=NOW, sla_hours=48), frame, 48)
    with use_language("ru"):
        told = conflict_text(conflict)
        assert told.startswith(
            "ann первым изменил(а) эту задачу в 2026-03-10 12:00 UTC: "
            "изменено: статус: связались, заметка. Ваше изменение (статус) не сохранено"
        )
        assert age_text(100, 48, True) == "4 д 4 ч · сверх нормы 48 ч"
        assert bulk_report([FollowUp(1), FollowUp(2)], "")[0] == (
            "2 задачи: ответственный — не назначен."
        )
        cards = figure_cards(figures, 48)
    assert cards[0].label == "Открытые задачи"
    for card in cards:
        for text in (card.label, card.caption, card.help):
            assert not set(re.findall(r"[A-Za-z]+", text or "")) - {"NPS", "n", "ID", "email"}, text
