"""Comment themes: the evaluation set, the figures per theme, pinned themes, edge cases."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_core.analysis.groups import groups_of
from nps_core.analysis.theme_text import language_of, stem_phrase
from nps_core.analysis.themes import TABLE_COLUMNS, Themes, find_themes
from nps_core.analysis.tokens import normalize
from nps_core.contract.pinned import PinnedTheme

EVAL = Path(__file__).parent / "themes_eval"
PURITY = 0.85
COVERAGE = 0.6


def review_frame(comments: list[str | None], rates: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "comment": pd.Series(comments, dtype="string"),
            "rate": pd.Series(rates, dtype="int8"),
        }
    )
    frame["group"] = groups_of(frame["rate"])
    return frame


@cache
def evaluation() -> tuple[pd.DataFrame, Themes]:
    data = pd.read_csv(EVAL / "comments.csv")
    frame = review_frame(data["comment"].tolist(), data["rate"].tolist())
    frame["lang"] = data["lang"]
    frame["topics"] = data["topics"].str.split(";")
    frame["kind"] = data["kind"]
    frame.index = frame.index * 3 + 7  # any index: the assignment must follow it
    return frame, find_themes(frame)


def purity(frame: pd.DataFrame, assignment: pd.Series) -> tuple[float, float]:
    """(purity over comments in a theme, share of comments in a theme)."""
    inside = assignment.notna()
    right = 0
    for _, topics in frame[inside].groupby(assignment[inside], observed=True)["topics"]:
        best = topics.explode().value_counts().index[0]
        right += int(topics.map(lambda ts, best=best: best in ts).sum())
    return right / max(int(inside.sum()), 1), float(inside.mean())


# ------------------------------------------------------------------------ evaluation set


def test_evaluation_set_is_what_the_readme_says() -> None:
    frame, _ = evaluation()
    assert len(frame) == 848
    assert frame.groupby("lang").size().to_dict() == {"en": 424, "ru": 424}
    single = frame[frame["kind"] != "mixed"]
    assert single.groupby(["lang", single["topics"].str[0]]).size().eq(40).all()
    assert set(frame["kind"]) == {"plain", "paraphrase", "typo", "mixed"}
    assert (language_of(frame["comment"].str.lower().tolist()) == frame["lang"]).all()


def test_purity_overall_and_per_language() -> None:
    frame, themes = evaluation()
    overall, coverage = purity(frame, themes.assignment)
    assert overall >= PURITY
    assert coverage >= COVERAGE
    for lang in ("en", "ru"):
        mine = frame["lang"] == lang
        score, _ = purity(frame[mine], themes.assignment[mine])
        assert score >= PURITY, lang


@pytest.mark.parametrize("scope", ["all", "en", "ru"])
def test_each_topics_main_theme_carries_a_word_of_the_topic(scope: str) -> None:
    frame, themes = evaluation()
    vocabulary = json.loads((EVAL / "topics.json").read_text(encoding="utf-8"))
    mine = frame if scope == "all" else frame[frame["lang"] == scope]
    for topic, words in vocabulary.items():
        stems = {stem_phrase(w) for lang_words in words.values() for w in lang_words}
        about = mine["topics"].map(lambda ts, t=topic: t in ts)
        held = themes.assignment.loc[about[about].index].value_counts()
        main = str(held.index[0])
        label_stems = {stem_phrase(w) for w in main.replace(",", " ").split()}
        assert label_stems & stems, (topic, main)


def test_labels_are_two_or_three_distinct_readable_words() -> None:
    _, themes = evaluation()
    labels = themes.table["label"].tolist()
    assert len(labels) == len(set(labels))
    words = [w for label in labels for w in label.replace(",", " ").split()]
    assert len(words) == len(set(words))  # no word in two labels
    for label in labels:
        assert 2 <= len(label.replace(",", " ").split()) <= 3, label
    # Surface forms, not stems: every word occurs in some comment as written (folded).
    text = normalize(" ".join(evaluation()[0]["comment"]))
    assert all(w in text for w in words)


def test_table_and_assignment_shape() -> None:
    frame, themes = evaluation()
    table = themes.table
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert themes.assignment.index.equals(frame.index)
    assert list(themes.assignment.cat.categories) == table["label"].tolist()
    counts = themes.assignment.value_counts()
    assert (table.set_index("label")["mentions"] == counts.reindex(table["label"])).all()
    assert table["share"].sum() <= 1.0 + 1e-9
    assert themes.commented.index.equals(frame.index)
    assert themes.commented.all()  # every comment of the set has text
    assert np.isclose(table["share"].sum(), themes.assignment.notna().mean())
    assert (table["ci_low"] <= table["ci_high"]).all()
    assert table["detractor_share"].between(0, 1).all()
    impact = table["impact"].to_numpy()
    assert (np.diff(impact) <= 1e-12).all()  # ranked by impact
    assert set(table["language"]) == {"en", "ru"}
    assert not table["pinned"].any()
    assert 3 <= (table["language"] == "en").sum() <= 12
    assert set(themes.terms) == set(table["label"])


def test_impact_of_found_themes_matches_brute_force() -> None:
    frame, themes = evaluation()
    check_impacts(frame, themes)


# ------------------------------------------------------------------- impact, brute force

SCORE = {"detractor": -1.0, "passive": 0.0, "promoter": 1.0}


def check_impacts(frame: pd.DataFrame, themes: Themes) -> None:
    """Every impact equals the counterfactual computed row by row."""
    scores = [SCORE[g] for g in frame["group"].astype(object)]
    commented = [isinstance(c, str) and c.strip() != "" for c in frame["comment"].astype(object)]
    labels = themes.assignment.astype(object).tolist()
    n = len(scores)
    nps_all = 100.0 * sum(scores) / n if n else math.nan
    for row in themes.table.itertuples():
        mine = [i for i in range(n) if labels[i] == row.label]
        others = [i for i in range(n) if commented[i] and labels[i] != row.label]
        assert row.mentions == len(mine)
        if not mine:
            assert row.impact == 0.0
            continue
        if not others:
            assert math.isnan(row.impact)
            continue
        mean_other = sum(scores[i] for i in others) / len(others)
        # The theme's commenters score like the other commenters, everyone else as is.
        counterfactual = sum(mean_other if labels[i] == row.label else scores[i] for i in range(n))
        expected = 100.0 * counterfactual / n - nps_all
        assert row.impact == pytest.approx(expected, abs=1e-9)
        assert row.nps == pytest.approx(100.0 * sum(scores[i] for i in mine) / len(mine))


PINS = (PinnedTheme("Alpha", ("alpha",)), PinnedTheme("Bravo", ("bravo", "браво")))
TEXTS = [None, "", "   ", "alpha", "Bravo!", "alpha bravo", "браво", "zulu", "Alphas"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 10), st.sampled_from(TEXTS)),
        min_size=0,
        max_size=40,
    )
)
def test_impact_adds_up_against_brute_force(rows: list[tuple[int, str | None]]) -> None:
    frame = review_frame([c for _, c in rows], [r for r, _ in rows])
    themes = find_themes(frame, n_themes=0, pinned=PINS)
    assert set(themes.table["label"]) == {"Alpha", "Bravo"}
    check_impacts(frame, themes)
    # Stems match "Alphas"; a comment with both words goes to the first pinned theme.
    for name, words in (("Alpha", ("alpha",)), ("Bravo", ("bravo", "браво"))):
        wanted = [
            isinstance(c, str)
            and any(w in c.lower() for w in words)
            and (name == "Alpha" or "alpha" not in c.lower())
            for _, c in rows
        ]
        got = (themes.assignment.astype(object) == name).tolist()
        assert got == wanted, name


# ---------------------------------------------------------------------- pinned themes


def test_pinned_theme_claims_its_comments_in_both_languages_first() -> None:
    frame, _ = evaluation()
    pin = PinnedTheme("Delays", ("late", "delay", "опоздал", "задержка"))
    themes = find_themes(frame, pinned=[pin])
    table = themes.table.set_index("label")
    assert table.loc["Delays", "pinned"]
    assert table.loc["Delays", "language"] == ""
    delays = frame[themes.assignment.astype(object).eq("Delays").to_numpy()]
    assert set(delays["lang"]) == {"en", "ru"}
    # Stems match inflected forms: "delayed", "задержки", "опоздала".
    text = " ".join(delays["comment"].str.lower())
    for form in ("delayed", "задержк", "опоздал"):
        assert form in text
    assert all(
        any(s in {stem_phrase(w) for w in pin.words} for s in stem_phrase(c).split())
        for c in delays["comment"]
    )
    # Found themes keep away from the pinned words, and from its name.
    found = themes.table.loc[~themes.table["pinned"], "label"]
    assert not any(w in label.split(", ") for label in found for w in ("late", "delay"))
    assert themes.terms["Delays"] == ["late", "delay", "опоздал", "задержка"]


def test_pinned_theme_without_comments_is_still_tracked() -> None:
    frame, _ = evaluation()
    themes = find_themes(frame, pinned=[PinnedTheme("Gift wrap", ("giftwrap", "подарочная"))])
    row = themes.table.set_index("label").loc["Gift wrap"]
    assert row["mentions"] >= 0
    empty = find_themes(frame.iloc[:0], pinned=[PinnedTheme("Nothing", ("zzz",))])
    assert empty.table["label"].tolist() == ["Nothing"]
    assert empty.table.loc[0, "mentions"] == 0
    assert empty.table.loc[0, "impact"] == 0.0
    assert math.isnan(empty.table.loc[0, "nps"])


def test_pinned_names_must_differ() -> None:
    with pytest.raises(ValueError, match="repeat"):
        find_themes(review_frame([], []), pinned=[PinnedTheme("A", ("x1",))] * 2)


# ------------------------------------------------------------------- number of themes


def test_n_themes_sets_the_number_found() -> None:
    frame, _ = evaluation()
    for n in (2, 5, 9):
        themes = find_themes(frame, n_themes=n)
        assert len(themes.table) == n
    assert find_themes(frame, n_themes=0).assignment.isna().all()
    with pytest.raises(ValueError, match="n_themes"):
        find_themes(frame, n_themes=-1)


def test_themes_are_deterministic() -> None:
    frame, themes = evaluation()
    again = find_themes(frame)
    pd.testing.assert_frame_equal(again.table, themes.table)
    pd.testing.assert_series_equal(again.assignment, themes.assignment)


# ------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize(
    ("frame", "commented"),
    [
        (pd.DataFrame(), 0),
        (review_frame([], []), 0),
        (review_frame([None, None], [3, 10]), 0),
        (review_frame(["", "  ", "\u200b"], [3, 10, 8]), 0),
        (review_frame(["!!!", "42", "😀"], [3, 10, 8]), 3),  # comments, without words
        (pd.DataFrame({"rate": pd.Series([9, 2], dtype="int8")}), 0),
    ],
    ids=["bare", "empty", "no-comments", "blank", "no-words", "no-comment-column"],
)
def test_periods_without_themes(frame: pd.DataFrame, commented: int) -> None:
    themes = find_themes(frame)
    assert themes.table.empty
    assert list(themes.table.columns) == list(TABLE_COLUMNS)
    assert themes.assignment.index.equals(frame.index)
    assert themes.assignment.isna().all()
    assert int(themes.commented.sum()) == commented


@pytest.mark.parametrize("comment", ["The courier was late again", "Курьер опоздал"])
def test_one_comment_period(comment: str) -> None:
    frame = review_frame([comment, None], [2, 9])
    themes = find_themes(frame)
    assert len(themes.table) <= 1
    pinned = find_themes(frame, pinned=[PinnedTheme("Late", ("late", "опоздал"))])
    row = pinned.table.set_index("label").loc["Late"]
    assert row["mentions"] == 1
    assert row["share"] == 1.0
    assert row["nps"] == -100.0
    assert math.isnan(row["impact"])  # no other commenter to compare with
    check_impacts(frame, pinned)


def test_the_comments_page_loads_scikit_learn_only_to_find_themes() -> None:
    # The page draws its comments before its themes: importing it must stay light.
    code = (
        "import sys, nps_core.ui.comments, nps_core.ui.themes, nps_core.present.themes; "
        "print(sorted(m for m in ('sklearn', 'scipy', 'Stemmer') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
