"""The Submit-a-review form as plain data: its fields, its checks, its texts, its sending.

Pure (no Streamlit). The checks are the server's own (``nps_core.contract.validation``), run in
the form first so a mistake is shown next to its field before anything is sent. A
``SubmissionLedger`` makes a double click send a review once: Streamlit may start the
second click's run while the first one is still waiting for the API.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from nps_core.contract.errors import NpsApiError
from nps_core.contract.models import Category
from nps_core.contract.validation import FieldError, validate_review
from nps_core.present.i18n import N_, Texts, gettext

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
    "problem_text",
    "thank_you",
]

# Text fields of the form, in the order they are shown.
TEXT_FIELDS: tuple[str, ...] = ("comment", "email", "phone", "did", "order_id")
FIELD_LABELS: Texts[str] = Texts(
    {
        "channel": N_("Channel"),
        "category": N_("Category"),
        "rate": N_("Score"),
        "comment": N_("Comment"),
        "email": N_("Email"),
        "phone": N_("Phone"),
        "did": N_("Device ID"),
        "order_id": N_("Order ID"),
    }
)
# Message ids; ``check_draft`` and ``comment_prompt`` give them translated.
IDENTITY_MISSING = N_("Give an email, a phone number or a device ID.")
DID_WITHOUT_SECRET = N_(
    "A device ID is required: without the shop's secret key the API accepts a review only with one."
)
PROMPT_BEFORE_SCORE = N_("Comment (choose a score to see the question the customer was asked)")
# When a category has no text of its own for a group.
DEFAULT_PROMPT = N_("Anything you'd like to tell us about your score?")
DEFAULT_THANKS = N_("Thank you for your feedback!")
# The contract's checks (``nps_core.contract.validation``) say what is wrong in the API's
# English, after the field's name; the form says it in the reader's language. Each
# pattern matches one message of those checks; its numbers fill the sentence.
_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"is required", N_("{field} is required.")),
        (
            r"must be an integer from (?P<low>\d+) to (?P<high>\d+)",
            N_("{field} must be an integer from {low} to {high}."),
        ),
        (r"must be a string", N_("{field} must be text.")),
        (r"must not contain NUL characters", N_("{field} must not contain NUL characters.")),
        (r"must be valid Unicode text", N_("{field} must be valid Unicode text.")),
        (
            r"must be at most (?P<max>\d+) characters",
            N_("{field} must be at most {max} characters."),
        ),
        (r"is not a valid email address", N_("{field} is not a valid email address.")),
        (
            r"must be 7 to 15 digits, optionally with a leading \+",
            N_("{field} must be 7 to 15 digits, optionally with a leading +."),
        ),
        (
            r"is not an active channel of this shop",
            N_("{field} is not an active channel of this shop."),
        ),
        (
            r"is not an active category of this shop",
            N_("{field} is not an active category of this shop."),
        ),
    )
)

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
            problems["email"] = gettext(IDENTITY_MISSING)
        else:
            problems[error.field] = problem_text(error)
    if did_required and "did" not in fields:
        problems.setdefault("did", gettext(DID_WITHOUT_SECRET))
        if problems.get("email") == gettext(IDENTITY_MISSING):
            del problems["email"]
    return problems


def problem_text(error: FieldError) -> str:
    """A check's complaint as a sentence in the current language: "Score is required."."""
    field = FIELD_LABELS.get(error.field, error.field)
    for pattern, message in _PROBLEMS:
        found = pattern.fullmatch(error.message)
        if found:
            return gettext(message).format(field=field, **found.groupdict())
    return f"{field} {error.message}."  # a check this table does not know yet: as it says


def comment_prompt(category: Category | None, rate: int | None) -> str:
    """The category's question for the score's group (what the respondent was asked)."""
    if rate is None:
        return gettext(PROMPT_BEFORE_SCORE)
    return (category.question(rate) if category else None) or gettext(DEFAULT_PROMPT)


def thank_you(category: Category | None, rate: int) -> str:
    """The category's thank-you text for the score's group."""
    return (category.thanks(rate) if category else None) or gettext(DEFAULT_THANKS)


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
                    return Outcome(
                        False, gettext("The review is still being sent; try again shortly.")
                    )
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
