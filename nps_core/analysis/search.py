"""Finding comments: the search box's query language, and a term's comments.

Both match the normalised text of ``nps_core.analysis.tokens``, so a search is case-,
accent- and ё/е-insensitive, and a term finds exactly the comments it was counted in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nps_core.analysis.tokens import (
    STOP_WORDS,
    ngrams,
    normalize,
    normalize_series,
    object_values,
    runs,
    tokenize,
)

__all__ = ["Query", "parse_query", "search_mask", "terms_mask"]


# Straight, curly, low-9 and guillemet quotes all delimit phrases («доставка курьером»).
_QUOTES = re.compile('["“”„«»]')


@dataclass(frozen=True)
class Query:
    """A parsed search: every word and every phrase must occur (logical AND).

    Words and phrases are normalised; a phrase's whitespace is collapsed to one space.
    """

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        """Every needle the text must contain."""
        return self.words + self.phrases

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.phrases


def parse_query(q: str) -> Query:
    """Parse a search box entry.

    Several words mean all of them; a "quoted phrase" means those words consecutively. An
    unclosed quote runs to the end of the query (so results refine as a phrase is typed);
    empty quotes are ignored; a blank query is empty and matches everything. Words match
    as substrings of the normalised comment ("deliver" finds "delivery").
    """
    words: list[str] = []
    phrases: list[str] = []
    # re.split alternates outside/inside quotes; an odd count leaves the tail "inside".
    for i, part in enumerate(_QUOTES.split(normalize(q))):
        pieces = part.split()
        if i % 2 == 0 or len(pieces) == 1:
            words.extend(pieces)
        elif pieces:
            phrases.append(" ".join(pieces))
    return Query(
        words=tuple(dict.fromkeys(words)),
        phrases=tuple(p for p in dict.fromkeys(phrases) if p not in words),
    )


def search_mask(comments: pd.Series, query: str | Query, *, normalized: bool = False) -> np.ndarray:
    """Boolean mask of the comments matching `query` (a string or a parsed `Query`).

    Case-, accent- and ё/е-insensitive substring matching of every word and phrase. Pass
    `normalized=True` when `comments` is already the output of `normalize_series` (the
    fast path: a few vectorised substring scans). An empty query matches every row,
    missing comments included; otherwise missing comments never match.
    """
    parsed = parse_query(query) if isinstance(query, str) else query
    if parsed.is_empty:
        return np.ones(len(comments), dtype=bool)
    text = comments if normalized else normalize_series(comments)
    if not isinstance(text.dtype, pd.StringDtype):
        text = text.astype("string")
    mask = np.ones(len(text), dtype=bool)
    # Longest first: the rarest needle usually prunes the most rows for later scans.
    for term in sorted(parsed.terms, key=len, reverse=True):
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            break
        sub = text.iloc[idx] if idx.size < len(text) else text
        hits = sub.str.contains(term, regex=False).fillna(False).to_numpy(dtype=bool)
        mask[idx[~hits]] = False
    return mask


def terms_mask(comments: pd.Series, term: str, *, normalized: bool = False) -> np.ndarray:
    """Boolean mask of the comments whose terms include `term` (a word or phrase).

    Token-level and consistent with `extract_terms`: "delivery" finds comments whose
    tokens include "delivery" (not "deliveryman"), and "not working" finds the two-word
    phrase as `distinctive_terms` counted it. A blank term matches every row; a term with
    no tokens (only punctuation, say) matches none. `normalized` as for `search_mask`.
    """
    tokens = tokenize(term, stop_words=False)
    if not tokens:
        return np.full(len(comments), not normalize(term), dtype=bool)
    text = comments if normalized else normalize_series(comments)
    # Every token is a substring of a normalised comment that has it, so the fast
    # substring scan is an exact pre-filter; only its hits are tokenised.
    mask = search_mask(text, Query(words=tuple(dict.fromkeys(tokens))), normalized=True)
    target, n = " ".join(tokens), len(tokens)
    values = object_values(text)
    for i in np.flatnonzero(mask):
        mask[i] = target in ngrams(runs(values[i], STOP_WORDS), n, n)
    return mask
