"""Sign-in and roles in a session: who is here, and what they may open and see.

``current_visitor()`` is the one place that decides, on every run, in this order:

1. no ``[auth]`` and an address other than loopback: refused, with the reason;
2. a signed screen link (``sig`` in the URL): the wallboard alone, or a refusal;
3. no ``[auth]``: local mode, as before sign-in existed;
4. a broken ``[access]`` list: refused, naming the bad entry (never opened wider);
5. not signed in: the sign-in page; signed in but on no list: "no access";
6. else the account's role from the list.

Streamlit's own OpenID Connect support signs people in (``st.login``, ``st.user``,
``st.logout``), configured in the ``[auth]`` table of secrets as Streamlit documents.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit import config

from nps_core.access.links import MIN_KEY_LENGTH, SIG, LinkRefused, verify
from nps_core.access.listen import listen_refusal
from nps_core.access.registry import JsonLinkRegistry, LinkRegistry
from nps_core.access.roles import (
    RIGHTS,
    AccessConfigError,
    AccessList,
    Rights,
    Role,
    account_email,
    parse_access_list,
)
from nps_core.data.settings import data_dir
from nps_core.present.i18n import gettext

__all__ = [
    "Visitor",
    "auth_configured",
    "current_rights",
    "current_visitor",
    "link_key",
    "link_registry",
    "providers",
    "secrets_section",
]

# What the [auth] table holds besides providers: Streamlit's shared settings.
_SHARED_AUTH_KEYS = ("redirect_uri", "cookie_secret", "expose_tokens")


@dataclass(frozen=True)
class Visitor:
    """Who this session is, and whether they get in.

    ``gate`` is None for a visitor let in (with ``role``); else the reason they are
    kept out: ``"sign_in"``, ``"no_access"`` or ``"refused"`` (with ``message``).
    """

    account: str  # an email, "screen:<link id>", "local", or "" before sign-in
    role: Role | None = None
    gate: str | None = None
    message: str = ""

    @property
    def rights(self) -> Rights:
        return RIGHTS[self.role] if self.role is not None and self.gate is None else _NOTHING


_NOTHING = Rights(pages=frozenset())


def secrets_section(name: str) -> Mapping[str, Any] | None:
    """A table of ``st.secrets`` as a plain mapping, or None (no file, no table)."""
    try:
        section = st.secrets[name]
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return None
    return section.to_dict() if hasattr(section, "to_dict") else dict(section)


def auth_configured() -> bool:
    return secrets_section("auth") is not None


def providers() -> list[str]:
    """The sign-in providers of ``[auth]``: named tables, or "default" for a flat one."""
    section = secrets_section("auth") or {}
    named = [
        name
        for name, value in section.items()
        if isinstance(value, Mapping) and name not in _SHARED_AUTH_KEYS and name != "client_kwargs"
    ]
    return named or (["default"] if "client_id" in section else [])


def link_key() -> str | None:
    """The key screen links are signed with (``[screens] link_key``); None when it is
    missing or shorter than ``MIN_KEY_LENGTH`` (then no link is made or shown)."""
    value = (secrets_section("screens") or {}).get("link_key")
    return value if isinstance(value, str) and len(value) >= MIN_KEY_LENGTH else None


@st.cache_resource
def link_registry() -> LinkRegistry:
    """In the state store when one is configured (a link revoked on one replica is refused
    by all), else a file in the data folder."""
    from nps_core.ui.data import get_settings, get_state  # ui.data imports this module

    if get_settings().state_url:
        from nps_core.access.stored import SqlLinkRegistry

        return SqlLinkRegistry(get_state().engine)
    return JsonLinkRegistry(data_dir() / "screen-links.json")


def _query_pairs() -> list[tuple[str, str]]:
    """Every query parameter, repeats included."""
    return [(name, value) for name in st.query_params for value in st.query_params.get_all(name)]


def _screen_visitor() -> Visitor:
    key = link_key()
    if key is None:
        return Visitor("", gate="refused", message=gettext("Screen links are not set up here."))
    try:
        link = verify(
            _query_pairs(),
            key,
            now=time.time(),
            is_revoked=link_registry().is_revoked,
            translate=gettext,
        )
    except LinkRefused as refused:
        return Visitor("", gate="refused", message=refused.message)
    return Visitor(f"screen:{link.link_id}", Role.SCREEN)


def _access_list() -> AccessList:
    return parse_access_list(secrets_section("access"))


def _signed_in_visitor() -> Visitor:
    try:
        access = _access_list()
    except AccessConfigError as error:
        return Visitor(
            "",
            gate="refused",
            message=gettext("The access list is not valid: {error}").format(error=error),
        )
    claims = st.user.to_dict() if st.user.get("is_logged_in") else {}
    if not claims:
        return Visitor("", gate="sign_in")
    email = account_email(claims)
    role = access.role_of(email)
    if email is None:  # no address the provider vouches for: nothing to match the list on
        named = str(claims.get("email") or claims.get("name") or claims.get("sub"))
        why = gettext("The sign-in provider gave no verified email for this account.")
        return Visitor(named, gate="no_access", message=why)
    if role is None:
        return Visitor(
            email, gate="no_access", message=gettext("It is not on this dashboard's access list.")
        )
    return Visitor(email or "", role)


def current_visitor() -> Visitor:
    """Who this session is (see the module's docstring for the order of the checks)."""
    auth = auth_configured()
    refusal = listen_refusal(config.get_option("server.address"), auth, translate=gettext)
    if refusal is not None:
        return Visitor("", gate="refused", message=refusal)
    if SIG in st.query_params:
        return _screen_visitor()
    if not auth:
        return Visitor("local", Role.LOCAL)
    return _signed_in_visitor()


def current_rights() -> Rights:
    return current_visitor().rights
