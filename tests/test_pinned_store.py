"""Pinned themes kept per shop in the state store, and those of the JSON file they were
kept in before, copied in by the store's migration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nps_core.contract.pinned import MAX_PINNED_WORDS, PinnedTheme
from nps_core.data.pinned import PinnedStore
from nps_core.data.state import StateStore, open_state

DELAYS = PinnedTheme("Delays", ("late", "delay", "опоздал", "задержка"))
COURIER = PinnedTheme("Courier", ("courier", "курьер"))
LEGACY_FILE = "pinned_themes.json"


def opened(folder: Path) -> StateStore:
    return open_state(f"sqlite:///{folder / 'state.sqlite3'}")


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data folder: where the JSON file of the themes pinned before lived."""
    monkeypatch.setenv("NPS_DATA_DIR", str(tmp_path))
    return tmp_path


def test_round_trip_per_shop(data_folder: Path) -> None:
    state = opened(data_folder)
    store: PinnedStore = state.pinned
    assert store.load("shop-1") == []
    store.save("shop-1", [DELAYS, COURIER])
    store.save("shop-2", [COURIER])
    state.close()
    again = opened(data_folder)  # another process, or a restart
    assert again.pinned.load("shop-1") == [DELAYS, COURIER]
    assert again.pinned.load("shop-2") == [COURIER]
    again.pinned.save("shop-1", [COURIER, DELAYS])  # reordered
    assert again.pinned.load("shop-1") == [COURIER, DELAYS]
    again.pinned.save("shop-1", [])
    assert again.pinned.load("shop-1") == []
    assert again.pinned.load("shop-2") == [COURIER]
    assert again.pinned.shops() == ["shop-2"]
    again.close()


def test_themes_pinned_in_the_json_file_move_into_the_store_once(data_folder: Path) -> None:
    (data_folder / LEGACY_FILE).write_text(
        json.dumps(
            {
                "version": 1,
                "shops": {
                    "shop-1": [{"name": d.name, "words": list(d.words)} for d in (DELAYS, COURIER)],
                    "shop-2": [{"name": "Courier", "words": ["courier", "курьер"]}],
                },
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    state = opened(data_folder)
    assert state.pinned.load("shop-1") == [DELAYS, COURIER]
    assert state.pinned.load("shop-2") == [COURIER]
    state.pinned.save("shop-1", [])  # unpinned for good: the file is not read again
    state.close()
    assert opened(data_folder).pinned.load("shop-1") == []


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
def test_a_damaged_json_file_moves_nothing(data_folder: Path, content: str) -> None:
    (data_folder / LEGACY_FILE).write_text(content, encoding="utf-8")
    state = opened(data_folder)
    assert state.pinned.load("shop-1") == []
    state.pinned.save("shop-1", [DELAYS])  # and can be written over
    assert state.pinned.load("shop-1") == [DELAYS]
    state.close()


def test_valid_entries_of_the_json_file_move_beside_bad_ones(data_folder: Path) -> None:
    (data_folder / LEGACY_FILE).write_text(
        json.dumps({"shops": {"s": [{"name": "Bad"}, {"name": "Good", "words": ["ok"]}]}}),
        encoding="utf-8",
    )
    assert opened(data_folder).pinned.load("s") == [PinnedTheme("Good", ("ok",))]


def test_the_default_store_lives_in_the_data_folder(data_folder: Path) -> None:
    state = open_state()
    state.pinned.save("shop-1", [DELAYS])
    state.close()
    assert (data_folder / "state.sqlite3").exists()
    assert opened(data_folder).pinned.load("shop-1") == [DELAYS]


def test_pinned_theme_rules() -> None:
    assert PinnedTheme("  Late  deliveries ", (" late ", "late", "  ")).words == ("late",)
    assert PinnedTheme("x", ("pickup   point",)).words == ("pickup point",)
    with pytest.raises(ValueError, match="name"):
        PinnedTheme(" ", ("late",))
    with pytest.raises(ValueError, match="word"):
        PinnedTheme("Late", ("", "!!", "42"))
    with pytest.raises(ValueError, match="more than"):
        PinnedTheme("Many", tuple(f"w{i}" for i in range(MAX_PINNED_WORDS + 1)))
