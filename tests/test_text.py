from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_core.analysis.search import Query, parse_query, search_mask, terms_mask
from nps_core.analysis.terms import DistinctiveTerms, distinctive_terms, log_odds_z
from nps_core.analysis.tokens import (
    NEGATIONS,
    STOP_WORDS,
    extract_terms,
    normalize,
    normalize_series,
    tokenize,
)

# --------------------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Café", "cafe"),
        ("CRÈME  Brûlée\n\tnaïve", "creme brulee naive"),
        ("ДОСТАВКА", "доставка"),
        ("Ёлка, ещё", "елка, еще"),  # ё folds to е, as Russian readers expect
        ("Йогурт МОЙ", "йогурт мой"),  # й is a letter of its own and stays
        ("и\u0306од", "йод"),  # decomposed й is recomposed, not stripped
        ("ăşţ", "ast"),  # other breves and cedillas are accents like any other
        ("Straße", "strasse"),  # full case folding
        ("ﬁne Ｆｕｌｌ ᴬ", "fine full a"),  # compatibility forms fold too
        ("de\u200bli\u200cve\u200dry\u2060\ufeff", "delivery"),  # zero-width characters
        ("\u202eslow\u202c \u2067fast\u2069 \u200fx\u200e", "slow fast x"),  # bidi controls
        ("don’t  ‘quote’", "don't 'quote'"),  # typographic apostrophes
        ("Wi\u2011Fi", "wi-fi"),  # non-breaking hyphen
        ("  \n ", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_series_keeps_index_name_and_missing_values() -> None:
    s = pd.Series(["Café", None, "ЁЖ"], index=[10, 20, 30], name="comment", dtype="string")
    out = normalize_series(s)
    assert out.index.tolist() == [10, 20, 30]
    assert out.name == "comment"
    assert isinstance(out.dtype, pd.StringDtype)
    assert out[10] == "cafe"
    assert pd.isna(out[20])
    assert out[30] == "еж"


# --------------------------------------------------------------------------- tokenize


def test_tokenize_english_drops_stop_words_keeps_negations() -> None:
    text = "I don't like the delivery!!! It's NOT working, and there's no refund."
    assert tokenize(text) == ["don't", "like", "delivery", "not", "working", "no", "refund"]


def test_tokenize_typographic_apostrophe_and_possessive() -> None:
    assert tokenize("Don’t trust the courier’s word") == ["don't", "trust", "courier", "word"]


def test_tokenize_russian() -> None:
    text = "Всё было отлично, но доставка не пришла. Нет ответа без звонка!"
    assert tokenize(text) == [
        "отлично",
        "доставка",
        "не",
        "пришла",
        "нет",
        "ответа",
        "без",
        "звонка",
    ]


def test_tokenize_russian_yo_and_short_i() -> None:
    # "ё" folds to "е" (so "Ёлка" and "елка" are one word) but "й" is kept, so "мой"
    # (my) and "мои" (my, plural) stay different words; both are stop words, so compare
    # without stop-word removal.
    assert tokenize("Ёлка ЁЛКА елка") == ["елка", "елка", "елка"]
    assert tokenize("мой мои", stop_words=False) == ["мой", "мои"]
    assert tokenize("Чайник и\u0306од") == ["чайник", "йод"]


def test_tokenize_punctuation_hyphens_numbers_and_short_tokens() -> None:
    text = "slow,late;rude...terrible -fast- wi-fi кто-то I waited 3 days, 24-7 support, 2nd x"
    assert tokenize(text) == [
        "slow",
        "late",
        "rude",
        "terrible",
        "fast",
        "wi-fi",
        "кто-то",
        "waited",
        "days",
        "support",
        "2nd",
    ]


def test_tokenize_emoji_dropped_neighbours_kept() -> None:
    assert tokenize("great👍service 😀 fast👩\u200d💻delivery 1️⃣ 👍🏽ok") == [
        "great",
        "service",
        "fast",
        "delivery",
        "ok",
    ]


def test_tokenize_zero_width_and_rtl_characters() -> None:
    assert tokenize("deli\u200bvery \u202eslow\u202c \u2067курьер\u2069") == [
        "delivery",
        "slow",
        "курьер",
    ]
    # Hebrew/Arabic words are words too; the marks around them are not.
    assert tokenize("\u200fשלום\u200f מרחבא") == ["שלום", "מרחבא"]


def test_tokenize_without_stop_words_and_empty() -> None:
    assert tokenize("The box", stop_words=False) == ["the", "box"]
    assert tokenize("") == []
    assert tokenize("!!! 👍 ...") == []


def test_stop_words_exclude_negations_and_are_normalised() -> None:
    assert not (STOP_WORDS & NEGATIONS)
    assert {"not", "no", "never", "не", "нет", "ни", "без"} <= NEGATIONS
    assert {"the", "and", "и", "все", "еще"} <= STOP_WORDS  # "всё", "ещё" folded
    assert all(normalize(w) == w for w in STOP_WORDS)
    assert 120 <= len(STOP_WORDS) <= 400


def test_extract_terms_bigrams_skip_stop_words_but_not_breaks() -> None:
    text = "The delivery was late, and it is not working. Fast delivery 👍 great service"
    assert extract_terms(text) == [
        "delivery",
        "late",
        "not",
        "working",
        "fast",
        "delivery",
        "great",
        "service",
        "delivery late",
        "not working",
        "fast delivery",
        "great service",
    ]
    assert extract_terms("Курьер не приехал", ngram_range=(2, 2)) == ["курьер не", "не приехал"]
    with pytest.raises(ValueError, match="ngram_range"):
        extract_terms("x", ngram_range=(2, 1))


# --------------------------------------------------------------------------- search

COMMENTS = pd.Series(
    [
        "Café was great",  # 0
        "the CAFE is closed",  # 1
        "ДОСТАВКА быстрая, курьер вежливый",  # 2
        "доставка не работает",  # 3
        None,  # 4
        "Delivery is not working at all",  # 5
        "not  really\nworking",  # 6
        "deliveryman was working, not late",  # 7
        "Ёлка пришла",  # 8
    ],
    dtype="string",
)


def hits(query: str | Query, comments: pd.Series = COMMENTS) -> list[int]:
    return np.flatnonzero(search_mask(comments, query)).tolist()


def test_parse_query() -> None:
    assert parse_query("") == Query()
    assert parse_query("   ").is_empty
    assert parse_query('Deliver  "NOT   working" «Доставка курьером»') == Query(
        words=("deliver",), phrases=("not working", "доставка курьером")
    )
    # An unclosed quote runs to the end; a one-word phrase is a word; repeats collapse.
    assert parse_query('late "not work') == Query(words=("late",), phrases=("not work",))
    assert parse_query('"late" late "" "') == Query(words=("late",))
    assert parse_query("“Not  working”").terms == ("not working",)


def test_search_all_words_substrings_and_case() -> None:
    assert hits("deliver") == [5, 7]  # substrings: "deliver" finds "delivery"
    assert hits("DELIVERY working") == [5, 7]
    assert hits("delivery late") == [7]
    assert hits("nothing-like-this") == []


def test_search_accents_both_ways() -> None:
    assert hits("cafe") == [0, 1]
    assert hits("CAFÉ") == [0, 1]


def test_search_cyrillic_case_and_yo() -> None:
    assert hits("ДОСТАВКА") == [2, 3]
    assert hits("доставка КУРЬЕР") == [2]
    assert hits("елка") == [8]
    assert hits("ёлка") == [8]


def test_search_phrase_means_consecutive_words() -> None:
    assert hits('"not working"') == [5]
    assert hits('"not really working"') == [6]  # whitespace collapsed on both sides
    assert hits('"working not"') == []
    assert hits("not working") == [5, 6, 7]  # unquoted: both words anywhere
    assert hits('"не работает" доставка') == [3]
    assert hits("«не работает»") == [3]


def test_search_unbalanced_quote() -> None:
    assert hits('"not work') == [5]  # the open phrase runs to the end
    assert hits('working "') == [5, 6, 7]  # a trailing lone quote changes nothing


def test_search_empty_query_matches_everything_and_na_never_matches() -> None:
    assert search_mask(COMMENTS, "").all()
    assert search_mask(COMMENTS, '  "" ').all()
    assert search_mask(COMMENTS, "").dtype == np.bool_
    assert 4 not in hits("a")
    assert 4 not in hits("e")


def test_search_normalized_fast_path_and_dtypes() -> None:
    normalized = normalize_series(COMMENTS)
    for q in ["deliver", '"not working"', "доставка", "cafe", ""]:
        expected = search_mask(COMMENTS, q)
        assert search_mask(normalized, q, normalized=True).tolist() == expected.tolist()
        as_object = pd.Series(COMMENTS.to_numpy(dtype=object, na_value=None))
        assert search_mask(as_object, q).tolist() == expected.tolist()
    assert search_mask(COMMENTS.iloc[:0], "x").shape == (0,)


def test_terms_mask_is_token_level() -> None:
    comments = pd.Series(
        ["Delivery late", "deliveryman rude", None, "the delivery is NOT working", "not, working"],
        dtype="string",
    )
    assert terms_mask(comments, "delivery").tolist() == [True, False, False, True, False]
    assert terms_mask(comments, "not working").tolist() == [False, False, False, True, False]
    assert terms_mask(comments, "Delivery  Late").tolist() == [True, False, False, False, False]
    normalized = normalize_series(comments)
    assert terms_mask(normalized, "delivery", normalized=True).tolist() == (
        terms_mask(comments, "delivery").tolist()
    )
    assert terms_mask(comments, "").all()  # no term chosen: no filter
    assert not terms_mask(comments, "!!").any()
    assert not terms_mask(comments, "the").any()  # stop words are never terms


# --------------------------------------------------------------------------- properties

_ALPHABET = st.sampled_from(
    [
        *"aAbBeEéÉoO",
        *"дДоОеЕёЁйЙиИ",
        " ",
        "  ",
        "\n",
        '"',
        "«",
        "»",
        "'",
        "’",
        "-",
        ".",
        ",",
        "\u200b",
        "\u0301",
        "\u0306",
        "\u202e",
        "👍",
    ]
)
_TEXT = st.lists(_ALPHABET, max_size=24).map("".join)
_COMMENTS = st.lists(st.one_of(st.none(), _TEXT), max_size=12)


def brute_force_search(comments: list[str | None], q: str) -> list[bool]:
    query = parse_query(q)
    return [
        query.is_empty or (c is not None and all(term in normalize(c) for term in query.terms))
        for c in comments
    ]


@settings(max_examples=300, deadline=None)
@given(comments=_COMMENTS, q=_TEXT)
def test_search_mask_equals_brute_force(comments: list[str | None], q: str) -> None:
    series = pd.Series(comments, dtype="string")
    expected = brute_force_search(comments, q)
    assert search_mask(series, q).tolist() == expected
    assert search_mask(normalize_series(series), q, normalized=True).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(comments=_COMMENTS, term=_TEXT)
def test_terms_mask_equals_brute_force(comments: list[str | None], term: str) -> None:
    words = tokenize(term, stop_words=False)
    n = len(words)

    def brute_force(c: str | None) -> bool:
        if not words:
            return not normalize(term)  # blank term: no filter; punctuation only: nothing
        return c is not None and " ".join(words) in extract_terms(c, ngram_range=(n, n))

    expected = [brute_force(c) for c in comments]
    assert terms_mask(pd.Series(comments, dtype="string"), term).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40) | _TEXT)
