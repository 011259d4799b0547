"""What comment text means: normalising, stop words, tokens and terms.

Search and distinctive terms share this one notion of text so that they agree
with each other:

* `normalize` — what "case- and accent-insensitive" means (search and tokens).
* `tokenize` / `extract_terms` — words and two-word phrases (terms), so that clicking a
  term finds exactly the comments it was counted in (``nps_core.analysis.search``).

Pure functions over strings and pandas Series.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "ENGLISH_STOP_WORDS",
    "NEGATIONS",
    "RUSSIAN_STOP_WORDS",
    "STOP_WORDS",
    "check_ngram_range",
    "extract_terms",
    "ngrams",
    "normalize",
    "normalize_series",
    "object_values",
    "runs",
    "tokenize",
]

# --------------------------------------------------------------------------- normalising

# Characters that render as nothing but would split or hide a match: zero-width space,
# non-joiner and joiner, word joiner and invisible operators, BOM, soft hyphen, and the
# bidi controls (marks, embeddings, overrides, isolates). Lone surrogates are dropped too
# so the result always encodes to UTF-8 (pyarrow-backed string columns require it).
_INVISIBLE = (
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff"
)


def _marks() -> list[int]:
    """Code points of all nonspacing and enclosing marks (categories Mn, Me).

    Taken from `unicodedata` so it follows Python's Unicode version. Marks live only in
    planes 0, 1 and 14 (variation selectors), so scanning those is enough (~10 ms).
    """
    return [
        c
        for c in (*range(0x20000), *range(0xE0000, 0xE1000))
        if unicodedata.category(chr(c)) in ("Mn", "Me")
    ]


def _char_class(codes: list[int]) -> str:
    """Regex character-class body for `codes`, as ranges."""
    parts: list[str] = []
    start = prev = codes[0]
    for c in [*codes[1:], -1]:
        if c == prev + 1:
            prev = c
            continue
        parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
        start = prev = c
    return "".join(parts)


_MARKS = _marks()
# Split by plane for speed: a class of BMP characters only compiles to a bitmap (constant
# time per character), while one with astral ranges is searched range by range (~20x
# slower). Astral characters are mostly emoji, so their marks are checked one by one.
_STRIP_BMP = re.compile(f"[{_char_class([c for c in _MARKS if c < 0x10000])}{_INVISIBLE}]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_MARKS = frozenset(chr(c) for c in _MARKS if c >= 0x10000)


def _drop_astral_mark(match: re.Match[str]) -> str:
    char = match.group()
    return "" if char in _ASTRAL_MARKS else char


# After NFKD, "й" is "и" + U+0306 (combining breve); it is put back together before the
# marks are stripped. "й" is a separate letter in Russian ("мой" ≠ "мои"), whereas "ё" is
# routinely written as "е" by Russian readers and writers, so its diaeresis is dropped and
# "ё" folds to "е" like any accent ("café" → "cafe"). Other breves ("ă", Belarusian "ў")
# fold to their base letter.
_SHORT_I = ("\u0438\u0306", "\u0439")

# Typographic apostrophes become "'" so "don’t" and "don't" are one word; the Unicode
# hyphen (NFKD also maps the non-breaking hyphen to it) becomes "-" so "Wi‑Fi" and "Wi-Fi"
# are too. Plain `in`/`replace` beats `str.translate` on non-ASCII text.
_PUNCT = (("\u2018", "'"), ("\u2019", "'"), ("\u02bc", "'"), ("\u201b", "'"), ("\u2010", "-"))


def normalize(text: str) -> str:
    """Fold `text` for matching: case-fold, strip accents, drop invisible characters.

    NFKD compatibility decomposition also folds full-width letters, ligatures ("ﬁ") and the
    like. Cyrillic letters are kept, with "ё" folded to "е" and "й" kept as "й" (see
    `_SHORT_I`). Runs of whitespace become one space, with none at either end.
    """
    if text.isascii():
        # Nothing to decompose, strip or translate: the common case, made cheap.
        return " ".join(text.lower().split())
    # NFKD before case-folding too: some compatibility characters decompose to capitals
    # ("ᴬ" → "A"), and without it normalising twice would change the result.
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    text = _STRIP_BMP.sub("", text.replace(*_SHORT_I))
    if _ASTRAL.search(text):
        text = _ASTRAL.sub(_drop_astral_mark, text)
    # NFC recomposes what NFKD split and is not a mark (Hangul syllables, for one).
    text = unicodedata.normalize("NFC", text)
    for old, new in _PUNCT:
        if old in text:
            text = text.replace(old, new)
    return " ".join(text.split())


def object_values(comments: pd.Series | Sequence[str | None]) -> np.ndarray:
    """Comments as an object array with None for missing values."""
    if not isinstance(comments, pd.Series):
        comments = pd.Series(list(comments), dtype=object)
    # pandas takes any na_value ("na_value : Any"); pandas-stubs' overloads leave None out.
    return comments.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]


def normalize_series(comments: pd.Series) -> pd.Series:
    """`normalize` applied to every comment; missing values stay missing.

    Returns a pandas `string` Series with the same index and name. Normalise a column once
    (cache it alongside the data) and pass it to `search_mask(..., normalized=True)`: the
    per-query work is then only substring tests. This is an element-wise loop rather than a
    chain of `.str` methods on purpose: pyarrow's lower-casing, Unicode tables and regex
    engine differ from Python's in corner cases, and search results must agree exactly
    with `normalize` (which tokens and queries go through).
    """
    values = object_values(comments)
    out = [None if v is None else normalize(v) for v in values]
    index = comments.index if isinstance(comments, pd.Series) else None
    name = comments.name if isinstance(comments, pd.Series) else None
    return pd.Series(out, index=index, name=name, dtype="string")


# --------------------------------------------------------------------------- stop words

# Negations are deliberately *not* stop words: "not working", "не работает", "без ответа"
# carry the sentiment that separates detractors from promoters, and they should survive
# into two-word phrases.
NEGATIONS: frozenset[str] = frozenset(
    """
    no not nor never none nothing nobody nowhere neither cannot can't don't doesn't didn't
    isn't aren't wasn't weren't won't wouldn't shouldn't couldn't haven't hasn't hadn't
    mustn't needn't ain't without
    не нет ни ничего никогда никто нигде никак нельзя без
    """.split()
)

ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each even few
    for from further get got had has have having he he'd he'll he's her here here's hers
    herself him himself his how how's i i'd i'll i'm i've if in into is it it's its itself
    just let's me more most much my myself now of off on once only or other ought our ours
    ourselves out over own really same she she'd she'll she's should so some such than that
    that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to too under until up upon us very was we we'd
    we'll we're we've were what what's when when's where where's which while who who's whom
    why why's will with would you you'd you'll you're you've your yours yourself yourselves
    """.split()
)

