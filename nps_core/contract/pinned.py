"""A theme a manager pins: a name and the words that mark its comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["MAX_PINNED_WORDS", "PinProblem", "PinRefused", "PinnedTheme"]

MAX_PINNED_WORDS = 50
PinProblem = Literal["name", "words", "too_many"]


class PinRefused(ValueError):
    """A pinned theme refused, and why: no name, no word, or too many words. The message
    is English; the interface says it in its own language from ``reason``."""

    def __init__(self, reason: PinProblem, name: str, message: str) -> None:
        super().__init__(message)
        self.reason, self.name = reason, name


@dataclass(frozen=True, slots=True)
class PinnedTheme:
    """A theme a manager names: always tracked, matched by its words in any language.

    `words` are words or phrases ("late", "задержка", "pickup point"); the theme engine
    (`nps_core.analysis.themes`) matches them by Snowball stem, every word of a phrase
    required. The name is shown as the theme's label. Blank words are dropped and
    repeats kept once; a name and at least one word with a letter are required.
    """

    name: str
    words: tuple[str, ...]

    def __post_init__(self) -> None:
        name = " ".join(str(self.name).split())
        if not name:
            raise PinRefused("name", name, "a pinned theme needs a name")
        cleaned = (" ".join(str(w).split()) for w in self.words)
        words = tuple(dict.fromkeys(w for w in cleaned if any(c.isalpha() for c in w)))
        if not words:
            raise PinRefused("words", name, f"pinned theme {name!r} needs at least one word")
        if len(words) > MAX_PINNED_WORDS:
            message = f"pinned theme {name!r} has more than {MAX_PINNED_WORDS} words"
            raise PinRefused("too_many", name, message)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "words", words)
