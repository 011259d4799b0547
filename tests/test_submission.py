"""The Submit form's pure parts: drafts, the server's checks, texts, sending once."""

from __future__ import annotations

import threading
import time

import pytest

from nps_core.contract.errors import BadRequest
from nps_core.contract.models import Category
from nps_core.contract.validation import MAX_COMMENT_LENGTH, validate_review
from nps_core.present.submit import (
    DEFAULT_PROMPT,
    DEFAULT_THANKS,
    DID_WITHOUT_SECRET,
    IDENTITY_MISSING,
    PROMPT_BEFORE_SCORE,
    Outcome,
    ReviewDraft,
    SubmissionLedger,
    check_draft,
    comment_prompt,
    draft_from,
    escape_markdown,
    thank_you,
)

ACTIVE = {"channels": ("email", "web"), "categories": ("delivery",)}
DELIVERY = Category(
    code="delivery",
    name="Delivery",
    promoter_question="What did we get right?",
    promoter_success="Thank you!",
    passive_question="What would make it a 10?",
    passive_success="Thanks, noted.",
    detractor_question="What went wrong?",
    detractor_success="Sorry, we will do better.",
)


def draft(**fields: object) -> ReviewDraft:
    base: dict[str, object] = {
        "channel": "email",
        "category": "delivery",
        "rate": 9,
        "email": "ann@example.com",
    }
    return ReviewDraft(**{**base, **fields})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- fields


def test_api_fields_trim_text_and_leave_out_empty_fields() -> None:
    d = draft(comment="  Great courier \n", phone=" ", order_id=" A-17 ", did="")
    assert d.api_fields() == {
        "channel": "email",
        "category": "delivery",
        "rate": 9,
        "comment": "Great courier",
        "email": "ann@example.com",
        "order_id": "A-17",
    }


def test_draft_from_widget_values() -> None:
    d = draft_from({"channel": "web", "category": "delivery", "rate": 4, "comment": None})
    assert d == ReviewDraft(channel="web", category="delivery", rate=4)
    assert draft_from({"rate": True}).rate is None  # never a bool for an int
    assert draft_from({}).rate is None


def test_token_names_the_fields_sent() -> None:
    assert draft().token == draft(comment="  ").token  # same fields on the wire
    assert draft().token == draft(email="ann@example.com ").token
    assert draft().token != draft(rate=8).token
    assert draft().token != draft(comment="Fine").token
    assert len(draft().token) == 32


# --------------------------------------------------------------------------- checks


def test_a_valid_draft_has_no_problems() -> None:
    assert check_draft(draft(), **ACTIVE) == {}
    assert check_draft(draft(email="", phone="+7 (912) 000-11-22"), **ACTIVE) == {}
    assert check_draft(draft(email="", did="device-1"), **ACTIVE) == {}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"rate": None}, "rate", "Score is required."),
        ({"email": "ann@"}, "email", "Email is not a valid email address."),
        ({"email": "", "phone": "12-34"}, "phone", "Phone must be 7 to 15 digits"),
        ({"comment": "bad\x00byte"}, "comment", "Comment must not contain NUL characters."),
        ({"comment": "x" * (MAX_COMMENT_LENGTH + 1)}, "comment", "at most 2000 characters"),
        ({"order_id": "o" * 256}, "order_id", "Order ID must be at most 255 characters."),
        ({"email": ""}, "email", IDENTITY_MISSING),
        ({"channel": "kiosk"}, "channel", "Channel is not an active channel of this shop."),
        ({"channel": None}, "channel", "Channel is required."),
    ],
)
def test_problems_are_the_servers_checks_as_sentences(
    fields: dict[str, object], field: str, message: str
) -> None:
    d = draft(**fields)
    problems = check_draft(d, **ACTIVE)
    assert message in problems[field]
    # The server rejects exactly what the form flags (same function, same codes).
    server = validate_review(d.api_fields(), **ACTIVE)
    assert {e.field for e in server} == set(problems)


def test_one_problem_per_field() -> None:
    problems = check_draft(draft(rate=None, email="nope", channel="kiosk"), **ACTIVE)
    assert set(problems) == {"rate", "email", "channel"}


def test_without_the_secret_a_device_id_is_required() -> None:
    assert check_draft(draft(), **ACTIVE, did_required=True) == {"did": DID_WITHOUT_SECRET}
    # No identity at all: the device ID message says it all.
    assert check_draft(draft(email=""), **ACTIVE, did_required=True) == {"did": DID_WITHOUT_SECRET}
    assert check_draft(draft(did="device-1"), **ACTIVE, did_required=True) == {}


# --------------------------------------------------------------------------- texts