# Written with "ё" where Russian spelling has it; `normalize` folds the set below, so
# "всё"/"все" and "её"/"ее" are both covered.
RUSSIAN_STOP_WORDS: frozenset[str] = frozenset(
    """
    а б бы был была были было быть в вам вами вас весь во вот все всё всего всех всю вся
    вы где да для до другой его её ей ему если есть ещё ж же за зачем здесь и из или им
    ими их к как какая какие какой когда ко кто куда ли либо между меня мне мной мы мой моя
    мои моё может можно мочь на над надо наконец нам нас наш наша наше наши него неё ней
    нём ним них но ну о об однако он она они оно от ото перед по под после потом потому
    почему почти при про раз с сам сама сами само свой своя свои своё себе себя сейчас со
    так также такой там твой те тебе тебя тем теперь то тобой тогда того тоже той только
    том тот три ту тут ты у уж уже хоть чего чем через что чтоб чтобы чуть эта эти этим
    этих это этого этой этом этот эту я вообще очень просто который которая которое
    которые которой которых ведь вдруг даже впрочем будто будет будут
    """.split()
)

STOP_WORDS: frozenset[str] = frozenset(
    normalize(w) for w in ENGLISH_STOP_WORDS | RUSSIAN_STOP_WORDS
) - frozenset(normalize(w) for w in NEGATIONS)