def test_normalize_is_idempotent_and_tokens_are_substrings(text: str) -> None:
    folded = normalize(text)
    assert normalize(folded) == folded
    assert tokenize(folded) == tokenize(text)
    for token in tokenize(text, stop_words=False):
        assert token in folded


# --------------------------------------------------------------------------- log-odds


def test_log_odds_by_hand() -> None:
    # Three detractor and three promoter comments, plus one passive that only feeds the
    # prior. Unigrams, every term kept (min_count=1), prior_scale=0.5: α_w = 0.5 × the
    # number of comments (all seven) containing w.
    comments = [
        "Slow delivery",  # detractor
        "Slow refund!",  # detractor
        "Great staff",  # detractor
        "Great delivery",  # promoter
        "Great staff",  # promoter
        "Fast refund",  # promoter
        "Okay delivery",  # passive
    ]
    groups = ["detractor"] * 3 + ["promoter"] * 3 + ["passive"]
    #   term      y_det  y_pro  background  α_w
    #   slow        2      0        2       1.0
    #   delivery    1      1        3       1.5
    #   refund      1      1        2       1.0
    #   great       1      2        3       1.5
    #   staff       1      1        2       1.0
    #   fast        0      1        1       0.5
    #   okay        0      0        1       0.5   (not ranked: y_det + y_pro = 0)
    # n_det = n_pro = 6 (sum of each column), n_background = 14, α_0 = 0.5 × 14 = 7.
    #
    # slow:  δ = ln((2+1)/(6+7−2−1)) − ln((0+1)/(6+7−0−1)) = ln(3/10) − ln(1/12) = ln 3.6
    #          = 1.280934;  σ² = 1/3 + 1/1 = 4/3;  z = 1.280934 / 1.154701 = 1.109321
    # great: δ = ln(2.5/10.5) − ln(3.5/9.5) = ln(95/147) = −0.436556
    #          σ² = 1/2.5 + 1/3.5 = 24/35;  z = −0.436556 / 0.828079 = −0.527191
    # fast:  δ = ln(0.5/12.5) − ln(1.5/11.5) = ln(23/75) = −1.181994
    #          σ² = 1/0.5 + 1/1.5 = 8/3;  z = −1.181994 / 1.632993 = −0.723820
    # delivery, refund, staff: equal counts in equal-sized corpora → δ = 0, on no side.
    result = distinctive_terms(
        pd.Series(comments, dtype="string"),
        pd.Series(groups, dtype="category"),
        ngram_range=(1, 1),
        min_count=1,
        prior_scale=0.5,
    )
    assert isinstance(result, DistinctiveTerms)
    assert (result.n_detractor, result.n_promoter) == (3, 3)

    det = result.detractor
    assert list(det.columns) == ["term", "z", "delta", "count_detractor", "count_promoter"]
    assert det["term"].tolist() == ["slow"]
    assert det["delta"].iloc[0] == pytest.approx(math.log(3.6))
    assert det["z"].iloc[0] == pytest.approx(math.log(3.6) / math.sqrt(4 / 3))
    assert det["z"].iloc[0] == pytest.approx(1.109321, abs=1e-6)
    assert det[["count_detractor", "count_promoter"]].iloc[0].tolist() == [2, 0]

    # The promoter table is oriented towards promoters: it shows −δ and −z.
    pro = result.promoter
    assert pro["term"].tolist() == ["fast", "great"]
    assert pro["delta"].tolist() == pytest.approx([-math.log(23 / 75), -math.log(95 / 147)])
    assert pro["z"].tolist() == pytest.approx([0.723820, 0.527191], abs=1e-6)
    assert pro["count_detractor"].tolist() == [0, 1]
    assert pro["count_promoter"].tolist() == [1, 2]


