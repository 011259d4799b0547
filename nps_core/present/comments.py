"""The Comments explorer as plain data: its filters, its table, its counts and its export.

Pure (no Streamlit), so it is tested directly; ``nps_core.ui.comments`` draws the
widgets and ``app_pages/comments.py`` lays them out. Filtering is vectorised over the review
frame and its normalised comment column (``nps_core.analysis.tokens.normalize_series``, computed
once per fetched period), so it stays fast on 100,000+ reviews.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from nps_core.analysis.search import search_mask, terms_mask
from nps_core.analysis.tokens import NEGATIONS, normalize, tokenize
from nps_core.contract.models import GROUPS, group_of
from nps_core.present.contacts import contact_column, export_columns
from nps_core.present.formatting import format_count
from nps_core.present.frames import in_fetch_order
from nps_core.present.i18n import gettext, ngettext
from nps_core.present.labels import names_of
from nps_core.present.palette import GROUP_COLORS, GROUP_MEMBER

__all__ = [
    "EXPORT_COLUMNS",
    "PARAMS",
    "RATE_TAGS",
    "RATE_TAG_COLORS",
    "TABLE_COLUMNS",
    "CommentFilters",
    "canonical_term",
    "canonical_theme",
    "count_text",
    "export_csv",
    "filter_mask",
    "guard_formulas",
    "local_time",
    "newest_first",
    "parse_comment_filters",
    "rate_tag",
    "rate_tag_text",
    "review_columns",
    "review_table",
    "shown_terms",
]

RATE_LOW, RATE_HIGH = 0, 10  # readers classify a 0 too, though the API takes 1..10

# URL parameter of each filter (beside the shared ones of nps_core.present.filters).
PARAM_QUERY, PARAM_TERM, PARAM_THEME, PARAM_GROUPS = "q", "term", "theme", "groups"
PARAM_RATE, PARAM_WITH_COMMENT = "rate", "with_comment"
PARAMS: tuple[str, ...] = (
    PARAM_QUERY,
    PARAM_TERM,
    PARAM_THEME,
    PARAM_GROUPS,
    PARAM_RATE,
    PARAM_WITH_COMMENT,
)
# A theme's name from a link is cut to this length (labels and pinned names are short).
THEME_NAME_LIMIT = 80

# The table shows a rate as a coloured tag. Tags are zero-padded so that sorting the
# column as text sorts it by rate ("09" < "10"); the page displays them unpadded.
RATE_TAGS: tuple[str, ...] = tuple(f"{rate:02d}" for rate in range(RATE_LOW, RATE_HIGH + 1))
RATE_TAG_COLORS: tuple[str, ...] = tuple(GROUP_COLORS[group_of(int(tag))] for tag in RATE_TAGS)

TABLE_COLUMNS: tuple[str, ...] = ("date", "channel", "category", "rate", "comment", "client_id")
EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "created_at",
    "day",
    "channel",
    "channel_name",
    "category",
    "category_name",
    "rate",
    "group",
    "comment",
    "client_id",
)

# A spreadsheet runs a cell starting with one of these as a formula ("=HYPERLINK(…)"):
# such cells get a leading apostrophe, the usual guard, which spreadsheets hide.
_FORMULA_START = r"^[=+\-@\t\r]"
_NEGATIONS = frozenset(normalize(word) for word in NEGATIONS)


@dataclass(frozen=True)
class CommentFilters:
    """The Comments page's own filters; each narrows the rows (logical AND)."""

    groups: tuple[str, ...] = ()  # empty: every group
    rate_range: tuple[int, int] = (RATE_LOW, RATE_HIGH)
    with_comment: bool = False
    query: str = ""  # the search box (nps_core.analysis.search.parse_query syntax)
    term: str = ""  # one of the distinctive terms
    theme: str = ""  # a theme's label (nps_core.analysis.themes)

    def with_(self, **changes: Any) -> CommentFilters:
        """A copy with ``changes`` to its fields (``dataclasses.replace`` checks their names)."""
        return replace(self, **changes)

    def to_query(self) -> dict[str, str]:
        """URL parameters for these filters; defaults are left out to keep links short."""
        query: dict[str, str] = {}
        if self.query.strip():
            query[PARAM_QUERY] = self.query
        if self.term:
            query[PARAM_TERM] = self.term
        if self.theme:
            query[PARAM_THEME] = self.theme
        if self.groups:
            query[PARAM_GROUPS] = ",".join(self.groups)
        if self.rate_range != (RATE_LOW, RATE_HIGH):
            low, high = self.rate_range
            query[PARAM_RATE] = f"{low}-{high}"
        if self.with_comment:
            query[PARAM_WITH_COMMENT] = "1"
        return query


