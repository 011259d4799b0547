"""Comment text as theme features: language, stop words, Snowball stems, a term matrix.

The theme engine (`nps_core.analysis.themes`) sees a comment as the set of its word
stems and two-word stem phrases. Words are folded by `text.normalize` (case, accents,
ё → е), stop words come from maintained lists (scikit-learn's English list and the
`stop-words` package's English and Russian lists) and are removed *before* two-word
phrases are formed, so "delivery was late" gives "delivery late". Stems come from the
Snowball stemmers (PyStemmer): Russian for Cyrillic words, English for the rest, so
"delivery"/"deliveries" and "доставка"/"доставки" are one feature each.

Every stem keeps its most frequent surface form, which is what labels show.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
import Stemmer
import stop_words
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from nps_core.analysis.tokens import normalize

__all__ = [
    "LANGUAGES",
    "TermMatrix",
    "language_of",
    "phrase_matches",
    "stem_phrase",
    "stop_words_for_themes",
    "term_matrix",
]

# The two stemmed languages; comments in any other script fall into "en", where words
# that are not Latin pass through the English stemmer unchanged.
LANGUAGES: tuple[str, ...] = ("en", "ru")

# Words: a letter first (numbers say nothing about a theme), at least two characters,
# letters or digits optionally joined by internal apostrophes or hyphens ("don't",
# "wi-fi", "кто-то"). RE2 syntax: Arrow matches every comment's words in one call.
_WORD = r"^\pL[\pL\pN]*(?:['\-][\pL\pN]+)*$"
# Punctuation, emoji and symbols end a run of words: no two-word phrase spans them
# ("arrived on time, but the packaging" has no "time packaging").
_BREAK = r"[^\pL\pN\s'\-]+"
_BREAK_MARK = "|"
_CYRILLIC = re.compile("[а-яё]")


@cache
def stop_words_for_themes() -> frozenset[str]:
    """Maintained English and Russian stop-word lists, normalised like comments.

    The `stop-words` English list is long (about 1,300 words: "way", "work", "use",
    "got", "took"...) and that is what themes need: such words appear in comments on
    every subject and would otherwise pull unrelated comments together.
    """
    words: set[str] = set(ENGLISH_STOP_WORDS)
    for language in ("en", "ru"):
        words.update(stop_words.get_stop_words(language))
    return frozenset(normalize(w) for w in words)


@dataclass(frozen=True, eq=False)
class _Tokens:
    """Every word of every text in order: `doc[i]` is the text of `word[i]`;
    `ends_run[i]` marks the last word before a break or the end of its text."""

    doc: np.ndarray
    word: pa.Array
    ends_run: np.ndarray


def _tokens(texts: Sequence[str], stop: frozenset[str] = frozenset()) -> _Tokens:
    """Words of normalised texts, stop words left out *before* runs are cut.

    Vectorised with Arrow: breaks are marked, texts split at spaces, the pieces
    trimmed of outer apostrophes and hyphens and kept when they are words.
    """
    marked = pc.replace_substring_regex(
        pa.array(texts, type=pa.large_string()), _BREAK, f" {_BREAK_MARK} "
    )
    pieces = pc.split_pattern(marked, " ")
    flat = pc.utf8_trim(pc.list_flatten(pieces), "'-")
    doc = np.asarray(pc.list_parent_indices(pieces))
    is_break = np.asarray(pc.equal(flat, _BREAK_MARK))
    word = np.asarray(pc.match_substring_regex(flat, _WORD))
    if stop:
        word &= ~np.asarray(pc.is_in(flat, value_set=pa.array(sorted(stop))))
    keep = np.flatnonzero(word | is_break)
    doc, is_break = doc[keep], is_break[keep]
    # A word ends a run when the next kept piece is a break or in another text.
    nxt = np.append(is_break[1:], True) | np.append(doc[1:] != doc[:-1], True)
    words = np.flatnonzero(~is_break)
    return _Tokens(doc=doc[words], word=flat.take(keep[words]), ends_run=nxt[words])


def _terms(tokens: _Tokens) -> tuple[np.ndarray, pa.Array]:
    """(document, term) of every word and every two-word phrase within a run."""
    pairs = np.flatnonzero(~tokens.ends_run)
    phrases = pc.binary_join_element_wise(
        tokens.word.take(pairs), tokens.word.take(pairs + 1), pa.scalar(" ", pa.large_string())
    )
    return (
        np.concatenate([tokens.doc, tokens.doc[pairs]]),
        pa.concat_arrays([tokens.word, phrases]),
    )


def _doc_term_matrix(
    docs: np.ndarray, terms: pa.Array, n_docs: int
) -> tuple[sp.csr_matrix, list[str]]:
    """Binary documents × distinct terms, and the terms."""
    encoded = pc.dictionary_encode(terms)
    codes = np.asarray(encoded.indices)
    vocabulary = encoded.dictionary.to_pylist()
    matrix = sp.csr_matrix(
        (np.ones(len(codes), np.float32), (docs, codes)), shape=(n_docs, len(vocabulary))
    )
    matrix.data[:] = 1.0  # duplicates were summed
    return matrix, vocabulary


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer({"en": "english", "ru": "russian"}[language])


def _stem_words(words: Sequence[str]) -> list[str]:
    """Snowball stems of normalised words, each by its own script."""
    russian = [i for i, w in enumerate(words) if _CYRILLIC.search(w)]
    out = list(_stemmer("en").stemWords(list(words)))
    if russian:
        stems = _stemmer("ru").stemWords([words[i] for i in russian])
        for i, s in zip(russian, stems, strict=True):
            out[i] = s
    return out


def stem_phrase(phrase: str) -> str:
    """The feature key of a word or phrase: its normalised words' stems, space-joined."""
    words = _tokens([normalize(phrase)]).word.to_pylist()
    return " ".join(_stem_words(words))


