"""The words and phrases most distinctive of detractors and of promoters.

The weighted log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi &
Quinn (2008), "Fightin' Words", Political Analysis 16(4), §3.5.1, over the terms of
``nps_core.analysis.tokens.extract_terms``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from nps_core.analysis.tokens import (
    STOP_WORDS,
    check_ngram_range,
    normalize,
    object_values,
    runs,
)
from nps_core.contract.models import GROUPS

__all__ = ["DEFAULT_PRIOR_SCALE", "DistinctiveTerms", "distinctive_terms", "log_odds_z"]


# The two sides compared, as the review frame's `group` column names them.
_DETRACTOR, _PROMOTER = GROUPS[0], GROUPS[-1]

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


def _group_names(groups: pd.Series | Sequence[str | None], n: int) -> np.ndarray:
    values = object_values(groups)
    if len(values) != n:
        raise ValueError(f"comments and groups differ in length ({n} != {len(values)})")
    return np.array([None if g is None else str(g) for g in values], dtype=object)


def _term_set(token_runs: list[list[str]], low: int, high: int) -> set[str]:
    """`set(ngrams(...))` without the intermediate list (the hot loop of counting)."""
    terms: set[str] = set()
    for run in token_runs:
        if low == 1:
            terms.update(run)
        for n in range(max(low, 2), min(high, len(run)) + 1):
            shifted = pairwise(run) if n == 2 else zip(*(run[i:] for i in range(n)), strict=False)
            terms.update(map(" ".join, shifted))
    return terms


def _count_terms(
    comments: pd.Series | Sequence[str | None],
    group_names: np.ndarray,
    ngram_range: tuple[int, int],
) -> tuple[Counter[str], Counter[str], Counter[str], int, int]:
    """Comment counts per term: detractors, promoters, background (every comment)."""
    frame = pd.DataFrame({"comment": object_values(comments), "group": group_names})
    frame = frame[frame["comment"].notna()]
    # Identical comments ("Всё отлично!") are common: tokenise each distinct text once.
    pairs = frame.groupby(["comment", "group"], dropna=False, sort=False).size()
    det: Counter[str] = Counter()
    pro: Counter[str] = Counter()
    other: Counter[str] = Counter()
    n_det = n_pro = 0
    cache: dict[str, set[str]] = {}
    low, high = ngram_range
    comments_, groups = pairs.index.get_level_values(0), pairs.index.get_level_values(1)
    for comment, group, k in zip(comments_, groups, pairs.to_numpy(), strict=True):
        terms = cache.get(comment)
        if terms is None:
            terms = _term_set(runs(normalize(comment), STOP_WORDS), low, high)
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


def _counts(counter: Counter[str], terms: list[str]) -> np.ndarray:
    return np.fromiter((counter[t] for t in terms), dtype=np.float64, count=len(terms))


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
    repeating a word cannot make a term stand out, and the counts equal what `terms_mask` finds;
    n^i, n^j are the sums of those counts over all terms. The informative Dirichlet prior
    comes from the whole corpus, passives and unlabelled comments included:
    α_w = prior_scale × y_w^background, so α_0 = prior_scale × n^background
    (`DEFAULT_PRIOR_SCALE`). Only terms with y_w^i + y_w^j ≥ `min_count` are ranked; each
    table keeps the `top` terms leaning to its side (z > 0 after orientation).
    """
    check_ngram_range(ngram_range)
    if min_count < 1 or top < 0:
        raise ValueError("min_count must be >= 1 and top >= 0")
    if not (prior_scale > 0 and math.isfinite(prior_scale)):
        raise ValueError(f"prior_scale must be a positive number, got {prior_scale!r}")
    group_names = _group_names(groups, len(comments))
    det, pro, background, n_det_docs, n_pro_docs = _count_terms(comments, group_names, ngram_range)
    result = DistinctiveTerms(
        n_detractor=n_det_docs, n_promoter=n_pro_docs, prior_scale=float(prior_scale)
    )
    if n_det_docs == 0 or n_pro_docs == 0:
        return result  # nothing to compare against

    terms = [t for t in (det.keys() | pro.keys()) if det[t] + pro[t] >= min_count]
    if not terms:
        return result
    terms.sort()  # stable input order → stable output
    y_i, y_j = _counts(det, terms), _counts(pro, terms)
    delta, z = log_odds_z(
        y_i,
        y_j,
        prior_scale * _counts(background, terms),
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
