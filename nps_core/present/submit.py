"""The Submit-a-review form as plain data: its fields, its checks, its texts, its sending.

Pure (no Streamlit). The checks are the server's own (``nps_core.contract.validation``), run in
the form first so a mistake is shown next to its field before anything is sent. A
``SubmissionLedger`` makes a double click send a review once: Streamlit may start the
second click's run while the first one is still waiting for the API.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from nps_core.contract.errors import NpsApiError
from nps_core.contract.models import Category
from nps_core.contract.validation import validate_review

__all__ = [
    "FIELD_LABELS",
    "TEXT_FIELDS",
    "Outcome",
    "ReviewDraft",
    "SubmissionLedger",
    "check_draft",
    "comment_prompt",
    "draft_from",
    "escape_markdown",
    "thank_you",
]

# Text fields of the form, in the order they are shown.
TEXT_FIELDS: tuple[str, ...] = ("comment", "email", "phone", "did", "order_id")
FIELD_LABELS: dict[str, str] = {
    "channel": "Channel",
    "category": "Category",
    "rate": "Score",
    "comment": "Comment",
    "email": "Email",
    "phone": "Phone",
    "did": "Device ID",
    "order_id": "Order ID",
}
IDENTITY_MISSING = "Give an email, a phone number or a device ID."
DID_WITHOUT_SECRET = (
    "A device ID is required: without the shop's secret key the API accepts a review only with one."
)
PROMPT_BEFORE_SCORE = "Comment (choose a score to see the question the customer was asked)"
# When a category has no text of its own for a group.
DEFAULT_PROMPT = "Anything you'd like to tell us about your score?"
DEFAULT_THANKS = "Thank you for your feedback!"

# Markdown (and Streamlit's ":color[…]" directives) treat these as syntax.
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~$:=")


def escape_markdown(text: str) -> str:
    """``text`` to show literally where Streamlit renders Markdown (labels, alerts)."""
    return "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIAL else ch for ch in text)


@dataclass(frozen=True)
class ReviewDraft:
    """What the form holds; ``api_fields`` is what it sends."""

    channel: str | None = None
    category: str | None = None
    rate: int | None = None
    comment: str = ""
    email: str = ""
    phone: str = ""
    did: str = ""
    order_id: str = ""

    def api_fields(self) -> dict[str, Any]:
        """The create call's fields: text trimmed, empty ones left out."""
        fields: dict[str, Any] = {
            "channel": self.channel,
            "category": self.category,
            "rate": self.rate,
        }
        for name in TEXT_FIELDS:
            value = getattr(self, name).strip()
            if value:
                fields[name] = value
        return fields

    @property
    def token(self) -> str:
        """Names this submission: the same fields sent twice are one submission."""
        payload = json.dumps(self.api_fields(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def check_draft(
    draft: ReviewDraft,
    *,
    channels: Collection[str],
    categories: Collection[str],
    did_required: bool = False,
) -> dict[str, str]:
    """What is wrong with each field, as a sentence to show under it; empty when valid.

    ``channels`` / ``categories`` are the active codes, as the server checks them.
    ``did_required``: without the shop secret the API needs a device ID.
    """
    fields = draft.api_fields()
    problems: dict[str, str] = {}
    identity_given = any(name in fields for name in ("did", "email", "phone"))
    for error in validate_review(fields, channels=channels, categories=categories):
        if error.field in problems:
            continue
        if not identity_given and error.field == "email":
            problems["email"] = IDENTITY_MISSING
        else:
            problems[error.field] = f"{FIELD_LABELS.get(error.field, error.field)} {error.message}."
    if did_required and "did" not in fields:
        problems.setdefault("did", DID_WITHOUT_SECRET)
        if problems.get("email") == IDENTITY_MISSING:
            del problems["email"]
    return problems


def comment_prompt(category: Category | None, rate: int | None) -> str:
    """The category's question for the score's group (what the respondent was asked)."""
    if rate is None:
        return PROMPT_BEFORE_SCORE
    return (category.question(rate) if category else None) or DEFAULT_PROMPT


def thank_you(category: Category | None, rate: int) -> str:
    """The category's thank-you text for the score's group."""
    return (category.thanks(rate) if category else None) or DEFAULT_THANKS


@dataclass(frozen=True)
class Outcome:
    """How a submission ended. ``repeated``: this click sent nothing (it was a repeat)."""

    ok: bool
    message: str | None = None  # the API's own message when it refused
    status: int | None = None
    repeated: bool = False


@dataclass
class SubmissionLedger:
    """Sends each submission (by ``ReviewDraft.token``) at most once until it fails.

    A click whose submission is already on its way waits for that answer and reports it;
    a click whose submission already succeeded reports that success without sending.
    After a failure the same fields may be sent again: that is a deliberate retry.
    Thread-safe: one ledger per browser session, shared by its concurrent runs.
    """

    wait_seconds: float = 120.0
    _outcomes: dict[str, Outcome] = field(default_factory=dict, repr=False)
    _sending: set[str] = field(default_factory=set, repr=False)
    _changed: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def outcome(self, token: str) -> Outcome | None:
        with self._changed:
            return self._outcomes.get(token)

    def submit(self, token: str, send: Callable[[], None]) -> Outcome:
        """``send()`` unless this submission is on its way or done; how it ended."""
        with self._changed:
            if token in self._sending:
                self._changed.wait_for(lambda: token not in self._sending, self.wait_seconds)
                previous = self._outcomes.get(token)
                if token in self._sending or previous is None:
                    return Outcome(False, "The review is still being sent; try again shortly.")
                return replace(previous, repeated=True)
            previous = self._outcomes.get(token)
            if previous is not None and previous.ok:
                return replace(previous, repeated=True)
            self._sending.add(token)
        outcome: Outcome | None = None
        try:
            send()
            outcome = Outcome(True)
        except NpsApiError as error:
            outcome = Outcome(False, error.message, error.status)
        finally:
            with self._changed:
                self._sending.discard(token)
                if outcome is not None:
                    self._outcomes[token] = outcome
                self._changed.notify_all()
        return outcome


def draft_from(values: Mapping[str, object]) -> ReviewDraft:
    """A draft from widget values by field name (missing text counts as empty)."""
    known = {name: values.get(name) for name in asdict(ReviewDraft())}
    for name in TEXT_FIELDS:
        known[name] = str(known[name] or "")
    rate = known["rate"]
    known["rate"] = int(rate) if isinstance(rate, int) and not isinstance(rate, bool) else None
    return ReviewDraft(**known)  # type: ignore[arg-type]
