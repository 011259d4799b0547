"""The interface's language: gettext catalogues (compiled by Babel) and the current locale.

The message ids are the English texts, so English needs no catalogue. Other languages
have one under ``nps_core/locale/<lang>/LC_MESSAGES/messages.po`` (``make messages``
extracts the ids; ``make`` compiles the ``.mo`` that is loaded here).

The current language is a context variable, not a Streamlit setting, so everything in
``present/`` stays pure: a test says ``with use_language("ru"): ...``, and the ui layer
calls ``set_language`` once per script run (each run has its own thread) from the link,
the settings or the sidebar switch. ``gettext`` and friends translate into it, and
``nps_core.present.formatting`` writes numbers and dates in its locale.
"""

from __future__ import annotations

import gettext as _gettext
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

from babel import Locale
from babel.support import Translations

__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "PARAM",
    "Computed",
    "LazyText",
    "Texts",
    "current_language",
    "current_locale",
    "gettext",
    "ngettext",
    "npgettext",
    "parse_language",
    "pgettext",
    "set_language",
    "set_language_source",
    "translations",
    "use_language",
]

# Each language by its code, named in itself (as a language switch shows it).
LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
PARAM = "lang"  # the link's parameter
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"

_log = logging.getLogger(__name__)
_current: ContextVar[str | None] = ContextVar("nps_language", default=None)
# Where the language is read when no one set it in this context (``set_language_source``).
_source: list[Callable[[], str | None]] = []
_K = TypeVar("_K")


def parse_language(text: object) -> str | None:
    """A known language code from a link or a setting ("RU", " ru "), else None."""
    code = str(text or "").strip().lower()
    return code if code in LANGUAGES else None


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language``; English (the ids) has none."""
    if language == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    loaded = Translations.load(str(LOCALE_DIR), [language], DOMAIN)
    if not isinstance(loaded, Translations):  # Babel gives NullTranslations when missing
        _log.warning("no compiled catalogue for %r under %s: run `make`", language, LOCALE_DIR)
    return loaded


def current_language() -> str:
    """The language set in this context, else the source's (the ui's: the session's),
    else English."""
    language = _current.get()
    if language is None and _source:
        language = parse_language(_source[0]())
    return language or DEFAULT_LANGUAGE


def set_language_source(source: Callable[[], str | None]) -> None:
    """Where to read the language when it was not set in the running context: a
    Streamlit fragment's rerun, say, runs without the page that set it."""
    _source[:] = [source]


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def current_locale() -> Locale:
    """Babel's locale of the current language, for numbers and dates."""
    return _locale(current_language())


def set_language(language: str) -> None:
    """Make ``language`` current for the rest of this thread's work (a script run)."""
    _current.set(parse_language(language) or DEFAULT_LANGUAGE)


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """``language`` is current inside the block (tests, a fragment's rerun)."""
    token = _current.set(parse_language(language) or DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def _catalogue() -> _gettext.NullTranslations:
    return translations(current_language())


def gettext(message: str) -> str:
    return _catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` (Russian has three: 1 отзыв, 2 отзыва, 5 отзывов)."""
    return _catalogue().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in a ``context``: one English word with two meanings, or a pattern."""
    return _catalogue().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _catalogue().npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Marks a text for extraction where it is defined; it is translated where shown."""
    return message


class LazyText(str):
    """A message id that reads in the current language once turned into text (``str()``).

    For a text fixed when a module loads that Streamlit reads later, at each call: a
    cached function's ``show_spinner``.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return gettext(str.__str__(self))


class Computed(Mapping[_K, str], Generic[_K]):
    """Codes and a text made for each on every look-up, in the current language."""

    def __init__(self, keys: Iterable[_K], make: Callable[[_K], str]) -> None:
        self._keys = tuple(keys)
        self._make = make

    def __getitem__(self, key: _K) -> str:
        if key not in self._keys:
            raise KeyError(key)
        return self._make(key)

    def __iter__(self) -> Iterator[_K]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class Texts(Mapping[_K, str], Generic[_K]):
    """Codes and their texts, translated into the current language on every look-up.

    For the tables of names (periods, groups, panels): define them once with ``N_``,
    and ``TEXTS[code]`` reads in the language of the run that asks.
    """

    def __init__(self, texts: Mapping[_K, str]) -> None:
        self._texts = dict(texts)

    def __getitem__(self, key: _K) -> str:
        return gettext(self._texts[key])

    def __iter__(self) -> Iterator[_K]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __repr__(self) -> str:
        return f"Texts({self._texts!r})"
