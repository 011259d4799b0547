"""Themes: what customers talk about, and what each theme costs the NPS.

`find_themes(frame)` reads the `comment` column of a review frame and gives every
comment at most one main theme: a theme a manager pinned (`PinnedTheme`, matched by
its words in any language) or one found in the comments (`theme_model`, per language,
over Snowball stems of words and two-word phrases, see `theme_text`). For each theme it
reports mentions, share of commenters, the NPS of its commenters with its
adjusted-Wald interval and detractor share (`nps.summarize`), and its impact.

Impact, in NPS points: how much the shop's NPS would gain if this theme's commenters
scored like the other commenters. With N answered reviews in the frame (commented or
not), n_T of them by the theme's commenters and NPS_O the NPS of every other commenter
(in another theme or none), the theme's commenters are given the other commenters'
promoter and detractor shares:

    NPS_counterfactual = NPS_all + (n_T / N) · (NPS_O − NPS_T)
    impact             = NPS_counterfactual − NPS_all = (n_T / N) · (NPS_O − NPS_T)

Positive: the theme costs points (its commenters score lower than the others);
negative: it lifts the score. A theme without mentions has impact 0; one whose
commenters are all the commenters there are has no one to compare with (NaN).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nps_core.analysis.nps import summarize
from nps_core.analysis.theme_model import MAX_THEMES, MIN_THEMES, FoundThemes, find_in_language
from nps_core.analysis.theme_text import (
    LANGUAGES,
    language_of,
    phrase_matches,
    term_matrix,
)
from nps_core.analysis.tokens import normalize
from nps_core.contract.pinned import PinnedTheme

__all__ = [
    "MAX_THEMES",
    "MIN_THEMES",
    "TABLE_COLUMNS",
    "PinnedTheme",
    "Themes",
    "find_themes",
]

TABLE_COLUMNS: tuple[str, ...] = (
    "label",
    "mentions",
    "share",
    "nps",
    "ci_low",
    "ci_high",
    "detractor_share",
    "impact",
    "pinned",
    "language",
)


@dataclass(frozen=True, eq=False)
class Themes:
    """Result of `find_themes`.

    `assignment`: on the frame's index, the main theme's label per review (categorical,
    missing for comments in no theme and reviews without a comment). `table`: one row
    per theme (`TABLE_COLUMNS`), ranked by impact. `terms`: per label, the words that
    put a comment in it (a pinned theme's words, a found theme's key terms).
    `commented`: on the frame's index, whether the review has a comment with text
    (what shares are shares of).
    """

    assignment: pd.Series
    table: pd.DataFrame
    terms: dict[str, list[str]] = field(default_factory=dict)
    commented: pd.Series = field(default_factory=lambda: pd.Series([], dtype=bool))


def _comments(frame: pd.DataFrame) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(code per row into the distinct normalised comments or −1, texts, weights)."""
    if "comment" not in frame.columns or len(frame) == 0:
        return np.full(len(frame), -1, dtype=np.int64), [], np.zeros(0)
    raw = frame["comment"].astype(object).to_numpy()
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    if len(uniques) == 0:
        return np.full(len(frame), -1, dtype=np.int64), [], np.zeros(0)
    normalized = [normalize(str(u)) for u in uniques]
    # Texts equal after normalising are one document; blank ones are no comment.
    doc_codes, texts = pd.factorize(pd.Series(normalized, dtype=object))
    blank = np.array([not t for t in texts], dtype=bool)
    per_unique = np.where(blank[doc_codes], -1, doc_codes)
    row_doc = np.where(codes >= 0, per_unique[np.maximum(codes, 0)], -1).astype(np.int64)
    weights = np.bincount(row_doc[row_doc >= 0], minlength=len(texts)).astype(np.float64)
    return row_doc, list(texts), weights


def _claim_pinned(texts: list[str], pinned: Sequence[PinnedTheme]) -> np.ndarray:
    """Pinned theme index per document (−1 = none): the one with most matching words."""
    if not pinned or not texts:
        return np.full(len(texts), -1, dtype=np.int64)
    phrases = [w for p in pinned for w in p.words]
    owner = np.repeat(np.arange(len(pinned)), [len(p.words) for p in pinned])
    hits = phrase_matches(texts, phrases).toarray()
    per_theme = np.zeros((len(texts), len(pinned)))
    np.add.at(per_theme.T, owner, hits.T)
    # argmax takes the first of equal counts: earlier pinned themes win ties.
    return np.where(per_theme.max(axis=1) > 0, per_theme.argmax(axis=1), -1)


def _split(n_themes: int | None, sizes: dict[str, float]) -> dict[str, int | None]:
    """Themes per language: automatic each, or `n_themes` split by comment counts."""
    if n_themes is None:
        return dict.fromkeys(sizes)
    share = dict.fromkeys(sizes, 0)
    for _ in range(n_themes):  # highest averages (D'Hondt), one theme at a time
        lang = max(sizes, key=lambda g: sizes[g] / (share[g] + 1))
        share[lang] += 1
    return {lang: count for lang, count in share.items() if count}


