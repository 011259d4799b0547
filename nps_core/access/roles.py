"""Roles: who an account is, from the access list in secrets, and what each role may do.

The access list is the ``[access]`` table of ``.streamlit/secrets.toml``::

    [access]
    admins = ["boss@shop.com"]
    managers = ["*@shop.com"]
    viewers = ["*@agency.example", "someone@gmail.com"]

An entry is an exact email or ``*@domain`` (that domain exactly, not its subdomains),
compared without regard to case. An account listed under several roles gets the
highest. Two roles have no account: ``screen`` (a signed wall-screen link) and
``local`` (no sign-in configured: one person on their own machine, as before sign-in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "LIST_KEYS",
    "PAGES",
    "RIGHTS",
    "AccessConfigError",
    "AccessList",
    "Rights",
    "Role",
    "account_email",
    "parse_access_list",
]


class Role(StrEnum):
    VIEWER = "viewer"
    MANAGER = "manager"
    ADMIN = "admin"
    SCREEN = "screen"  # a signed wall-screen link: no account
    LOCAL = "local"  # no sign-in configured


# Roles granted by the access list, lowest first; the key of each in ``[access]``.
LIST_KEYS: dict[Role, str] = {
    Role.VIEWER: "viewers",
    Role.MANAGER: "managers",
    Role.ADMIN: "admins",
}
# Every page of the dashboard, by the name navigation and the access log use.
PAGES: tuple[str, ...] = (
    "overview",
    "segments",
    "comments",
    "submit",
    "followup",
    "wallboard",
    "access",
)


@dataclass(frozen=True)
class Rights:
    """What a role may do."""

    pages: frozenset[str]
    contacts: bool = False  # see customers' email, phone and client id
    export: bool = False  # download the Comments CSV (with contacts only if ``contacts``)
    share_screens: bool = False  # create and revoke signed wall-screen links
    read_log: bool = False  # read the access log
    follow_up: bool = False  # follow customers up (the Follow-up page)
    pin_themes: bool = False  # pin and unpin the shop's tracked comment themes


_BROWSE = frozenset({"overview", "segments", "comments", "wallboard"})
# Those who see contacts enter reviews and call customers back.
_MANAGE = Rights(
    pages=_BROWSE | {"submit", "followup"},
    contacts=True,
    export=True,
    follow_up=True,
    pin_themes=True,
)
RIGHTS: dict[Role, Rights] = {
    Role.VIEWER: Rights(pages=_BROWSE, export=True),
    Role.MANAGER: _MANAGE,
    Role.ADMIN: Rights(
        pages=frozenset(PAGES),
        contacts=True,
        export=True,
        share_screens=True,
        read_log=True,
        follow_up=True,
        pin_themes=True,
    ),
    Role.SCREEN: Rights(pages=frozenset({"wallboard"})),
    # As before sign-in existed: every page, contacts and export, nothing to administer.
    Role.LOCAL: _MANAGE,
}


class AccessConfigError(ValueError):
    """The access list in secrets cannot be read; the message says which entry and why."""


def _normalized(text: str) -> str:
    return text.strip().lower()


def _split_email(text: str) -> tuple[str, str] | None:
    """(local part, domain) of a plausible address, else None. The domain follows the
    last "@", as mail servers read it: ``"a@shop.com"@evil.org`` is at evil.org."""
    local, at, domain = _normalized(text).rpartition("@")
    if not at or not local or not domain or any(ch.isspace() for ch in text.strip()):
        return None
    if "." not in domain or domain.startswith(".") or domain.endswith(".") or ".." in domain:
        return None
    return local, domain


@dataclass(frozen=True)
class AccessList:
    """Emails and ``*@domain`` entries for each role of the list."""

    emails: Mapping[Role, frozenset[str]]
    domains: Mapping[Role, frozenset[str]]

    def role_of(self, email: str | None) -> Role | None:
        """The highest role whose entries match ``email``; None when none does."""
        parts = _split_email(email or "")
        if parts is None:
            return None
        address, domain = f"{parts[0]}@{parts[1]}", parts[1]
        for role in reversed(LIST_KEYS):
            if address in self.emails.get(role, ()) or domain in self.domains.get(role, ()):
                return role
        return None

    @property
    def empty(self) -> bool:
        return not any(self.emails.values()) and not any(self.domains.values())


def _entries(role: Role, value: Any) -> Iterable[str]:
    key = f"[access] {LIST_KEYS[role]}"
    if isinstance(value, str):
        raise AccessConfigError(f'{key} must be a list of strings, e.g. ["*@shop.com"]')
    if not isinstance(value, Iterable):
        raise AccessConfigError(f"{key} must be a list of emails or *@domain entries")
    for entry in value:
        if not isinstance(entry, str):
            raise AccessConfigError(f"{key} holds {entry!r}, which is not a string")
        yield entry


def parse_access_list(section: Mapping[str, Any] | None) -> AccessList:
    """The ``[access]`` table read into an ``AccessList``; raises ``AccessConfigError``
    on anything but an exact email or ``*@domain`` (no other wildcard is accepted, so a
    typo never opens the dashboard wider than meant)."""
    section = section or {}
    unknown = sorted(set(section) - set(LIST_KEYS.values()))
    if unknown:
        allowed = ", ".join(LIST_KEYS.values())
        raise AccessConfigError(f"[access] has unknown keys {unknown}; use {allowed}")
    emails: dict[Role, frozenset[str]] = {}
    domains: dict[Role, frozenset[str]] = {}
    for role, key in LIST_KEYS.items():
        exact: set[str] = set()
        whole: set[str] = set()
        for entry in _entries(role, section.get(key, ())):
            parts = _split_email(entry)
            if parts is None or "*" in parts[1] or ("*" in parts[0] and parts[0] != "*"):
                raise AccessConfigError(f"[access] {key} holds {entry!r}: use an email or *@domain")
            if parts[0] == "*":
                whole.add(parts[1])
            else:
                exact.add(f"{parts[0]}@{parts[1]}")
        emails[role], domains[role] = frozenset(exact), frozenset(whole)
    return AccessList(emails=emails, domains=domains)


def account_email(claims: Mapping[str, Any]) -> str | None:
    """The account's email from its identity token's claims, or None.

    Only ``email`` counts (Microsoft Entra sends it once the ``email`` optional claim
    is on; its ``preferred_username`` is not an address anyone checked). An email the
    provider marks unverified (``email_verified`` false) is not taken either: anyone
    could have typed it.
    """
    value = claims.get("email")
    if claims.get("email_verified") is False or not isinstance(value, str):
        return None
    return _normalized(value) if _split_email(value) is not None else None
