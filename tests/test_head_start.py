"""The first look's head start: the demo begun early only when no account can be set."""

from __future__ import annotations

from pathlib import Path

import pytest

from nps_core.ui import head_start
from tests.support.paths import APP


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[int, Path]]:
    calls: list[tuple[int, Path]] = []
    monkeypatch.setattr(head_start, "prepare_demo", lambda *args: calls.append(args))
    for name in ("NPS_SHOP_ID", "STREAMLIT_SECRETS_FILES", "NPS_DEMO_REVIEWS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NPS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)  # nobody's own .streamlit folder
    return calls


def test_without_any_account_the_demo_starts_at_once(started, tmp_path: Path) -> None:
    head_start.start_demo_early(tmp_path / "app.py", ["--server.port", "8501"])
    assert started == [(60_000, tmp_path / "data")]


@pytest.mark.parametrize(
    "setup",
    ["shop in the environment", "secrets flag", "secrets file", "secrets in config"],
)
def test_whatever_may_name_an_account_waits_for_the_settings(
    started, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, setup: str
) -> None:
    args: list[str] = []
    streamlit_home = tmp_path / "home" / ".streamlit"
    streamlit_home.mkdir(parents=True)
    if setup == "shop in the environment":
        monkeypatch.setenv("NPS_SHOP_ID", "shop")
    elif setup == "secrets flag":
        args = ["--secrets.files", "elsewhere.toml"]
    elif setup == "secrets file":
        (streamlit_home / "secrets.toml").write_text("[personaclick]\nshop_id = 'x'\n")
    else:
        (streamlit_home / "config.toml").write_text("[secrets]\nfiles = ['x.toml']\n")
    head_start.start_demo_early(tmp_path / "app.py", args)
    assert started == []


def test_the_first_look_imports_the_default_page_s_modules() -> None:
    modules = head_start.first_look_modules(APP)
    assert "nps_core.ui.filters" in modules  # the Overview's
    assert "nps_core.ui.comments" not in modules  # the Comments page's, when opened
