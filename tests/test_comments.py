"""The Comments explorer's pure parts: URL filters, masks, table, counts, CSV, terms."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from nps_core.analysis.search import search_mask, terms_mask
from nps_core.analysis.tokens import normalize_series
from nps_core.contract.models import GROUPS, group_of
from nps_core.present.comments import (
    EXPORT_COLUMNS,
    RATE_TAG_COLORS,
    RATE_TAGS,
    TABLE_COLUMNS,
    CommentFilters,
    canonical_term,
    canonical_theme,
    count_text,
    export_csv,
    filter_mask,
    parse_comment_filters,
    rate_tag,
    review_table,
    shown_terms,
)
from nps_core.present.contacts import MASK, has_contacts, without_contacts
from nps_core.present.filters import parse_filters, to_query
from nps_core.present.palette import GROUP_COLORS

BIG_CLIENT = 1515915625535836508  # above 2**53: must survive exactly


def reviews(rows: list[tuple[str, str, str, int, str | None]]) -> pd.DataFrame:
    """A review frame (ARCHITECTURE.md's columns) from (created_at, channel, category,
    rate, comment) tuples; ids count from 1 in the order given."""
    created = pd.to_datetime([r[0] for r in rows], utc=True).as_unit("ns")
    rates = np.array([r[3] for r in rows], dtype=np.int8)
    return pd.DataFrame(
        {
            "id": np.arange(1, len(rows) + 1, dtype=np.int64),
            "created_at": created,
            "day": created.tz_localize(None).floor("D"),
            "channel": pd.Categorical([r[1] for r in rows]),
            "category": pd.Categorical([r[2] for r in rows]),
            "rate": rates,
            "group": pd.Categorical(
                [group_of(int(r)) for r in rates], categories=GROUPS, ordered=True
            ),
            "comment": pd.Series([r[4] for r in rows], dtype="string"),
            "client_id": pd.Series([BIG_CLIENT + i for i in range(len(rows))], dtype="Int64"),
            "email": pd.Series([None] * len(rows), dtype="string"),
            "phone": pd.Series([None] * len(rows), dtype="string"),
        }
    )


@pytest.fixture
def frame() -> pd.DataFrame:
    return reviews(
        [
            ("2024-05-01T08:00:00Z", "email", "delivery", 2, "Courier was LATE again"),
            ("2024-05-03T10:30:00Z", "web", "delivery", 9, "Fast délivery, thanks"),
            ("2024-05-02T23:59:00Z", "sms", "product", 7, None),
            ("2024-05-03T09:00:00Z", "email", "product", 0, "Доставка опоздала, курьер грубый"),
            ("2024-05-02T12:00:00Z", "kiosk", "pickup", 10, '=HYPERLINK("http://x")'),
            ("2024-05-01T07:00:00Z", "web", "support", 5, "   "),
            ("2024-05-03T10:30:00Z", "web", "support", 6, "not working, late delivery"),
        ]
    )


NAMES = {
    "channel_names": {"email": "Email survey", "web": "Website", "sms": "SMS"},
    "category_names": {"delivery": "Delivery", "product": "Product quality"},
}


def ids(frame: pd.DataFrame, mask: np.ndarray) -> list[int]:
    return sorted(frame.loc[mask, "id"].tolist())


# --------------------------------------------------------------------------- URL


def test_default_filters_make_no_parameters() -> None:
    assert CommentFilters().to_query() == {}
    assert parse_comment_filters({}) == (CommentFilters(), [])


def test_filters_round_trip_through_the_url() -> None:
    filters = CommentFilters(
        groups=("detractor", "promoter"),
        rate_range=(0, 6),
        with_comment=True,
        query='"late delivery" курьер',
        term="not working",
    )
    query = filters.to_query()
    assert query == {
        "q": '"late delivery" курьер',
        "term": "not working",
        "groups": "detractor,promoter",
        "rate": "0-6",
        "with_comment": "1",
    }
    assert parse_comment_filters(query) == (filters, [])


def test_bad_url_values_are_ignored_with_a_notice() -> None:
    filters, notices = parse_comment_filters(
        {"groups": "promoter,angry,detractor,promoter", "rate": "3-11", "term": "  Доставка!! "}
    )
    assert filters.groups == ("detractor", "promoter")  # in group order, once each
    assert filters.rate_range == (0, 10)
    assert filters.term == "доставка"
    assert len(notices) == 2
    assert "unknown group" in notices[0]
    assert "angry" not in notices[0]  # links are anyone's to write: never echoed


@pytest.mark.parametrize(("value", "expected"), [("7", (7, 7)), ("9-10", (9, 10)), ("0-0", (0, 0))])
def test_rate_range_forms(value: str, expected: tuple[int, int]) -> None:
    assert parse_comment_filters({"rate": value})[0].rate_range == expected


@pytest.mark.parametrize("value", ["6-3", "-1", "a-b", "1-2-3", "11"])
def test_bad_rate_ranges(value: str) -> None:
    filters, notices = parse_comment_filters({"rate": value})
    assert filters.rate_range == (0, 10)
    assert notices


def test_shared_filters_keep_the_comment_parameters() -> None:
    """nps_core.present.filters keeps unknown parameters, so the shared sidebar keeps ours."""
    ours = CommentFilters(query="late", term="courier", groups=("detractor",)).to_query()
    state, notices = parse_filters({"period": "7d", **ours}, pd.Timestamp("2024-05-03").date())
    assert notices == []
    assert dict(state.extra) == ours
    assert to_query(state) == {"period": "7d", **ours}


def test_canonical_term_is_markdown_safe() -> None:
    assert canonical_term("**Bold** [link](x) :red[hi]") == "bold link red hi"
    assert canonical_term("Wi‑Fi DON’T") == "wi-fi don't"
    assert canonical_term("!!!") == ""


# --------------------------------------------------------------------------- masks


def test_no_filter_keeps_every_row(frame: pd.DataFrame) -> None:
    mask = filter_mask(frame, normalize_series(frame["comment"]), CommentFilters())
    assert mask.all()


def test_groups_rate_and_comment_filters(frame: pd.DataFrame) -> None:
    normalized = normalize_series(frame["comment"])
    detractors = filter_mask(frame, normalized, CommentFilters(groups=("detractor",)))
    assert ids(frame, detractors) == [1, 4, 6, 7]
    assert filter_mask(frame, normalized, CommentFilters(groups=GROUPS)).all()
    rate = filter_mask(frame, normalized, CommentFilters(rate_range=(5, 7)))
    assert ids(frame, rate) == [3, 6, 7]
    combined = CommentFilters(groups=("detractor",), rate_range=(5, 10), with_comment=True)
    # Review 6's comment is only spaces: it counts as no comment.
    assert ids(frame, filter_mask(frame, normalized, combined)) == [7]


def test_search_is_case_accent_and_cyrillic_insensitive(frame: pd.DataFrame) -> None:
    normalized = normalize_series(frame["comment"])
    for query, expected in [
        ("late", [1, 7]),
        ("DELIVERY", [2, 7]),  # "délivery" too
        ("late delivery", [7]),  # every word
        ('"delivery thanks"', []),  # a phrase as written: the comma is in between
        ('"late delivery"', [7]),
        ("ДОСТАВКА курьер", [4]),
        ("", [1, 2, 3, 4, 5, 6, 7]),
    ]:
        mask = filter_mask(frame, normalized, CommentFilters(query=query))
        assert ids(frame, mask) == expected, query
        # The page's count is exactly nps_core.analysis.search's on the same frame.
        assert mask.sum() == search_mask(frame["comment"], query).sum()


def test_term_filter_matches_whole_terms(frame: pd.DataFrame) -> None:
    normalized = normalize_series(frame["comment"])
    mask = filter_mask(frame, normalized, CommentFilters(term="late"))
    assert ids(frame, mask) == [1, 7]
    assert ids(frame, filter_mask(frame, normalized, CommentFilters(term="not working"))) == [7]
    assert mask.sum() == terms_mask(frame["comment"], "late").sum()


def test_filters_combine_with_and(frame: pd.DataFrame) -> None:
    normalized = normalize_series(frame["comment"])
    filters = CommentFilters(groups=("detractor",), query="late", term="delivery")
    assert ids(frame, filter_mask(frame, normalized, filters)) == [7]


def test_mask_needs_aligned_comments(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="align"):
        filter_mask(frame, normalize_series(frame["comment"].iloc[:2]), CommentFilters())
    normalized = normalize_series(frame["comment"])
    with pytest.raises(ValueError, match="align"):
        filter_mask(frame, normalized, CommentFilters(), frame["comment"].iloc[:2])


def test_theme_filter_keeps_the_theme_s_rows(frame: pd.DataFrame) -> None:
    normalized = normalize_series(frame["comment"])
    labels = ["Delays", None, None, "Delays", None, None, "broken, app"]
    themes = pd.Series(pd.Categorical(labels), index=frame.index)
    assert ids(frame, filter_mask(frame, normalized, CommentFilters(), themes)) == list(range(1, 8))
    delays = CommentFilters(theme="Delays")
    assert ids(frame, filter_mask(frame, normalized, delays, themes)) == [1, 4]
    both = delays.with_(groups=("detractor",), query="курьер")
    assert ids(frame, filter_mask(frame, normalized, both, themes)) == [4]
    assert not filter_mask(frame, normalized, CommentFilters(theme="gone"), themes).any()
    assert not filter_mask(frame, normalized, delays).any()  # no themes computed: none


def test_theme_round_trips_through_the_url() -> None:
    filters = CommentFilters(theme="Late deliveries", term="late")
    assert filters.to_query() == {"term": "late", "theme": "Late deliveries"}
    assert parse_comment_filters(filters.to_query()) == (filters, [])
    parsed, notices = parse_comment_filters({"theme": "  size,   fit  \n wrong "})
    assert parsed.theme == "size, fit wrong"
    assert notices == []
    assert canonical_theme("x" * 500) == "x" * 80


def test_mask_on_a_filtered_frame_with_gaps_in_its_index(frame: pd.DataFrame) -> None:
    part = frame[frame["channel"] != "web"]
    mask = filter_mask(part, normalize_series(part["comment"]), CommentFilters(query="late"))
    assert ids(part, mask) == [1]


# --------------------------------------------------------------------------- table


def test_table_is_newest_first_with_names_and_tags(frame: pd.DataFrame) -> None:
    table = review_table(frame, tz="Europe/Moscow", **NAMES)
    assert tuple(table.columns) == TABLE_COLUMNS
    # Same time for 2 and 7: the higher id (the later one) first.
    assert table["comment"].iloc[:3].tolist() == [
        "not working, late delivery",
        "Fast délivery, thanks",
        "Доставка опоздала, курьер грубый",
    ]
    first = table.iloc[0]
    assert first["date"] == pd.Timestamp("2024-05-03 13:30")  # Moscow is UTC+3
    assert (first["channel"], first["category"], first["rate"]) == ("Website", "support", "06")
    kiosk = table[table["comment"].str.startswith("=", na=False)].iloc[0]
    assert kiosk["channel"] == "kiosk"  # a retired code keeps its code
    assert table["client_id"].iloc[-1] == str(BIG_CLIENT + 5)
    assert table["comment"].isna().sum() == 1


def test_a_frame_in_fetch_order_gives_the_same_table(frame: pd.DataFrame) -> None:
    """The fetch's order is only reversed, not sorted again: the table is the same."""
    in_order = frame.sort_values(["day", "created_at", "id"]).set_axis(range(len(frame)))
    expected = review_table(in_order.sample(frac=1, random_state=3), tz="UTC", **NAMES)
    assert review_table(in_order, tz="UTC", **NAMES).equals(expected)