def canonical_term(text: str) -> str:
    """A term as ``distinctive_terms`` spells it: its normalised words, one space apart.

    Terms only ever hold letters, digits, inner apostrophes and hyphens, so a canonical
    term from a link is safe to show anywhere, Markdown labels included.
    """
    return " ".join(tokenize(text, stop_words=False))


def canonical_theme(text: str) -> str:
    """A theme's name as a link may carry it: one space between words, at most
    `THEME_NAME_LIMIT` characters. It is matched against the labels exactly."""
    return " ".join(text.split())[:THEME_NAME_LIMIT].strip()


def _rate_range(value: str) -> tuple[int, int]:
    low_text, _, high_text = value.partition("-")
    low = int(low_text)
    high = int(high_text) if high_text else low
    if not RATE_LOW <= low <= high <= RATE_HIGH:
        raise ValueError(value)
    return low, high


def parse_comment_filters(params: Mapping[str, str]) -> tuple[CommentFilters, list[str]]:
    """The filters a link asks for, and a notice for each value that was ignored."""
    notices: list[str] = []
    groups: list[str] = []
    for name in (params.get(PARAM_GROUPS) or "").split(","):
        name = name.strip()
        if name in GROUPS:
            groups.append(name)
        elif name:
            # Not echoed: a toast renders Markdown, and links are anyone's to write.
            notices.append(
                gettext("The link names an unknown group (use {groups}); it is ignored.").format(
                    groups=", ".join(GROUPS)
                )
            )
    rate_range = (RATE_LOW, RATE_HIGH)
    if params.get(PARAM_RATE):
        try:
            rate_range = _rate_range(params[PARAM_RATE])
        except ValueError:
            notices.append(
                gettext(
                    "The link's rate range must look like 0-6 (from {low} to {high}); "
                    "showing every rate."
                ).format(low=RATE_LOW, high=RATE_HIGH)
            )
    filters = CommentFilters(
        groups=tuple(g for g in GROUPS if g in groups),
        rate_range=rate_range,
        with_comment=(params.get(PARAM_WITH_COMMENT) or "").lower() in ("1", "true", "yes"),
        query=params.get(PARAM_QUERY) or "",
        term=canonical_term(params.get(PARAM_TERM) or ""),
        theme=canonical_theme(params.get(PARAM_THEME) or ""),
    )
    return filters, notices


Matcher = Callable[..., np.ndarray]  # search_mask or terms_mask


def _narrow(mask: np.ndarray, normalized: pd.Series, needle: str, matcher: Matcher) -> None:
    """Apply a text matcher to the rows still in ``mask`` only (the costly part)."""
    rows = np.flatnonzero(mask)
    if rows.size:
        hits = matcher(normalized.iloc[rows], needle, normalized=True)
        mask[rows[~hits]] = False


def filter_mask(
    frame: pd.DataFrame,
    normalized: pd.Series,
    filters: CommentFilters,
    themes: pd.Series | None = None,
) -> np.ndarray:
    """Which rows of ``frame`` the filters keep.

    ``normalized`` is ``normalize_series(frame["comment"])`` and ``themes`` each row's
    main theme (``Themes.assignment``), row for row; without ``themes`` a chosen theme
    keeps no row. Cheap column tests run first so the text scans only see the rows left.
    """
    if len(normalized) != len(frame) or (themes is not None and len(themes) != len(frame)):
        raise ValueError("normalized comments and themes must align with the frame, row for row")
    mask = np.ones(len(frame), dtype=bool)
    if filters.theme:
        if themes is None:
            return np.zeros(len(frame), dtype=bool)
        mask &= (themes.astype(object) == filters.theme).to_numpy(dtype=bool)
    if filters.groups and set(filters.groups) != set(GROUPS):
        mask &= frame["group"].isin(filters.groups).to_numpy(dtype=bool)
    if filters.rate_range != (RATE_LOW, RATE_HIGH):
        low, high = filters.rate_range
        rate = frame["rate"].to_numpy()
        mask &= (rate >= low) & (rate <= high)
    if filters.with_comment:
        mask &= normalized.fillna("").to_numpy(dtype=object) != ""
    if filters.query.strip():
        _narrow(mask, normalized, filters.query, search_mask)
    if filters.term:
        _narrow(mask, normalized, filters.term, terms_mask)
    return mask


def rate_tag(rates: pd.Series | np.ndarray) -> np.ndarray:
    """Each rate as its tag in ``RATE_TAGS`` (out-of-scale rates are clipped)."""
    values = np.clip(np.asarray(rates, dtype=np.int64), RATE_LOW, RATE_HIGH)
    return np.asarray(RATE_TAGS, dtype=object)[values - RATE_LOW]


