"""With no account configured the app starts the bundled server and shows demo NPS."""

from __future__ import annotations

import pytest

from tests.support.apptest import clear_streamlit_caches, run_app


@pytest.fixture
def demo_mode(monkeypatch, tmp_path):
    for name in ("NPS_API_URL", "NPS_SHOP_ID", "NPS_SHOP_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NPS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NPS_DEMO_REVIEWS", "5000")
    clear_streamlit_caches()
    yield
    clear_streamlit_caches()


def test_starts_in_demo_mode_without_exception(demo_mode, tmp_path):
    app = run_app()
    assert not app.exception
    labels = [metric.label for metric in app.metric]
    assert "NPS" in labels
    sidebar_text = " ".join(m.value for m in app.sidebar.markdown)
    assert "Demo data" in sidebar_text
    assert (tmp_path / "demo-5000.sqlite3").exists()
