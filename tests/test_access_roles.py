"""The access list: who gets which role, what each role may do, and lists refused."""

from __future__ import annotations

import re
import tomllib

import pytest

from nps_core.access.links import MIN_KEY_LENGTH
from nps_core.access.roles import (
    PAGES,
    RIGHTS,
    AccessConfigError,
    Role,
    account_email,
    parse_access_list,
)
from tests.support.paths import ROOT

ACCESS = parse_access_list(
    {
        "admins": ["Boss@Shop.com"],
        "managers": ["*@shop.com", "lead@agency.org"],
        "viewers": ["*@agency.org", "*@sub.shop.com", "friend@gmail.com"],
    }
)


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("boss@shop.com", Role.ADMIN),
        ("BOSS@SHOP.COM", Role.ADMIN),  # case never matters
        ("  boss@shop.com ", Role.ADMIN),
        ("anna@shop.com", Role.MANAGER),
        ("A@SHOP.COM", Role.MANAGER),
        ("lead@agency.org", Role.MANAGER),  # highest role wins over *@agency.org
        ("intern@agency.org", Role.VIEWER),
        ("x@sub.shop.com", Role.VIEWER),  # *@shop.com is that domain, not its subdomains
        ("friend@gmail.com", Role.VIEWER),
        ("FRIEND@gmail.COM", Role.VIEWER),
    ],
)
def test_role_of_a_listed_account(email: str, role: Role) -> None:
    assert ACCESS.role_of(email) is role


@pytest.mark.parametrize(
    "email",
    [
        "a@shop.com.evil.org",  # the domain is what follows the last @
        "a@evil-shop.com",
        "a@shopXcom",
        "shop.com@evil.org",
        '"a@shop.com"@evil.org',
        "a@shop.com@evil.org",
        "a@x.sub.shop.com",  # *@sub.shop.com is exactly that domain
        "other@gmail.com",
        "friend@gmail.com.",
        "friend@gmail..com",
        "@shop.com",
        "a@",
        "a shop@shop.com",
        "",
        None,
    ],
)
def test_an_account_not_matched_gets_no_role(email: str | None) -> None:
    assert ACCESS.role_of(email) is None


@pytest.mark.parametrize(
    ("section", "words"),
    [
        ({"admins": "boss@shop.com"}, "must be a list"),
        ({"admins": [42]}, "not a string"),
        ({"managers": ["*"]}, "use an email or *@domain"),
        ({"managers": ["*shop.com"]}, "use an email or *@domain"),
        ({"managers": ["*.shop.com"]}, "use an email or *@domain"),
        ({"managers": ["a*@shop.com"]}, "use an email or *@domain"),
        ({"managers": ["*@*.shop.com"]}, "use an email or *@domain"),
        ({"managers": ["@shop.com"]}, "use an email or *@domain"),
        ({"managers": ["shop.com"]}, "use an email or *@domain"),
        ({"viewer": ["a@shop.com"]}, "unknown keys"),
    ],
)
def test_a_list_that_could_open_wider_than_meant_is_refused(section, words) -> None:
    with pytest.raises(AccessConfigError, match=words.replace("*", r"\*")):
        parse_access_list(section)


def test_no_list_lets_nobody_in() -> None:
    access = parse_access_list(None)
    assert access.empty
    assert access.role_of("boss@shop.com") is None


def test_the_email_is_taken_from_a_verified_email_claim_only() -> None:
    assert account_email({"email": "Anna@Shop.com"}) == "anna@shop.com"
    assert account_email({"email": "anna@shop.com", "email_verified": True}) == "anna@shop.com"
    assert account_email({"email": "anna@shop.com", "email_verified": False}) is None
    assert account_email({"preferred_username": "anna@shop.com"}) is None
    assert account_email({"email": "not an email"}) is None
    assert account_email({"sub": "123"}) is None


def test_what_each_role_may_do() -> None:
    viewer, manager, admin = RIGHTS[Role.VIEWER], RIGHTS[Role.MANAGER], RIGHTS[Role.ADMIN]
    assert "submit" not in viewer.pages
    assert "followup" not in viewer.pages
    assert not viewer.follow_up
    assert not viewer.contacts
    assert viewer.export
    assert not viewer.share_screens
    assert not viewer.read_log
    assert not viewer.pin_themes
    assert "access" not in viewer.pages
    assert {"submit", "comments", "followup"} <= manager.pages
    assert manager.contacts
    assert manager.follow_up
    assert manager.pin_themes
    assert not manager.share_screens
    assert "access" not in manager.pages
    assert admin.pages == frozenset(PAGES)
    assert admin.share_screens
    assert admin.read_log
    assert admin.pin_themes
    screen = RIGHTS[Role.SCREEN]
    assert screen.pages == {"wallboard"}
    assert not screen.contacts
    assert not screen.export
    assert not screen.pin_themes
    local = RIGHTS[Role.LOCAL]  # as before sign-in existed
    assert local.pages == set(PAGES) - {"access"}
    assert local.contacts
    assert local.pin_themes
    assert local.export


def test_the_example_secrets_uncommented_configure_sign_in_roles_and_screens() -> None:
    text = (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    assert "[auth]" not in tomllib.loads(text)  # copied as is: no sign-in
    uncommented = re.sub(r"^# (\[|\w+ = )", r"\1", text, flags=re.MULTILINE)
    secrets = tomllib.loads(uncommented)
    auth = secrets["auth"]
    assert auth["redirect_uri"].endswith("/oauth2callback")
    assert [name for name, value in auth.items() if isinstance(value, dict)] == [
        "google",
        "microsoft",
        "keycloak",
    ]
    for provider in ("google", "microsoft", "keycloak"):
        assert set(auth[provider]) == {"client_id", "client_secret", "server_metadata_url"}
    access = parse_access_list(secrets["access"])
    assert access.role_of("boss@example.com") is Role.ADMIN
    assert access.role_of("x@agency.example") is Role.VIEWER
    assert len(secrets["screens"]["link_key"]) >= MIN_KEY_LENGTH
