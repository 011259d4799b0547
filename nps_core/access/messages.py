"""Messages of this layer that people read, and how they are said in their language.

The layer sits below ``nps_core.present`` (where the catalogue lives), so its messages
are only marked here (``N_``, for ``make messages``); a function that words one takes a
``translate`` (the caller's gettext), English by default.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["N_", "Translate", "english"]

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a message for the interface's catalogue."""
    return message


def english(message: str) -> str:
    """The message as written: the message ids are English."""
    return message