# --------------------------------------------------------------------------- tokenising

# A token is either a word — letters/digits, optionally joined by single internal
# apostrophes or hyphens ("don't", "wi-fi", "кто-то"; leading/trailing ones are not part
# of it) — or a break: any other run of non-space, non-word characters (punctuation,
# emoji, symbols). Two-word phrases never span a break: "fast delivery. Terrible support"
# or "great 👍 service". One pass over both beats splitting at breaks and then finding
# words (~20% on the benchmark).
_SCAN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*|[^\w\s'\-]+")
_NO_STOP_WORDS: frozenset[str] = frozenset()


def _is_number(word: str) -> bool:
    return word.replace("-", "").replace("'", "").isdigit()


def runs(normalized: str, stop_words: frozenset[str]) -> list[list[str]]:
    """Kept tokens of already-normalised text, split into runs at breaks.

    Dropped: stop words, one-character tokens and numbers ("2", "24-7", "10'000"), which
    say nothing about a term. Dropping a token does not end a run, so "delivery was
    late" gives the run ["delivery", "late"].
    """
    token_runs: list[list[str]] = []
    current: list[str] = []
    for token in _SCAN.findall(normalized):
        if token in stop_words:
            continue
        if not token[0].isalnum():  # a break ([^\W_] is exactly str.isalnum)
            if current:
                token_runs.append(current)
                current = []
            continue
        if "'" in token and token.endswith("'s"):
            # Possessive or "is": "customer's" counts as "customer". Stop words were
            # checked on the full form first ("it's", "let's").
            token = token[:-2]
            if token in stop_words:
                continue
        if len(token) < 2 or (token[0].isdigit() and _is_number(token)):
            continue
        current.append(token)
    if current:
        token_runs.append(current)
    return token_runs


def tokenize(text: str, *, stop_words: bool = True) -> list[str]:
    """Words of `text`, normalised (see `normalize`), in order.

    Emoji and punctuation are not tokens; internal apostrophes and hyphens are kept
    ("don't" stays "don't", typographic apostrophes included). Tokens of one character
    and pure numbers are dropped, and with `stop_words` so are English and Russian stop
    words — but never negations (`NEGATIONS`).
    """
    stop = STOP_WORDS if stop_words else _NO_STOP_WORDS
    return [token for run in runs(normalize(text), stop) for token in run]


def check_ngram_range(ngram_range: tuple[int, int]) -> None:
    low, high = ngram_range
    if not 1 <= low <= high:
        raise ValueError(f"ngram_range must satisfy 1 <= low <= high, got {ngram_range!r}")


def ngrams(token_runs: list[list[str]], low: int, high: int) -> list[str]:
    terms: list[str] = []
    for n in range(low, high + 1):
        for run in token_runs:
            if n == 1:
                terms.extend(run)
            else:
                # zip of shifted views + map(" ".join): the n-grams without a Python loop.
                terms.extend(map(" ".join, zip(*(run[i:] for i in range(n)), strict=False)))
    return terms


def extract_terms(text: str, *, ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
    """The terms of `text` that `distinctive_terms` counts: n-grams of its tokens.

    Two-word phrases are adjacent tokens *after* stop-word removal ("is not working" →
    "not working", "delivery was late" → "delivery late") but never across punctuation or
    emoji. Negations are kept, so the valuable "not working" / "не работает" survive.
    """
    check_ngram_range(ngram_range)
    return ngrams(runs(normalize(text), STOP_WORDS), *ngram_range)