def test_table_of_a_legacy_server_uses_the_day(frame: pd.DataFrame) -> None:
    legacy = frame.assign(
        created_at=pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    )
    table = review_table(legacy, tz="UTC", **NAMES)
    assert table["date"].iloc[0] == pd.Timestamp("2024-05-03")
    assert table["date"].notna().all()


def test_table_without_contacts_masks_the_client_id(frame: pd.DataFrame) -> None:
    redacted = without_contacts(frame.assign(email="x@y.org", phone="+1 555 0100"))
    assert not {"client_id", "email", "phone"} & set(redacted.columns)
    assert not has_contacts(redacted)
    assert has_contacts(frame)
    table = review_table(redacted, tz="UTC", **NAMES)
    assert tuple(table.columns) == TABLE_COLUMNS
    assert (table["client_id"] == MASK).all()
    assert table["comment"].notna().sum() == frame["comment"].notna().sum()


def test_table_of_no_rows(frame: pd.DataFrame) -> None:
    table = review_table(frame.iloc[:0], tz="UTC", **NAMES)
    assert tuple(table.columns) == TABLE_COLUMNS
    assert table.empty


def test_rate_tags_sort_like_rates_and_carry_band_colours() -> None:
    assert list(RATE_TAGS) == sorted(RATE_TAGS)
    assert rate_tag(pd.Series([0, 6, 7, 10], dtype="int8")).tolist() == ["00", "06", "07", "10"]
    assert RATE_TAG_COLORS[6] == GROUP_COLORS["detractor"]
    assert RATE_TAG_COLORS[8] == GROUP_COLORS["passive"]
    assert RATE_TAG_COLORS[9] == GROUP_COLORS["promoter"]