def language_of(texts: Sequence[str]) -> np.ndarray:
    """ "ru" where a normalised text has more Cyrillic than Latin letters, else "en".

    Counted on the UTF-8 bytes of all texts at once: a lower-case Russian letter is two
    bytes led by 0xD0 or 0xD1, a Latin one is a byte in a..z.
    """
    if not texts:
        return np.array([], dtype="<U2")
    encoded = [t.encode() for t in texts]
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    # reduceat over empty texts would read the next text's first byte: pad with a zero.
    data = np.append(data, np.uint8(0))
    cyrillic = np.add.reduceat(((data == 0xD0) | (data == 0xD1)).astype(np.int64), starts)
    latin = np.add.reduceat(((data >= 0x61) & (data <= 0x7A)).astype(np.int64), starts)
    empty = lengths == 0
    return np.where((cyrillic > latin) & ~empty, "ru", "en")


@dataclass(frozen=True, eq=False)
class TermMatrix:
    """Binary documents × features matrix of stems and stem phrases.

    `matrix[d, j]` is 1 when document d has feature j; `weights[d]` is how many comments
    document d stands for (identical comments are one document). `terms[j]` is the
    feature key (stems), `surface[j]` its most frequent written form, `idf[j]` its
    smoothed inverse document frequency over the weighted documents.
    """

    matrix: sp.csr_matrix
    weights: np.ndarray
    terms: np.ndarray
    surface: np.ndarray
    idf: np.ndarray

    @property
    def tfidf(self) -> sp.csr_matrix:
        """Rows of `matrix` weighted by idf and scaled to unit length (cosine geometry)."""
        weighted = sp.csr_matrix(self.matrix.multiply(self.idf[None, :]))
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted)

    def without(self, drop: np.ndarray) -> TermMatrix:
        """The same documents with the features where `drop` is True removed."""
        keep = np.flatnonzero(~drop)
        return TermMatrix(
            matrix=sp.csr_matrix(self.matrix[:, keep]),
            weights=self.weights,
            terms=self.terms[keep],
            surface=self.surface[keep],
            idf=self.idf[keep],
        )


