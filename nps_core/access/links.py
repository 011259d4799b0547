"""Signed wall-screen links: an HMAC-SHA256 over the link's parameters and its expiry.

A wall screen cannot sign in, so an admin gives it a link that carries its own proof:
``/wallboard?period=7d&kiosk=1&expires=1767225600&link=Ab3…&sig=…``. The signature
covers every parameter but ``sig`` itself, in a canonical form (decoded, sorted by
name, each name and value percent-encoded the same way), so a link re-encoded by a
browser or a chat program still verifies while any changed, added or removed parameter
does not. A parameter given twice is refused outright: which copy a reader takes
would otherwise decide what is shown. The key lives in secrets (``[screens]
link_key``); a new key revokes every link made with the old one. ``link`` names the
link, so one link can be revoked alone (``nps_core.access.registry``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from nps_core.access.messages import N_, Translate, english

__all__ = [
    "EXPIRES",
    "LINK_ID",
    "LINK_PARAMS",
    "MIN_KEY_LENGTH",
    "SIG",
    "LinkRefused",
    "ScreenLink",
    "canonical",
    "new_link_id",
    "sign",
    "signature",
    "verify",
]

SIG, EXPIRES, LINK_ID = "sig", "expires", "link"
LINK_PARAMS: tuple[str, ...] = (EXPIRES, LINK_ID, SIG)
# 32 characters of a random key: well past guessing; shorter keys are refused.
MIN_KEY_LENGTH = 32
# Names what is signed, so a MAC made by this key for anything else never verifies here.
_CONTEXT = b"nps-dashboard/screen-link/v1\n"
_LINK_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{43}")


class LinkRefused(Exception):
    """A screen link that shows nothing; ``message`` says why, plainly."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # "malformed", "invalid", "expired" or "revoked"
        self.message = message


@dataclass(frozen=True)
class ScreenLink:
    """A link whose signature, expiry and revocation were checked."""

    link_id: str
    expires: int  # seconds since the epoch
    params: dict[str, str]  # the board's own parameters (all but expires, link, sig)


def new_link_id() -> str:
    return secrets.token_urlsafe(12)


def canonical(pairs: Iterable[tuple[str, str]]) -> bytes:
    """The bytes signed for a link's (decoded) parameters; ``sig`` is left out.

    Raises ``ValueError`` when a parameter name repeats.
    """
    items = [(name, value) for name, value in pairs if name != SIG]
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        raise ValueError("a parameter is given more than once")
    body = "&".join(f"{quote(n, safe='')}={quote(v, safe='')}" for n, v in sorted(items))
    return _CONTEXT + body.encode("utf-8")


def signature(pairs: Iterable[tuple[str, str]], key: str) -> str:
    """HMAC-SHA256 of ``canonical(pairs)`` under ``key``, URL-safe base64 unpadded."""
    mac = hmac.new(key.encode("utf-8"), canonical(pairs), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def sign(params: Mapping[str, str], key: str, *, link_id: str, expires: int) -> dict[str, str]:
    """The query of a signed link: ``params`` plus its expiry, id and signature."""
    if set(params) & set(LINK_PARAMS):
        raise ValueError(f"a board's parameters cannot be named {', '.join(LINK_PARAMS)}")
    query = {**params, EXPIRES: str(int(expires)), LINK_ID: link_id}
    return {**query, SIG: signature(query.items(), key)}


def _when(expires: int) -> str:
    return datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%d %H:%M UTC")


_REFUSALS = {
    "malformed": N_("This screen link is incomplete. Ask the dashboard's admin for a new one."),
    "invalid": N_(
        "This screen link is not valid: it was changed, or not made by this "
        "dashboard. Ask the dashboard's admin for a new one."
    ),
    "revoked": N_("This screen link was revoked. Ask the dashboard's admin for a new one."),
    "expired": N_("This screen link expired on {when}. Ask the dashboard's admin for a new one."),
}


def _refuse(reason: str, translate: Translate, **values: str) -> LinkRefused:
    return LinkRefused(reason, translate(_REFUSALS[reason]).format(**values))


def verify(
    pairs: Iterable[tuple[str, str]],
    key: str,
    *,
    now: float,
    is_revoked: Callable[[str], bool],
    translate: Translate = english,
) -> ScreenLink:
    """The link in ``pairs`` (every query parameter, repeats included), checked in
    order: complete, signed by ``key`` (compared in constant time), not expired, not
    revoked. Raises ``LinkRefused`` at the first that fails, its message said by
    ``translate`` (a gettext; English by default)."""
    items = list(pairs)
    given: dict[str, list[str]] = {}
    for name, value in items:
        given.setdefault(name, []).append(value)
    if any(len(values) != 1 for values in given.values()):
        raise _refuse("invalid", translate)
    found = {name: values[0] for name, values in given.items()}
    sig, expires, link_id = (found.get(name, "") for name in (SIG, EXPIRES, LINK_ID))
    if not (_SIGNATURE.fullmatch(sig) and expires.isdigit() and _LINK_ID.fullmatch(link_id)):
        raise _refuse("malformed", translate)
    if not hmac.compare_digest(signature(items, key).encode(), sig.encode()):
        raise _refuse("invalid", translate)
    if int(expires) <= now:
        raise _refuse("expired", translate, when=_when(int(expires)))
    if is_revoked(link_id):
        raise _refuse("revoked", translate)
    params = {name: value for name, value in found.items() if name not in LINK_PARAMS}
    return ScreenLink(link_id=link_id, expires=int(expires), params=params)
