"""Comment text: normalising, tokenising, search, and distinctive terms.

Pure functions over strings and pandas Series; nothing here imports Streamlit.

Three things share one notion of text so that they agree with each other:

* `normalize` — what "case- and accent-insensitive" means (search and tokens).
* `search_mask` — substring search over normalised text (the search box).
* `tokenize` / `extract_terms` / `terms_mask` — words and two-word phrases (themes),
  so that clicking a theme finds exactly the comments it was counted in.

Distinctive terms use the weighted log-odds ratio with an informative Dirichlet prior of
Monroe, Colaresi & Quinn (2008), "Fightin' Words", Political Analysis 16(4), §3.5.1.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_PRIOR_SCALE",
    "ENGLISH_STOP_WORDS",
    "NEGATIONS",
    "RUSSIAN_STOP_WORDS",
    "STOP_WORDS",
    "DistinctiveTerms",
    "Query",
    "distinctive_terms",
    "extract_terms",
    "log_odds_z",
    "normalize",
    "normalize_series",
    "parse_query",
    "search_mask",
    "terms_mask",
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


def _as_object_values(comments: pd.Series | Sequence[str | None]) -> np.ndarray:
    """Comments as an object array with None for missing values."""
    series = comments if isinstance(comments, pd.Series) else pd.Series(comments, dtype=object)
    return series.to_numpy(dtype=object, na_value=None)


def normalize_series(comments: pd.Series) -> pd.Series:
    """`normalize` applied to every comment; missing values stay missing.

    Returns a pandas `string` Series with the same index and name. Normalise a column once
    (cache it alongside the data) and pass it to `search_mask(..., normalized=True)`: the
    per-query work is then only substring tests. This is an element-wise loop rather than a
    chain of `.str` methods on purpose: pyarrow's lower-casing, Unicode tables and regex
    engine differ from Python's in corner cases, and search results must agree exactly
    with `normalize` (which tokens and queries go through).
    """
    values = _as_object_values(comments)
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


def _segments(normalized: str, stop_words: frozenset[str]) -> list[list[str]]:
    """Kept tokens of already-normalised text, split into runs at breaks.

    Dropped: stop words, one-character tokens and numbers ("2", "24-7", "10'000"), which
    say nothing about a theme. Dropping a token does not end a run, so "delivery was
    late" gives the run ["delivery", "late"].
    """
    segments: list[list[str]] = []
    current: list[str] = []
    for token in _SCAN.findall(normalized):
        if token in stop_words:
            continue
        if not token[0].isalnum():  # a break ([^\W_] is exactly str.isalnum)
            if current:
                segments.append(current)
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
        segments.append(current)
    return segments


def tokenize(text: str, *, stop_words: bool = True) -> list[str]:
    """Words of `text`, normalised (see `normalize`), in order.

    Emoji and punctuation are not tokens; internal apostrophes and hyphens are kept
    ("don't" stays "don't", typographic apostrophes included). Tokens of one character
    and pure numbers are dropped, and with `stop_words` so are English and Russian stop
    words — but never negations (`NEGATIONS`).
    """
    stop = STOP_WORDS if stop_words else _NO_STOP_WORDS
    return [token for segment in _segments(normalize(text), stop) for token in segment]


def _check_ngram_range(ngram_range: tuple[int, int]) -> None:
    low, high = ngram_range
    if not 1 <= low <= high:
        raise ValueError(f"ngram_range must satisfy 1 <= low <= high, got {ngram_range!r}")


def _ngrams(segments: list[list[str]], low: int, high: int) -> list[str]:
    terms: list[str] = []
    for n in range(low, high + 1):
        for seg in segments:
            if n == 1:
                terms.extend(seg)
            else:
                # zip of shifted views + map(" ".join): the n-grams without a Python loop.
                terms.extend(map(" ".join, zip(*(seg[i:] for i in range(n)), strict=False)))
    return terms


def extract_terms(text: str, *, ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
    """The terms of `text` that `distinctive_terms` counts: n-grams of its tokens.

    Two-word phrases are adjacent tokens *after* stop-word removal ("is not working" →
    "not working", "delivery was late" → "delivery late") but never across punctuation or
    emoji. Negations are kept, so the valuable "not working" / "не работает" survive.
    """
    _check_ngram_range(ngram_range)
    return _ngrams(_segments(normalize(text), STOP_WORDS), *ngram_range)


# --------------------------------------------------------------------------- search

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
    tokens = [t for seg in _segments(normalize(term), _NO_STOP_WORDS) for t in seg]
    if not tokens:
        return np.full(len(comments), not normalize(term), dtype=bool)
    text = comments if normalized else normalize_series(comments)
    # Every token is a substring of a normalised comment that has it, so the fast
    # substring scan is an exact pre-filter; only its hits are tokenised.
    mask = search_mask(text, Query(words=tuple(dict.fromkeys(tokens))), normalized=True)
    target, n = " ".join(tokens), len(tokens)
    values = text.to_numpy(dtype=object, na_value=None)
    for i in np.flatnonzero(mask):
        mask[i] = target in _ngrams(_segments(values[i], STOP_WORDS), n, n)
    return mask


# --------------------------------------------------------------------------- log-odds

# Labels of the review frame's `group` column (see nps_core.contract.models.group_of).
_DETRACTOR = "detractor"
_PROMOTER = "promoter"

# α_w = DEFAULT_PRIOR_SCALE × (background count of w), so α_0 = 0.1 × background total:
# the prior is worth a tenth of the data and pulls each term towards its corpus-wide rate.
# Being proportional to the background counts, it gives every counted term α_w > 0 and
# keeps the same weight relative to the data whatever the corpus size, whereas a fixed α_0
# would fade on 100,000 comments and dominate on 100.
DEFAULT_PRIOR_SCALE = 0.1


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "term": pd.Series([], dtype="string"),
            "z": pd.Series([], dtype="float64"),
            "delta": pd.Series([], dtype="float64"),
            "count_detractor": pd.Series([], dtype="int64"),
            "count_promoter": pd.Series([], dtype="int64"),
        }
    )


@dataclass(frozen=True, eq=False)
class DistinctiveTerms:
    """Terms most distinctive of detractors and of promoters.

    Each table has columns `term, z, delta, count_detractor, count_promoter`, ranked by `z`
    descending. In both tables `z` and `delta` are oriented towards *that* side (positive =
    more typical of it), so the promoter table shows the paper's −z and −δ. Counts are
    numbers of comments containing the term, i.e. what `terms_mask` would find in each
    group.
    """

    detractor: pd.DataFrame = field(default_factory=_empty_table)
    promoter: pd.DataFrame = field(default_factory=_empty_table)
    n_detractor: int = 0  # detractor comments with text
    n_promoter: int = 0  # promoter comments with text
    prior_scale: float = DEFAULT_PRIOR_SCALE


def _group_labels(groups: pd.Series | Sequence[str | None], n: int) -> np.ndarray:
    values = _as_object_values(groups)
    if len(values) != n:
        raise ValueError(f"comments and groups differ in length ({n} != {len(values)})")
    return np.array([None if g is None else str(g) for g in values], dtype=object)


def _term_set(segments: list[list[str]], low: int, high: int) -> set[str]:
    """`set(_ngrams(...))` without the intermediate list (the hot loop of counting)."""
    terms: set[str] = set()
    for seg in segments:
        if low == 1:
            terms.update(seg)
        for n in range(max(low, 2), min(high, len(seg)) + 1):
            shifted = pairwise(seg) if n == 2 else zip(*(seg[i:] for i in range(n)), strict=False)
            terms.update(map(" ".join, shifted))
    return terms


def _count_terms(
    comments: pd.Series | Sequence[str | None],
    labels: np.ndarray,
    ngram_range: tuple[int, int],
) -> tuple[Counter[str], Counter[str], Counter[str], int, int]:
    """Comment counts per term: detractors, promoters, background (every comment)."""
    frame = pd.DataFrame({"comment": _as_object_values(comments), "group": labels})
    frame = frame[frame["comment"].notna()]
    # Identical comments ("Всё отлично!") are common: tokenise each distinct text once.
    pairs = frame.groupby(["comment", "group"], dropna=False, sort=False).size()
    det: Counter[str] = Counter()
    pro: Counter[str] = Counter()
    other: Counter[str] = Counter()
    n_det = n_pro = 0
    cache: dict[str, set[str]] = {}
    low, high = ngram_range
    for (comment, group), k in pairs.items():
        terms = cache.get(comment)
        if terms is None:
            terms = _term_set(_segments(normalize(comment), STOP_WORDS), low, high)
            cache[comment] = terms
        if group == _DETRACTOR:
            counter, n_det = det, n_det + k
        elif group == _PROMOTER:
            counter, n_pro = pro, n_pro + k
        else:
            counter = other
        # A comment counts once per term (document frequency, see `distinctive_terms`).
        if k == 1:
            counter.update(terms)
        else:
            for t in terms:
                counter[t] += k
    background = det + pro + other
    return det, pro, background, int(n_det), int(n_pro)


def _ranked(
    terms: list[str], z: np.ndarray, delta: np.ndarray, y_i: np.ndarray, y_j: np.ndarray, top: int
) -> pd.DataFrame:
    keep = np.flatnonzero(z > 0)
    if keep.size == 0 or top == 0:
        return _empty_table()
    # Deterministic order: z, then frequency, then the term (`terms` is sorted, so its
    # index orders alphabetically). lexsort's last key is the primary one.
    idx = keep[np.lexsort((keep, -(y_i[keep] + y_j[keep]), -z[keep]))][:top]
    return pd.DataFrame(
        {
            "term": pd.Series([terms[k] for k in idx], dtype="string"),
            "z": z[idx].astype("float64"),
            "delta": delta[idx].astype("float64"),
            "count_detractor": y_i[idx].astype("int64"),
            "count_promoter": y_j[idx].astype("int64"),
        }
    )


def log_odds_z(
    y_i: np.ndarray,
    y_j: np.ndarray,
    alpha: np.ndarray,
    n_i: float,
    n_j: float,
    alpha_0: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted log-odds ratio δ and its z-score (Monroe et al. 2008, eq. 16–22).

    δ_w = log((y_w^i+α_w)/(n^i+α_0−y_w^i−α_w)) − log((y_w^j+α_w)/(n^j+α_0−y_w^j−α_w)),
    σ²(δ_w) ≈ 1/(y_w^i+α_w) + 1/(y_w^j+α_w), z_w = δ_w/σ(δ_w). Positive favours i.
    """
    a_i = y_i + alpha
    a_j = y_j + alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log(a_i / (n_i + alpha_0 - a_i)) - np.log(a_j / (n_j + alpha_0 - a_j))
        z = delta / np.sqrt(1.0 / a_i + 1.0 / a_j)
    return delta, z