def test_log_odds_z_formula_is_antisymmetric() -> None:
    y_i, y_j, alpha = np.array([5.0, 0.0]), np.array([1.0, 4.0]), np.array([0.5, 0.5])
    delta, z = log_odds_z(y_i, y_j, alpha, 20.0, 30.0, 3.0)
    delta_r, z_r = log_odds_z(y_j, y_i, alpha, 30.0, 20.0, 3.0)
    assert delta == pytest.approx(-delta_r)
    assert z == pytest.approx(-z_r)
    expected = math.log(5.5 / 17.5) - math.log(1.5 / 31.5)
    assert delta[0] == pytest.approx(expected)
    assert z[0] == pytest.approx(expected / math.sqrt(1 / 5.5 + 1 / 1.5))


def test_distinctive_terms_counts_comments_not_repeats_and_finds_phrases() -> None:
    detractor = ["The app is not working", "Not working again!", "still NOT working, slow"] * 3
    promoter = ["Works great, fast delivery", "Great app", "fast and friendly"] * 3
    comments = pd.Series([*detractor, *promoter, "slow slow slow slow"], dtype="string")
    groups = ["detractor"] * 9 + ["promoter"] * 9 + ["detractor"]
    result = distinctive_terms(comments, groups, top=5)
    det = result.detractor.set_index("term")
    assert "not working" in det.index
    assert det.loc["not working", "count_detractor"] == 9
    assert det.loc["slow", "count_detractor"] == 4  # the rant counts once
    assert (result.detractor["z"] > 0).all()
    assert result.detractor["z"].is_monotonic_decreasing
    assert "great" in result.promoter["term"].tolist()
    assert len(result.detractor) <= 5