def _found_themes(
    texts: list[str],
    weights: np.ndarray,
    free: np.ndarray,
    n_themes: int | None,
    taken: set[str],
) -> tuple[np.ndarray, list[tuple[str, str, list[str]]]]:
    """Found theme per document (index into the returned (label, language, terms))."""
    theme = np.full(len(texts), -1, dtype=np.int64)
    found: list[tuple[str, str, list[str]]] = []
    docs = np.flatnonzero(free)
    languages = language_of([texts[d] for d in docs])
    members = {lang: docs[languages == lang] for lang in LANGUAGES}
    sizes = {lang: float(weights[idx].sum()) for lang, idx in members.items() if len(idx)}
    for lang, k in _split(n_themes, sizes).items():
        idx = members[lang]
        tm = term_matrix([texts[d] for d in idx], weights[idx])
        result = find_in_language(tm, k, taken) if tm.matrix.shape[1] else FoundThemes.none(0)
        if not result.labels:
            continue
        inside = result.theme >= 0
        theme[idx[inside]] = result.theme[inside] + len(found)
        found.extend(
            (label, lang, terms)
            for label, terms in zip(result.labels, result.key_terms, strict=True)
        )
    return theme, found


def _figures(
    frame: pd.DataFrame, labels: np.ndarray, names: list[str], commented: np.ndarray
) -> pd.DataFrame:
    """Mentions, share, NPS with interval, detractor share and impact per theme."""
    columns = [c for c in ("group", "rate") if c in frame.columns]
    votes = frame[columns] if columns else pd.DataFrame(index=frame.index)
    total = summarize(votes).n
    rows = []
    for name in names:
        mask = labels == name
        mine, others = summarize(votes[mask]), summarize(votes[commented & ~mask])
        mentions = int(mask.sum())
        if mentions == 0:
            impact = 0.0
        elif mine.n == 0 or others.n == 0 or total == 0:
            impact = math.nan
        else:
            impact = mine.n / total * (others.nps - mine.nps)
        rows.append(
            {
                "label": name,
                "mentions": mentions,
                "share": mentions / commented.sum() if commented.any() else math.nan,
                "nps": mine.nps,
                "ci_low": mine.ci_low,
                "ci_high": mine.ci_high,
                "detractor_share": mine.detractor_share,
                "impact": impact,
            }
        )
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS[:8]))


def find_themes(
    frame: pd.DataFrame,
    n_themes: int | None = None,
    pinned: Sequence[PinnedTheme] = (),
) -> Themes:
    """Themes in the comments of `frame` (a review frame), each with what it costs.

    `n_themes` sets how many themes to find (besides pinned ones); by default each
    language's comments get between `MIN_THEMES` and `MAX_THEMES`, as many as the data
    supports (fewer with too few comments). `pinned` themes are always in the table,
    under their own names, and claim their comments first. See the module docstring
    for the impact.
    """
    if n_themes is not None and (isinstance(n_themes, bool) or n_themes < 0):
        raise ValueError(f"n_themes must be a non-negative integer or None, got {n_themes!r}")
    names = [p.name for p in pinned]
    if len(set(names)) != len(names):
        raise ValueError(f"pinned theme names repeat: {names!r}")
    row_doc, texts, weights = _comments(frame)
    claimed = _claim_pinned(texts, pinned)
    taken = {w for name in names for w in name.casefold().split()}
    found_of, found = _found_themes(texts, weights, claimed < 0, n_themes, taken)
    all_names = names + _unique([label for label, _, _ in found], set(names))
    doc_label = np.full(len(texts) + 1, None, dtype=object)  # last slot: no comment
    for d in np.flatnonzero(claimed >= 0):
        doc_label[d] = names[claimed[d]]
    for d in np.flatnonzero(found_of >= 0):
        doc_label[d] = all_names[len(names) + found_of[d]]
    labels = doc_label[row_doc]  # −1 picks the last slot
    table = _figures(frame, labels, all_names, row_doc >= 0)
    table["pinned"] = [i < len(names) for i in range(len(all_names))]
    table["language"] = [""] * len(names) + [lang for _, lang, _ in found]
    table = table.sort_values(
        ["impact", "mentions"], ascending=[False, False], na_position="last", kind="stable"
    ).reset_index(drop=True)
    assignment = pd.Series(
        pd.Categorical(labels, categories=table["label"].tolist()),
        index=frame.index,
        name="theme",
    )
    terms = {p.name: list(p.words) for p in pinned}
    terms.update({all_names[len(names) + i]: words for i, (_, _, words) in enumerate(found)})
    commented = pd.Series(row_doc >= 0, index=frame.index, name="commented")
    return Themes(assignment=assignment, table=table, terms=terms, commented=commented)


def _unique(labels: list[str], taken: set[str]) -> list[str]:
    """Labels made distinct from each other and from pinned names ("…, 2" on a clash)."""
    out: list[str] = []
    for label in labels:
        candidate, n = label, 2
        while candidate in taken:
            candidate, n = f"{label} ({n})", n + 1
        taken.add(candidate)
        out.append(candidate)
    return out
