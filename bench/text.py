"""Time the comment text analysis (tokens, search, terms) on synthetic English + Russian comments.

Run from the repository root: `.venv/bin/python -m bench.text`. Prints milliseconds for
tokenising and distinctive terms over 100,000 comments, and for normalising and
searching 200,000.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from nps_core import distinctive_terms, normalize_series, search_mask, terms_mask, tokenize

SEED = 20240601

NEUTRAL_EN = (
    "the order delivery was on time and the courier called before arriving app website "
    "price package box store staff manager support team week day hour product quality size "
    "colour return exchange payment card cashback discount bonus points account phone"
).split()
NEGATIVE_EN = [
    *"slow late rude broken refund waiting never damaged cancelled".split(),
    "not working",
]
POSITIVE_EN = "great fast friendly helpful perfect love excellent easy thanks recommend".split()
NEUTRAL_RU = (
    "заказ доставка курьер приложение сайт цена упаковка коробка магазин сотрудник "
    "менеджер поддержка неделя день час товар качество размер цвет возврат обмен оплата "
    "карта кэшбэк скидка бонусы баллы аккаунт телефон пункт выдачи"
).split()
NEGATIVE_RU = [
    *"долго опоздал грубый сломан возврат ждать никогда повреждён отменили".split(),
    "не работает",
]
POSITIVE_RU = "отлично быстро вежливый удобно спасибо рекомендую прекрасно всё понравилось".split()
FILLER = ["и", "в", "на", "очень", "is", "a", "to", "very", "но", "but"]
PUNCT = ["", "", "", ",", ".", "!", " 👍", " 😡", "?"]


def synthetic(n: int, rng: np.random.Generator) -> tuple[pd.Series, pd.Series]:
    """`n` comments of 3-30 words with group-dependent sentiment words."""
    groups = rng.choice(["detractor", "passive", "promoter"], size=n, p=[0.3, 0.2, 0.5])
    russian = rng.random(n) < 0.5
    lengths = rng.integers(3, 31, size=n)
    comments: list[str | None] = []
    for i in range(n):
        if rng.random() < 0.1:
            comments.append(None)  # reviews without a comment
            continue
        neutral, neg, pos = (
            (NEUTRAL_RU, NEGATIVE_RU, POSITIVE_RU)
            if russian[i]
            else (NEUTRAL_EN, NEGATIVE_EN, POSITIVE_EN)
        )
        bias = {"detractor": (neg, pos), "promoter": (pos, neg), "passive": (neg, pos)}[groups[i]]
        words: list[str] = []
        for _ in range(lengths[i]):
            r = rng.random()
            if r < 0.12:
                pool = bias[0]
            elif r < 0.15:
                pool = bias[1]
            elif r < 0.35:
                pool = FILLER
            else:
                pool = neutral
            words.append(pool[rng.integers(len(pool))] + PUNCT[rng.integers(len(PUNCT))])
        text = " ".join(words)
        comments.append(text[:1].upper() + text[1:] + f" #{i}")  # mostly unique texts
    return pd.Series(comments, dtype="string"), pd.Series(groups, dtype="category")


def timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{label:<52} {1000 * (time.perf_counter() - start):9.1f} ms")
    return result


def main() -> None:
    rng = np.random.default_rng(SEED)
    comments, groups = synthetic(200_000, rng)
    small, small_groups = comments.iloc[:100_000], groups.iloc[:100_000]

    def tokenize_all(series: pd.Series) -> int:
        return sum(len(tokenize(c)) for c in series.dropna())

    n_tokens = timed("tokenize 100,000 comments", tokenize_all, small)
    result = timed(
        "distinctive_terms 100,000 comments (1-2 grams)", distinctive_terms, small, small_groups
    )
    normalized = timed("normalize_series 200,000 comments", normalize_series, comments)
    for q in ["доставка", "DELIVERY late", '"not working"', "курьер «НЕ РАБОТАЕТ»", "zzz"]:
        mask = timed(
            f"search_mask 200,000 normalised: {q!r}", search_mask, normalized, q, normalized=True
        )
        print(f"{'':<52} {int(mask.sum()):9d} rows")
    timed("search_mask 200,000 raw (normalises): 'доставка'", search_mask, comments, "доставка")
    top = result.detractor["term"].iloc[0] if len(result.detractor) else "not working"
    timed(f"terms_mask 200,000 normalised: {top!r}", terms_mask, normalized, top, normalized=True)

    print(f"\n{n_tokens:,} tokens; top terms (z):")
    for side, table in (("detractor", result.detractor), ("promoter", result.promoter)):
        shown = ", ".join(
            f"{t} ({z:.1f})" for t, z in zip(table["term"][:6], table["z"][:6], strict=True)
        )
        print(f"  {side}: {shown}")


if __name__ == "__main__":
    main()
