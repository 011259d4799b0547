"""Delivery through Apprise: one destination per ``--notify`` URL.

Apprise speaks Slack, Telegram, Microsoft Teams, e-mail (``mailto://``, ``mailtos://``),
generic webhooks (``json://``, ``jsons://``) and a hundred more, so no service is
hand-written here. A destination is known to the ledger by a hash of its URL
(``target``): URLs carry tokens and passwords, which the store never holds.

E-mail gets a message's HTML with its images inline (RFC 2387, ``cid:`` references);
every other service gets its plain text. Webhook requests carry an ``Idempotency-Key``
header (the ledger row's event key), so a receiver can drop the one message a crash
may make the worker send twice.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import apprise
from apprise.attachment.memory import AttachMemory
from apprise.plugins.email import NotifyEmail

from nps_core.present.message import Message

__all__ = ["REPEAT_NOTE", "Destination", "DestinationError", "destinations"]

REPEAT_NOTE = "(Sent again after an interruption: it may have arrived already.)"


class DestinationError(ValueError):
    """A ``--notify`` URL that Apprise does not understand."""


def _target(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Destination:
    url: str
    target: str
    service: str  # the plugin's name, for logs (never the URL: it holds tokens)

    def _plugin(self, key: str) -> Any:
        plugin: Any = apprise.Apprise.instantiate(self.url)
        if isinstance(plugin, NotifyEmail):
            plugin.inline = True  # images shown in the HTML, not as attachments
        if isinstance(getattr(plugin, "headers", None), dict):
            plugin.headers["Idempotency-Key"] = key
        return plugin

    def send(self, message: Message, key: str, *, repeat: bool = False) -> str | None:
        """Deliver ``message``; None when delivered, else what went wrong."""
        plugin = self._plugin(key)
        message = message.with_note(REPEAT_NOTE) if repeat else message
        body, body_format, attach = message.text, apprise.NotifyFormat.TEXT, None
        if isinstance(plugin, NotifyEmail) and message.html:
            body, body_format = message.html, apprise.NotifyFormat.HTML
            attach = apprise.AppriseAttachment()
            for item in message.attachments:
                attach.add(
                    AttachMemory(content=item.content, name=item.name, mimetype=item.mimetype)
                )
        sender = apprise.Apprise()
        sender.add(plugin)
        with apprise.LogCapture(level=logging.WARNING) as captured:
            sent = sender.notify(
                title=message.title, body=body, body_format=body_format, attach=attach
            )
        if sent:
            return None
        return captured.getvalue().strip() or f"{self.service} refused the message"


def destinations(urls: list[str]) -> list[Destination]:
    """The destinations of ``urls``, in order, each once; DestinationError names a bad one
    by its position (the URL itself may hold a secret)."""
    found: dict[str, Destination] = {}
    for number, url in enumerate(urls, start=1):
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            raise DestinationError(
                f"--notify URL number {number} is not an Apprise URL Apprise can use "
                "(see https://appriseit.com/services/ for the formats)"
            )
        found.setdefault(url, Destination(url, _target(url), type(plugin).__name__))
    return list(found.values())
