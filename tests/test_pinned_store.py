"""Pinned themes kept per shop in a JSON file, atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nps_core.contract.pinned import MAX_PINNED_WORDS, PinnedTheme
from nps_core.data.pinned import PINNED_FILE, JsonPinnedStore, pinned_store

DELAYS = PinnedTheme("Delays", ("late", "delay", "опоздал", "задержка"))
COURIER = PinnedTheme("Courier", ("courier", "курьер"))


def test_round_trip_per_shop(tmp_path: Path) -> None:
    store = JsonPinnedStore(tmp_path / "pins.json")
    assert store.load("shop-1") == []
    store.save("shop-1", [DELAYS, COURIER])
    store.save("shop-2", [COURIER])
    assert "задержка" in (tmp_path / "pins.json").read_text(encoding="utf-8")  # readable
    again = JsonPinnedStore(tmp_path / "pins.json")
    assert again.load("shop-1") == [DELAYS, COURIER]
    assert again.load("shop-2") == [COURIER]
    store.save("shop-1", [])
    assert again.load("shop-1") == []
    assert again.load("shop-2") == [COURIER]
    data = json.loads((tmp_path / "pins.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["pins.json"]  # no temporary left


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"shops": []}',
        '{"shops": {"shop-1": {"name": "x"}}}',
        '{"shops": {"shop-1": [{"name": "", "words": ["a b"]}, {"words": ["x"]}, 5]}}',
    ],
)
def test_damaged_file_reads_as_nothing_pinned(tmp_path: Path, content: str) -> None:
    path = tmp_path / "pins.json"
    path.write_text(content, encoding="utf-8")
    store = JsonPinnedStore(path)
    assert store.load("shop-1") == []
    store.save("shop-1", [DELAYS])  # and can be written over
    assert store.load("shop-1") == [DELAYS]


def test_valid_entries_survive_beside_bad_ones(tmp_path: Path) -> None:
    path = tmp_path / "pins.json"
    path.write_text(
        json.dumps({"shops": {"s": [{"name": "Bad"}, {"name": "Good", "words": ["ok"]}]}}),
        encoding="utf-8",
    )
    assert JsonPinnedStore(path).load("s") == [PinnedTheme("Good", ("ok",))]


def test_default_store_lives_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NPS_DATA_DIR", str(tmp_path))
    store = pinned_store()
    store.save("shop-1", [DELAYS])
    assert (tmp_path / PINNED_FILE).exists()


def test_pinned_theme_rules() -> None:
    assert PinnedTheme("  Late  deliveries ", (" late ", "late", "  ")).words == ("late",)
    assert PinnedTheme("x", ("pickup   point",)).words == ("pickup point",)
    with pytest.raises(ValueError, match="name"):
        PinnedTheme(" ", ("late",))
    with pytest.raises(ValueError, match="word"):
        PinnedTheme("Late", ("", "!!", "42"))
    with pytest.raises(ValueError, match="more than"):
        PinnedTheme("Many", tuple(f"w{i}" for i in range(MAX_PINNED_WORDS + 1)))
