"""Field checks for a review, shared by the bundled server and the Submit form.

Pure functions over plain values: no I/O, no knowledge of the transport. The server
adds what only it can know (which shop, which channels are active) on top.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from nps_core.contract.wire import CREATE_IDENTITY_FIELDS, CREATE_TEXT_FIELDS

__all__ = [
    "EMAIL_PATTERN",
    "MAX_COMMENT_LENGTH",
    "MAX_FIELD_LENGTH",
    "PHONE_NOISE",
    "RATE_MAX",
    "RATE_MIN",
    "STRING_FIELDS",
    "FieldError",
    "check_comment",
    "check_email",
    "check_phone",
    "check_rate",
    "check_text",
    "identity_of",
    "normalize_email",
    "normalize_phone",
    "validate_review",
]

RATE_MIN = 1
RATE_MAX = 10
MAX_COMMENT_LENGTH = 2000
MAX_FIELD_LENGTH = 255

# A review's codes: required, and checked against the shop's active ones when known.
_CODES: tuple[str, ...] = ("channel", "category")
# Every optional or required text field of a review besides `comment`, in the order
# their errors are reported: the codes, who wrote it, then the rest as the contract has them.
STRING_FIELDS: tuple[str, ...] = tuple(
    dict.fromkeys((*_CODES, *CREATE_IDENTITY_FIELDS, *CREATE_TEXT_FIELDS))
)

# Explicit ASCII whitespace rather than \s, whose meaning differs between Python
# and the ECMA regexes of the OpenAPI document (e.g. for \x1c); both use these.
SPACES = " \t\n\r\f\v"
# Deliberately loose: one @, no spaces, a dot inside the domain. Real validation of
# an address is sending mail to it; this only catches typos.
EMAIL_PATTERN = f"[^@{SPACES}]+@[^@{SPACES}.]+(?:\\.[^@{SPACES}.]+)+"
# Optional +, then 7 to 15 digits, once spaces, dashes and parentheses are removed.
PHONE_NOISE = f"[{SPACES}()-]"
_EMAIL = re.compile(EMAIL_PATTERN)
_PHONE_NOISE = re.compile(PHONE_NOISE)
_PHONE = re.compile(r"\+?[0-9]{7,15}")


@dataclass(frozen=True, slots=True)
class FieldError:
    """One rejected field; `message` reads after the field name ("rate: must be ...")."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def check_rate(value: object, *, low: int = RATE_MIN, high: int = RATE_MAX) -> str | None:
    """An integer in [low, high]; bools, floats and numeric strings are refused."""
    if value is None:
        return "is required"
    # bool is a subclass of int, and True == 1 would otherwise pass.
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be an integer from {low} to {high}"
    if not low <= value <= high:
        return f"must be an integer from {low} to {high}"
    return None


def check_text(value: object, *, max_length: int = MAX_FIELD_LENGTH) -> str | None:
    """A string without NUL characters, at most `max_length` characters long."""
    if not isinstance(value, str):
        return "must be a string"
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates, e.g. from a JSON "\ud800" escape
        return "must be valid Unicode text"
    if len(value) > max_length:
        return f"must be at most {max_length} characters"
    return None


def check_comment(value: object) -> str | None:
    if value is None:
        return None
    return check_text(value, max_length=MAX_COMMENT_LENGTH)


def check_email(value: str) -> str | None:
    if _EMAIL.fullmatch(value) is None:
        return "is not a valid email address"
    return None


def check_phone(value: str) -> str | None:
    if _PHONE.fullmatch(_PHONE_NOISE.sub("", value)) is None:
        return "must be 7 to 15 digits, optionally with a leading +"
    return None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def normalize_phone(phone: str) -> str:
    """Digits only: "+7 (912) 000-11-22" and "79120001122" are the same person."""
    return "".join(ch for ch in phone if ch.isdigit())


def identity_of(
    did: str | None = None, email: str | None = None, phone: str | None = None
) -> str | None:
    """Who wrote a review, for the one-review-per-day rule: did, else email, else phone.

    Prefixed by kind so that a did can never collide with a phone number.
    """
    if did:
        return f"did:{did}"
    if email:
        return f"email:{normalize_email(email)}"
    if phone:
        digits = normalize_phone(phone)
        if digits:
            return f"phone:{digits}"
    return None


def validate_review(
    fields: Mapping[str, object],
    *,
    channels: Collection[str] | None = None,
    categories: Collection[str] | None = None,
) -> list[FieldError]:
    """Every problem with a review's fields, in a stable order; empty when valid.

    Absent, None and "" count as "not given". `channels` / `categories`, when known,
    are the codes a review may use (the shop's active ones).
    """
    errors: list[FieldError] = []

    def given(name: str) -> bool:
        value = fields.get(name)
        return value is not None and value != ""

    for name in _CODES:
        if not given(name):
            errors.append(FieldError(name, "is required"))
    problem = check_rate(fields.get("rate"))
    if problem:
        errors.append(FieldError("rate", problem))

    for name in STRING_FIELDS:
        if given(name):
            problem = check_text(fields[name])
            if problem:
                errors.append(FieldError(name, problem))
    problem = check_comment(fields.get("comment"))
    if problem:
        errors.append(FieldError("comment", problem))

    bad = {e.field for e in errors}
    for name, allowed in zip(_CODES, (channels, categories), strict=True):
        if allowed is not None and name not in bad and fields.get(name) not in allowed:
            errors.append(FieldError(name, f"is not an active {name} of this shop"))

    if given("email") and "email" not in bad:
        problem = check_email(str(fields["email"]))
        if problem:
            errors.append(FieldError("email", problem))
    if given("phone") and "phone" not in bad:
        problem = check_phone(str(fields["phone"]))
        if problem:
            errors.append(FieldError("phone", problem))

    if not any(given(name) for name in CREATE_IDENTITY_FIELDS):
        errors.append(FieldError("email", "email or phone is required when did is not given"))
    return errors