def distinctive_terms(
    comments: pd.Series | Sequence[str | None],
    groups: pd.Series | Sequence[str | None],
    *,
    ngram_range: tuple[int, int] = (1, 2),
    min_count: int = 3,
    top: int = 20,
    prior_scale: float = DEFAULT_PRIOR_SCALE,
) -> DistinctiveTerms:
    """Words and phrases most distinctive of detractors vs promoters ("Fightin' Words").

    `groups` holds "detractor" / "passive" / "promoter" per comment (the review frame's
    `group`). Terms are `extract_terms` n-grams. y_w^i and y_w^j count the detractor and
    promoter comments containing w — each comment counts a term once, so one rant
    repeating a word cannot make a theme, and the counts equal what `terms_mask` finds;
    n^i, n^j are the sums of those counts over all terms. The informative Dirichlet prior
    comes from the whole corpus, passives and unlabelled comments included:
    α_w = prior_scale × y_w^background, so α_0 = prior_scale × n^background
    (`DEFAULT_PRIOR_SCALE`). Only terms with y_w^i + y_w^j ≥ `min_count` are ranked; each
    table keeps the `top` terms leaning to its side (z > 0 after orientation).
    """
    _check_ngram_range(ngram_range)
    if min_count < 1 or top < 0:
        raise ValueError("min_count must be >= 1 and top >= 0")
    if not (prior_scale > 0 and math.isfinite(prior_scale)):
        raise ValueError(f"prior_scale must be a positive number, got {prior_scale!r}")
    labels = _group_labels(groups, len(comments))
    det, pro, background, n_det_docs, n_pro_docs = _count_terms(comments, labels, ngram_range)
    result = DistinctiveTerms(
        n_detractor=n_det_docs, n_promoter=n_pro_docs, prior_scale=float(prior_scale)
    )
    if n_det_docs == 0 or n_pro_docs == 0:
        return result  # nothing to compare against

    terms = [t for t in (det.keys() | pro.keys()) if det[t] + pro[t] >= min_count]
    if not terms:
        return result
    terms.sort()  # stable input order → stable output
    y_i = np.fromiter((det[t] for t in terms), dtype=np.float64, count=len(terms))
    y_j = np.fromiter((pro[t] for t in terms), dtype=np.float64, count=len(terms))
    alpha = prior_scale * np.fromiter(
        (background[t] for t in terms), dtype=np.float64, count=len(terms)
    )
    delta, z = log_odds_z(
        y_i,
        y_j,
        alpha,
        float(sum(det.values())),
        float(sum(pro.values())),
        prior_scale * float(sum(background.values())),
    )
    finite = np.isfinite(z)
    z = np.where(finite, z, 0.0)
    delta = np.where(finite, delta, 0.0)
    return DistinctiveTerms(
        detractor=_ranked(terms, z, delta, y_i, y_j, top),
        promoter=_ranked(terms, -z, -delta, y_i, y_j, top),
        n_detractor=n_det_docs,
        n_promoter=n_pro_docs,
        prior_scale=float(prior_scale),
    )