@pytest.mark.parametrize(
    ("rate", "question", "thanks"),
    [
        (1, "What went wrong?", "Sorry, we will do better."),
        (6, "What went wrong?", "Sorry, we will do better."),
        (7, "What would make it a 10?", "Thanks, noted."),
        (8, "What would make it a 10?", "Thanks, noted."),
        (9, "What did we get right?", "Thank you!"),
        (10, "What did we get right?", "Thank you!"),
    ],
)
def test_texts_follow_the_band(rate: int, question: str, thanks: str) -> None:
    assert comment_prompt(DELIVERY, rate) == question
    assert thank_you(DELIVERY, rate) == thanks


def test_texts_fall_back_when_missing() -> None:
    bare = Category(code="product")  # newer docs: only code and name
    assert comment_prompt(bare, 3) == DEFAULT_PROMPT
    assert thank_you(bare, 3) == DEFAULT_THANKS
    assert comment_prompt(None, 3) == DEFAULT_PROMPT
    assert thank_you(None, 10) == DEFAULT_THANKS
    assert comment_prompt(DELIVERY, None) == PROMPT_BEFORE_SCORE


def test_escape_markdown_leaves_only_literal_text() -> None:
    assert escape_markdown("Thanks! **5** stars :red[x]") == (
        "Thanks\\! \\*\\*5\\*\\* stars \\:red\\[x\\]"
    )
    assert escape_markdown("<b>hi</b> 1. $x$") == "\\<b\\>hi\\</b\\> 1\\. \\$x\\$"
    assert escape_markdown("Доставка в пятницу") == "Доставка в пятницу"


# --------------------------------------------------------------------------- ledger


class Sender:
    """Counts calls; optionally blocks until released, or fails."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls = 0
        self.error = error
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self) -> None:
        self.calls += 1
        self.started.set()
        self.release.wait(5)
        if self.error is not None:
            raise self.error


def test_a_success_is_sent_once() -> None:
    ledger, send = SubmissionLedger(), Sender()
    assert ledger.submit("t1", send) == Outcome(True)
    assert ledger.submit("t1", send) == Outcome(True, repeated=True)
    assert send.calls == 1
    assert ledger.outcome("t1") == Outcome(True)
    assert ledger.outcome("t2") is None
    assert ledger.submit("t2", send).ok  # other fields: another review
    assert send.calls == 2


def test_a_refusal_keeps_the_api_message_and_may_be_retried() -> None:
    ledger = SubmissionLedger()
    send = Sender(BadRequest(400, "category: is not an active category of this shop"))
    outcome = ledger.submit("t", send)
    assert outcome == Outcome(False, "category: is not an active category of this shop", 400)
    assert ledger.submit("t", send).message == outcome.message
    assert send.calls == 2  # a deliberate second click after a refusal does try again


def test_a_double_click_while_sending_sends_once() -> None:
    """The second click's run starts while the first still waits for the API."""
    ledger, send = SubmissionLedger(), Sender()
    send.release.clear()
    results: list[Outcome] = []
    first = threading.Thread(target=lambda: results.append(ledger.submit("t", send)))
    first.start()
    assert send.started.wait(5)
    second = threading.Thread(target=lambda: results.append(ledger.submit("t", send)))
    second.start()
    time.sleep(0.05)
    assert second.is_alive()  # waiting for the first click's answer
    send.release.set()
    first.join(5)
    second.join(5)
    assert send.calls == 1
    assert sorted(results, key=lambda o: o.repeated) == [
        Outcome(True),
        Outcome(True, repeated=True),
    ]


def test_a_double_click_on_a_refused_review_reports_the_refusal_once() -> None:
    ledger, send = SubmissionLedger(), Sender(BadRequest(400, "no"))
    send.release.clear()
    results: list[Outcome] = []
    threads = [threading.Thread(target=lambda: results.append(ledger.submit("t", send)))]
    threads[0].start()
    assert send.started.wait(5)
    threads.append(threading.Thread(target=lambda: results.append(ledger.submit("t", send))))
    threads[1].start()
    send.release.set()
    for thread in threads:
        thread.join(5)
    assert send.calls == 1
    assert [o.message for o in results] == ["no", "no"]


def test_a_waiting_click_gives_up_after_its_wait() -> None:
    ledger, send = SubmissionLedger(wait_seconds=0.05), Sender()
    send.release.clear()
    first = threading.Thread(target=ledger.submit, args=("t", send))
    first.start()
    assert send.started.wait(5)
    outcome = ledger.submit("t", send)
    assert not outcome.ok
    assert "still being sent" in (outcome.message or "")
    send.release.set()
    first.join(5)
    assert send.calls == 1


def test_an_unexpected_error_is_not_recorded_and_frees_the_submission() -> None:
    ledger = SubmissionLedger()
    with pytest.raises(RuntimeError):
        ledger.submit("t", Sender(RuntimeError("bug")))
    assert ledger.outcome("t") is None
    assert ledger.submit("t", Sender()).ok