def _stem_keys(vocabulary: list[str]) -> list[str]:
    words = sorted({w for term in vocabulary for w in term.split()})
    stems = dict(zip(words, _stem_words(words), strict=True))
    return [" ".join(stems[w] for w in term.split()) for term in vocabulary]


def term_matrix(
    texts: Sequence[str], weights: np.ndarray, *, min_df: int = 2, max_df: float = 0.5
) -> TermMatrix:
    """Stem features of `texts` (distinct comments, already `normalize`d; `weights` =
    how often each occurs).

    A feature is kept when at least `min_df` comments and at most a `max_df` share of
    them have it: rarer ones (typos, one-off words) cannot form a theme, commoner ones
    ("order", "заказ") say nothing about one.
    """
    weights = np.asarray(weights, dtype=np.float64)
    docs, terms = _terms(_tokens(texts, stop_words_for_themes()))
    if len(terms) == 0:
        return _empty_matrix(len(weights), weights)
    counts, vocabulary = _doc_term_matrix(docs, terms, len(texts))
    # How often each written form occurs, identical comments counted each time.
    frequency = np.asarray(counts.T @ weights).ravel()
    codes, keys = pd.factorize(pd.Series(_stem_keys(vocabulary)))
    # Sum the written forms of each stem key (a 0/1 mapping matrix), then binarise.
    mapping = sp.csr_matrix(
        (np.ones(len(codes), np.float32), (np.arange(len(codes)), codes)),
        shape=(len(codes), len(keys)),
    )
    stems = sp.csr_matrix(counts @ mapping)
    stems.data[:] = 1.0
    df = np.asarray(stems.T @ weights).ravel()
    total = float(weights.sum())
    keep = np.flatnonzero((df >= min_df) & (df <= max_df * total))
    # Most frequent written form per key: sort forms by frequency, first per key wins.
    order = np.argsort(-frequency, kind="stable")
    first = pd.Series(order).groupby(codes[order], sort=True).first()
    surface = np.array(vocabulary, dtype=object)[first.to_numpy()]
    return TermMatrix(
        matrix=sp.csr_matrix(stems[:, keep]),
        weights=weights,
        terms=np.asarray(keys, dtype=object)[keep],
        surface=surface[keep],
        idf=np.log((1.0 + total) / (1.0 + df[keep])) + 1.0,
    )


def _empty_matrix(n: int, weights: np.ndarray) -> TermMatrix:
    return TermMatrix(
        matrix=sp.csr_matrix((n, 0), dtype=np.float32),
        weights=weights,
        terms=np.array([], dtype=object),
        surface=np.array([], dtype=object),
        idf=np.array([], dtype=np.float64),
    )


def phrase_matches(texts: Sequence[str], phrases: Sequence[str]) -> sp.csr_matrix:
    """Documents × phrases: 1 where a (normalised) text has every word of the phrase.

    Words match by stem and regardless of stop words ("delay" finds "delayed",
    "задержка" finds "задержки"); a phrase of several words needs all of them, in any
    order. Phrases without a word match nothing.
    """
    keys = [stem_phrase(p).split() for p in phrases]
    if not texts or not any(keys):
        return sp.csr_matrix((len(texts), len(phrases)), dtype=np.float32)
    tokens = _tokens(texts)
    if len(tokens.word) == 0:
        return sp.csr_matrix((len(texts), len(phrases)), dtype=np.float32)
    counts, vocabulary = _doc_term_matrix(tokens.doc, tokens.word, len(texts))
    counts = sp.csc_matrix(counts)
    columns: dict[str, list[int]] = {}
    for j, stem in enumerate(_stem_words(vocabulary)):
        columns.setdefault(stem, []).append(j)
    out = []
    for words in keys:
        hit = np.ones(len(texts), dtype=bool) if words else np.zeros(len(texts), dtype=bool)
        for stem in words:
            has = np.asarray(counts[:, columns.get(stem, [])].sum(axis=1)).ravel() > 0
            hit &= has
        out.append(hit)
    return sp.csr_matrix(np.column_stack(out).astype(np.float32))
