"""Representative comments: for a group (promoters, passives, detractors), the comment
whose words are the most common among that group's comments.

Each comment of the group with ``MIN_TERMS`` to ``MAX_CHARS`` characters is scored by
the mean, over its distinct terms (``tokenize``: words without stop words), of the
share of the group's comments that contain the term. A comment made of the group's
everyday words scores high; one built around a rare detail scores low; a lone "good"
cannot win, as it has too few terms. Ties go to the newest. This is a typicality
score, not sentiment: it picks what many customers of the group say, in one of their
own sentences, which is what a weekly digest should quote.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from nps_core.analysis.tokens import tokenize

__all__ = ["MAX_CHARS", "MIN_TERMS", "representative"]

MIN_TERMS = 3
MAX_CHARS = 280


def representative(frame: pd.DataFrame, group: str) -> pd.Series | None:
    """The review (a row of ``frame``) whose comment best represents ``group``, or None."""
    rows = frame[(frame["group"] == group).to_numpy() & frame["comment"].notna().to_numpy()]
    if rows.empty:
        return None
    texts = rows["comment"].astype(str)
    terms = [set(tokenize(text)) for text in texts]
    frequency = Counter(term for found in terms for term in found)
    total = len(terms)
    fits = np.array(
        [
            len(found) >= MIN_TERMS and len(text) <= MAX_CHARS
            for found, text in zip(terms, texts, strict=True)
        ]
    )
    if not fits.any():
        return None
    score = np.array(
        [
            np.mean([frequency[t] / total for t in found]) if ok else -1.0
            for found, ok in zip(terms, fits, strict=True)
        ]
    )
    order = np.lexsort(
        (-rows["id"].to_numpy(), -rows["created_at"].astype("int64").to_numpy(), -score)
    )
    return rows.iloc[int(order[0])]
