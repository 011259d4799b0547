"""The pure field checks shared by the server and the Submit form."""

from __future__ import annotations

import pytest

from nps_core.contract.validation import (
    FieldError,
    check_email,
    check_phone,
    check_rate,
    identity_of,
    normalize_phone,
    validate_review,
)

VALID = {"channel": "web", "category": "delivery", "rate": 9, "email": "a@b.co"}


def fields_of(errors: list[FieldError]) -> list[str]:
    return [e.field for e in errors]


def test_valid_review_has_no_errors() -> None:
    assert validate_review(VALID) == []
    assert validate_review(VALID, channels={"web"}, categories={"delivery"}) == []


@pytest.mark.parametrize("rate", [0, 11, -1, 7.5, 7.0, "7", True, False, None, [7], 10**30])
def test_rate_rejected(rate: object) -> None:
    assert check_rate(rate) is not None
    assert fields_of(validate_review({**VALID, "rate": rate})) == ["rate"]


@pytest.mark.parametrize("rate", [1, 5, 10])
def test_rate_accepted(rate: int) -> None:
    assert check_rate(rate) is None


def test_missing_rate_channel_category() -> None:
    errors = validate_review({"email": "a@b.co"})
    assert fields_of(errors) == ["channel", "category", "rate"]
    assert str(errors[2]) == "rate: is required"


def test_comment_length() -> None:
    assert validate_review({**VALID, "comment": "x" * 2000}) == []
    assert fields_of(validate_review({**VALID, "comment": "x" * 2001})) == ["comment"]
    assert fields_of(validate_review({**VALID, "comment": 5})) == ["comment"]


@pytest.mark.parametrize("email", ["a@b.co", "john.doe+x@mail.example.com", "Ив@почта.рф"])
def test_email_accepted(email: str) -> None:
    assert check_email(email) is None


@pytest.mark.parametrize("email", ["plain", "a@b", "a b@c.de", "a@@b.co", "a@b.", "@b.co", "a@.co"])
def test_email_rejected(email: str) -> None:
    assert check_email(email) is not None


@pytest.mark.parametrize(
    "phone", ["+7 (912) 000-11-22", "79120001122", "1234567", "+123456789012345"]
)
def test_phone_accepted(phone: str) -> None:
    assert check_phone(phone) is None


@pytest.mark.parametrize("phone", ["123456", "+1234567890123456", "12a4567", "++1234567", "phone"])
def test_phone_rejected(phone: str) -> None:
    assert check_phone(phone) is not None


def test_identity_rule() -> None:
    bare = {"channel": "web", "category": "delivery", "rate": 9}
    assert fields_of(validate_review(bare)) == ["email"]
    assert validate_review({**bare, "did": "dev-1"}) == []
    assert validate_review({**bare, "phone": "+7 912 000 11 22"}) == []
    assert fields_of(validate_review({**bare, "email": ""})) == ["email"]


def test_identity_normalisation() -> None:
    assert identity_of(email=" John@Example.COM ") == "email:john@example.com"
    assert identity_of(phone="+7 (912) 000-11-22") == identity_of(phone="79120001122")
    assert identity_of(did="d", email="a@b.co") == "did:d"
    assert identity_of() is None
    assert normalize_phone("+1 (555) 010-0000") == "15550100000"


def test_active_codes_and_text_limits() -> None:
    errors = validate_review(VALID, channels={"email"}, categories={"product"})
    assert fields_of(errors) == ["channel", "category"]
    assert fields_of(validate_review({**VALID, "order_id": "x" * 256})) == ["order_id"]
    assert fields_of(validate_review({**VALID, "seance": "a\x00b"})) == ["seance"]
    assert fields_of(validate_review({**VALID, "loyalty_id": "\ud800"})) == ["loyalty_id"]
    assert fields_of(validate_review({**VALID, "channel": 3})) == ["channel"]
