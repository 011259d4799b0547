"""load_file: CSV and JSON Lines, all or nothing, errors that name line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nps_core.server.loader import LoadError, load_file
from nps_core.server.store import Store
from tests.support.shops import SHOP

GOOD_CSV = """created_at,channel,category,rate,comment,client_id,email,phone
2024-03-01T10:00:00Z,email,support,0,"Slow, and
rude",1515915625535836508,a@b.co,
2024-03-01T10:00:00.123+03:00,retired_channel,old_category,10,,,,+7 912 000 11 22
2024-03-02T08:30:00,web,support,7,Привет,,,
2024-03-03,web,support,9,,,,
"""


def rows(db_path: Path) -> list[dict]:
    store = Store(db_path)
    try:
        return store.all_reviews(SHOP)
    finally:
        store.close()


def test_good_csv(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    assert load_file(db_path, SHOP, path) == 4
    got = rows(db_path)
    assert [r["rate"] for r in got] == [0, 10, 7, 9]
    assert got[0]["comment"] == "Slow, and\nrude"
    assert got[0]["client_id"] == 1515915625535836508
    assert got[0]["created_ms"] == 1709287200000
    assert got[1]["created_ms"] == 1709287200000 - 3 * 3600_000 + 123
    assert got[1]["identity"] == "phone:79120001122"
    assert got[1]["client_id"] > 0  # derived from the phone
    assert got[1]["comment"] is None
    assert got[2]["created_ms"] == 1709368200000  # naive means UTC
    assert got[3]["created_ms"] == 1709424000000  # a date means midnight UTC
    assert got[3]["client_id"] is None


def test_good_jsonl_and_sniffing(db_path: Path, tmp_path: Path) -> None:
    lines = [
        {
            "created_at": "2024-03-01T10:00:00Z",
            "channel": "email",
            "category": "support",
            "rate": 5,
            "comment": "meh",
            "client_id": 2**62 + 1,
            "email": "x@y.zz",
            "extra": [1],
        },
        {
            "created_at": "2024-03-01",
            "channel": "web",
            "category": "support",
            "rate": "8",
            "comment": None,
        },
    ]
    text = "\n".join(json.dumps(x) for x in lines[:1]) + "\n\n" + json.dumps(lines[1]) + "\n"
    for name in ("reviews.jsonl", "reviews.ndjson", "reviews.txt"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert load_file(db_path, SHOP, path) == 2
    got = rows(db_path)
    assert len(got) == 6
    assert got[0]["client_id"] == 2**62 + 1
    assert got[1]["rate"] == 8


@pytest.mark.parametrize(
    ("line3", "field"),
    [
        ("2024-03-01T10:00:00Z,web,support,11,,,,", "rate"),
        ("2024-03-01T10:00:00Z,web,support,7.5,,,,", "rate"),
        ("2024-03-01T10:00:00Z,web,support,-1,,,,", "rate"),
        ("2024-03-01T10:00:00Z,web,support,,,,,", "rate"),
        ("yesterday,web,support,5,,,,", "created_at"),
        ("2024-02-30,web,support,5,,,,", "created_at"),
        (",web,support,5,,,,", "created_at"),
        ("2024-03-01T10:00:00Z,,support,5,,,,", "channel"),
        ("2024-03-01T10:00:00Z,web,support,5,,1.5e18,,", "client_id"),
        ("2024-03-01T10:00:00Z,web,support,5,,9223372036854775808,,", "client_id"),
        ("2024-03-01T10:00:00Z,web,support,5,,," + "x" * 300 + ",", "email"),
    ],
)
def test_bad_csv_line_imports_nothing(
    db_path: Path, tmp_path: Path, line3: str, field: str
) -> None:
    path = tmp_path / "bad.csv"
    header = "created_at,channel,category,rate,comment,client_id,email,phone"
    path.write_text(f"{header}\n2024-03-01T09:00:00Z,web,support,8,fine,,,\n{line3}\n")
    with pytest.raises(LoadError) as caught:
        load_file(db_path, SHOP, path)
    assert (caught.value.line, caught.value.field) == (3, field)
    assert "line 3" in str(caught.value)
    assert field in str(caught.value)
    assert rows(db_path) == []


def test_line_numbers_count_physical_lines(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text(
        'created_at,channel,category,rate,comment\n2024-03-01,web,support,8,"two\nlines"\n'
        "\n2024-03-01,web,support,99,\n"
    )
    with pytest.raises(LoadError, match=r"^line 5: rate: "):
        load_file(db_path, SHOP, path)


def test_bad_jsonl_line(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = json.dumps({"created_at": "2024-03-01", "channel": "web", "category": "x", "rate": 3})
    path.write_text(f'{good}\n{good}\n{{"created_at": "2024-03-01", "channel": "web"}}\n')
    with pytest.raises(LoadError, match=r"^line 3: category: is required"):
        load_file(db_path, SHOP, path)
    path.write_text(f"{good}\n[1, 2]\n")
    with pytest.raises(LoadError, match=r"^line 2: must be a JSON object"):
        load_file(db_path, SHOP, path)
    path.write_text(f'{good}\n{{"rate": 5,\n')
    with pytest.raises(LoadError, match=r"^line 2: malformed JSON"):
        load_file(db_path, SHOP, path)
    path.write_text(good.replace('"rate": 3', '"rate": true'))
    with pytest.raises(LoadError, match=r"^line 1: rate"):
        load_file(db_path, SHOP, path)
    assert rows(db_path) == []


def test_file_level_errors(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("created_at,channel,rate\n2024-03-01,web,5\n")
    with pytest.raises(LoadError, match=r"^line 1: category: column is missing"):
        load_file(db_path, SHOP, path)
    path.write_bytes(
        b"created_at,channel,category,rate\n2024-03-01,web,x,5\n2024-03-01,w\xff,x,5\n"
    )
    with pytest.raises(LoadError, match=r"^line 3: is not valid UTF-8"):
        load_file(db_path, SHOP, path)
    path.write_text("created_at,channel,category,rate\n2024-03-01,web,x,5,extra\n")
    with pytest.raises(LoadError, match=r"^line 2: has 5 fields"):
        load_file(db_path, SHOP, path)
    with pytest.raises(LoadError, match="unknown shop"):
        load_file(db_path, "no-such-shop", path)
    assert rows(db_path) == []


def test_bom_and_empty_file(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffcreated_at,channel,category,rate\n2024-03-01,web,x,5\n".encode())
    assert load_file(db_path, SHOP, path) == 1
    path.write_text("")
    assert load_file(db_path, SHOP, path) == 0