def rate_tag_text(tag: str) -> str:
    """A rate tag as the table shows it, its group written out (not by colour alone):
    "4 · detractor"."""
    rate = int(tag)
    return f"{rate} · {GROUP_MEMBER[group_of(rate)]}"


def local_time(frame: pd.DataFrame, tz: str) -> pd.Series:
    """When each review was written, in ``tz`` (the day alone on legacy servers)."""
    local = frame["created_at"].dt.tz_convert(tz).dt.tz_localize(None)
    return local.fillna(frame["day"])


def newest_first(frame: pd.DataFrame) -> pd.DataFrame:
    # The fetch's order (day, time, id) backwards: a frame still in it is only reversed,
    # where a sort would cost a big shop's month some tens of milliseconds every run.
    if in_fetch_order(frame):
        return frame.iloc[::-1]
    return frame.sort_values(
        ["day", "created_at", "id"], ascending=False, na_position="last", kind="stable"
    )


def review_table(
    frame: pd.DataFrame,
    *,
    tz: str,
    channel_names: Mapping[str, str],
    category_names: Mapping[str, str],
) -> pd.DataFrame:
    """The rows as the page's table shows them (``TABLE_COLUMNS``), newest first.

    Client ids become text: they can exceed 2**53, which a browser's numbers cannot hold.
    """
    rows = newest_first(frame)
    return pd.DataFrame(
        {
            "date": local_time(rows, tz),
            "channel": names_of(rows["channel"], channel_names),
            "category": names_of(rows["category"], category_names),
            "rate": rate_tag(rows["rate"]),
            "comment": rows["comment"].astype("string"),
            "client_id": contact_column(rows, "client_id"),
        }
    )


def guard_formulas(column: pd.Series) -> pd.Series:
    text = column.astype("string")
    risky = text.str.contains(_FORMULA_START, regex=True).fillna(False).to_numpy(dtype=bool)
    if not risky.any():
        return text
    return text.mask(risky, "'" + text)


def review_columns(
    rows: pd.DataFrame, channel_names: Mapping[str, str], category_names: Mapping[str, str]
) -> dict[str, pd.Series]:
    """A CSV's columns of what a review says: segment codes and names, rate, group and
    comment, each cell a spreadsheet would run as a formula guarded."""
    return {
        "channel": guard_formulas(rows["channel"]),
        "channel_name": guard_formulas(names_of(rows["channel"], channel_names)),
        "category": guard_formulas(rows["category"]),
        "category_name": guard_formulas(names_of(rows["category"], category_names)),
        "rate": rows["rate"].astype(np.int64),
        "group": rows["group"].astype("string"),
        "comment": guard_formulas(rows["comment"]),
    }


def export_csv(
    frame: pd.DataFrame,
    *,
    tz: str,
    channel_names: Mapping[str, str],
    category_names: Mapping[str, str],
) -> bytes:
    """Exactly the rows of ``frame`` as CSV (``EXPORT_COLUMNS``), newest first.

    UTF-8 with a byte-order mark, so spreadsheet programs read Cyrillic right. Times are
    in ``tz`` with their UTC offset. Text that a spreadsheet would run as a formula gets
    a leading apostrophe.
    """
    rows = newest_first(frame)
    created = rows["created_at"].dt.tz_convert(tz).dt.floor("s")
    table = pd.DataFrame(
        {
            "id": rows["id"],
            "created_at": created,
            "day": rows["day"].dt.strftime("%Y-%m-%d"),
            **review_columns(rows, channel_names, category_names),
            "client_id": contact_column(rows, "client_id"),
        },
        columns=export_columns(EXPORT_COLUMNS, frame),
    )
    return table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def count_text(shown: int, total: int) -> str:
    """ "1,234 of 20,000 reviews"."""
    return ngettext("{shown} of {total} review", "{shown} of {total} reviews", total).format(
        shown=format_count(shown), total=format_count(total)
    )


def shown_terms(table: pd.DataFrame, limit: int) -> list[str]:
    """The first ``limit`` terms of a ``DistinctiveTerms`` table, without echoes.

    Left out, so that each chip is a term of its own: a word that only ever occurs
    inside one of the listed phrases ("three" and "times" beside "three times", counted
    in the same comments), and a negation on its own ("не", "never"), which the
    tokeniser keeps only so that phrases like "не работает" survive.
    """
    terms = table["term"].astype(str).tolist()
    counts = list(zip(table["count_detractor"], table["count_promoter"], strict=True))
    phrases = [(set(t.split()), c) for t, c in zip(terms, counts, strict=True) if " " in t]
    kept = [
        term
        for term, count in zip(terms, counts, strict=True)
        if " " in term
        or (
            term not in _NEGATIONS and not any(term in words and count == c for words, c in phrases)
        )
    ]
    return kept[:limit]
