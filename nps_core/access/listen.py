"""Whether the dashboard may listen on an address: anywhere with sign-in, else loopback.

Without ``[auth]`` anyone who reaches the dashboard sees every review and every
customer's contact, which is fine for one person on their own machine and nowhere else.
An unset address is Streamlit's default of every interface, so it counts as "other".
"""

from __future__ import annotations

import ipaddress

from nps_core.access.messages import N_, Translate, english

__all__ = ["LOOPBACK", "is_loopback", "listen_refusal"]

LOOPBACK = "127.0.0.1"


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    host = address.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen_refusal(
    address: str | None, auth_configured: bool, translate: Translate = english
) -> str | None:
    """Why the dashboard must not listen on ``address``, or None when it may; said by
    ``translate`` (a gettext; English by default)."""
    if auth_configured or is_loopback(address):
        return None
    where = (
        translate(N_("on {address}")).format(address=address)
        if address
        else translate(N_("on every network interface"))
    )
    return translate(
        N_(
            "Refusing to listen {where} without sign-in. With no [auth] section in "
            ".streamlit/secrets.toml anyone who can reach the dashboard would see every "
            "review and every customer's contact. Listen on 127.0.0.1 (make run does), or "
            "configure sign-in (README: Sign-in, roles and screen links)."
        )
    ).format(where=where)