@pytest.mark.parametrize(
    ("shown", "total", "text"),
    [(1234, 20000, "1,234 of 20,000 reviews"), (0, 0, "0 of 0 reviews"), (1, 1, "1 of 1 review")],
)
def test_count_text(shown: int, total: int, text: str) -> None:
    assert count_text(shown, total) == text


# --------------------------------------------------------------------------- CSV


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets look for
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_holds_exactly_the_filtered_rows(frame: pd.DataFrame) -> None:
    normalized = normalize_series(frame["comment"])
    rows = frame[filter_mask(frame, normalized, CommentFilters(query="late"))]
    data = export_csv(rows, tz="UTC", **NAMES)
    records = read_csv(data)
    assert [r["id"] for r in records] == ["7", "1"]
    assert tuple(records[0]) == EXPORT_COLUMNS
    assert records[0]["created_at"] == "2024-05-03 10:30:00+00:00"
    assert records[0]["day"] == "2024-05-03"
    assert records[1]["channel_name"] == "Email survey"
    assert records[1]["rate"] == "2"
    assert records[1]["group"] == "detractor"
    assert records[0]["client_id"] == str(BIG_CLIENT + 6)


def test_csv_without_contacts_has_no_contact_column(frame: pd.DataFrame) -> None:
    data = export_csv(without_contacts(frame), tz="UTC", **NAMES)
    records = read_csv(data)
    assert tuple(records[0]) == tuple(c for c in EXPORT_COLUMNS if c != "client_id")
    assert len(records) == len(frame)
    assert str(BIG_CLIENT) not in data.decode("utf-8-sig")
    assert MASK not in data.decode("utf-8-sig")


