"""A message of the alerts worker: a title, plain text, and for e-mail HTML with images.

The worker stores a message in the ledger as ``Message.payload()`` (JSON) and delivers
exactly that, so a retry sends what was decided, not a fresh reading of the data.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

__all__ = ["Attachment", "Message"]


@dataclass(frozen=True)
class Attachment:
    name: str
    mimetype: str
    content: bytes


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    html: str | None = None  # for e-mail; chat services get ``text``
    attachments: tuple[Attachment, ...] = field(default=())

    def payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["attachments"] = [
            {"name": a.name, "mimetype": a.mimetype, "base64": base64.b64encode(a.content).decode()}
            for a in self.attachments
        ]
        return data

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Message:
        attachments = tuple(
            Attachment(a["name"], a["mimetype"], base64.b64decode(a["base64"]))
            for a in data.get("attachments", ())
        )
        return cls(data["title"], data["text"], data.get("html"), attachments)

    def with_note(self, note: str) -> Message:
        """The message with ``note`` after its text and at the top of its HTML."""
        marked = None
        if self.html is not None:
            top = f"<p><em>{html.escape(note)}</em></p>"
            marked, found = re.subn(
                r"(<body[^>]*>)", lambda m: m.group(1) + top, self.html, count=1
            )
            marked = marked if found else top + self.html
        return replace(self, text=f"{self.text}\n\n{note}", html=marked)