def test_distinctive_counts_agree_with_terms_mask() -> None:
    rng = np.random.default_rng(7)
    vocab = ["slow", "late", "не", "работает", "great", "быстро", "courier", "доставка", "ok"]
    comments = [
        None if rng.random() < 0.1 else " ".join(rng.choice(vocab, size=rng.integers(1, 6)))
        for _ in range(300)
    ]
    groups = pd.Series(rng.choice(["detractor", "passive", "promoter"], size=300))
    series = pd.Series(comments, dtype="string")
    result = distinctive_terms(series, groups, min_count=1, top=1000)
    assert len(result.detractor) + len(result.promoter) > 10
    normalized = normalize_series(series)
    for table in (result.detractor, result.promoter):
        for row in table.itertuples():
            mask = terms_mask(normalized, row.term, normalized=True)
            assert mask[(groups == "detractor").to_numpy()].sum() == row.count_detractor
            assert mask[(groups == "promoter").to_numpy()].sum() == row.count_promoter


def test_distinctive_terms_edge_cases() -> None:
    empty = distinctive_terms(pd.Series([], dtype="string"), pd.Series([], dtype="string"))
    assert empty.detractor.empty
    assert empty.promoter.empty
    assert list(empty.promoter.columns) == [
        "term",
        "z",
        "delta",
        "count_detractor",
        "count_promoter",
    ]
    only_detractors = distinctive_terms(["slow slow", "slow"], ["detractor", "detractor"])
    assert only_detractors.detractor.empty
    assert only_detractors.n_detractor == 2
    with pytest.raises(ValueError, match="length"):
        distinctive_terms(["a"], ["detractor", "promoter"])
    with pytest.raises(ValueError, match="prior_scale"):
        distinctive_terms(["a"], ["detractor"], prior_scale=0)
    with pytest.raises(ValueError, match="min_count"):
        distinctive_terms(["a"], ["detractor"], min_count=0)