def test_csv_keeps_cyrillic_quotes_and_newlines() -> None:
    frame = reviews(
        [
            ("2024-05-01T08:00:00Z", "email", "delivery", 3, 'Курьер сказал "завтра",\nно нет'),
            ("2024-05-01T09:00:00Z", "email", "delivery", 9, None),
        ]
    )
    records = read_csv(export_csv(frame, tz="Europe/Moscow", **NAMES))
    assert records[1]["comment"] == 'Курьер сказал "завтра",\nно нет'
    assert records[1]["created_at"] == "2024-05-01 11:00:00+03:00"
    assert records[0]["comment"] == ""


def test_csv_defuses_spreadsheet_formulas(frame: pd.DataFrame) -> None:
    records = read_csv(export_csv(frame, tz="UTC", **NAMES))
    kiosk = next(r for r in records if r["channel"] == "kiosk")
    assert kiosk["comment"] == '\'=HYPERLINK("http://x")'
    assert next(r for r in records if r["id"] == "7")["comment"] == "not working, late delivery"


def test_csv_of_no_rows_is_a_header(frame: pd.DataFrame) -> None:
    data = export_csv(frame.iloc[:0], tz="UTC", **NAMES)
    assert data.decode("utf-8-sig").strip() == ",".join(EXPORT_COLUMNS)


# ---------------------------------------------------------------------------- terms


def terms_table(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["term", "count_detractor", "count_promoter"])


def test_shown_terms_drop_echoes_of_phrases_and_lone_negations() -> None:
    table = terms_table(
        [
            ("не", 40, 0),
            ("three", 12, 0),
            ("three times", 12, 0),
            ("times", 12, 0),
            ("courier", 30, 2),  # also in a phrase, but in more comments: kept
            ("courier late", 10, 0),
            ("не работает", 9, 0),
            ("rude", 8, 0),
        ]
    )
    assert shown_terms(table, 10) == [
        "three times",
        "courier",
        "courier late",
        "не работает",
        "rude",
    ]
    assert shown_terms(table, 2) == ["three times", "courier"]
    assert shown_terms(terms_table([]), 5) == []
