"""The Themes section of the Comments page: the chart, choosing a theme, links, pinning."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from nps_core.analysis.themes import find_themes
from nps_core.contract.pinned import PinnedTheme
from nps_core.data.state import open_state
from nps_core.ui.themes import KEY_VIEW
from tests.support.apptest import (
    ACCESS_SECRETS,
    MANAGER,
    VIEWER,
    AppFactory,
    DemoApi,
    signed_in,
)
from tests.support.shown import charts, expected_for, numbers

PAGE = "app_pages/comments.py"
COUNT = re.compile(r"\*\*([\d,]+) of ([\d,]+) reviews?\*\*")
DELAYS = PinnedTheme("Delays", ("late", "delay", "опоздал", "задержка"))


def shown_count(app: AppTest) -> int:
    for markdown in app.markdown:
        match = COUNT.fullmatch(markdown.value)
        if match:
            return int(match.group(1).replace(",", ""))
    raise AssertionError("no count line on the page")


def impact_chart(app: AppTest) -> dict:
    return next(chart for key, chart in charts(app).items() if key.startswith("cmt_theme_chart"))


def expected_frame(demo_api: DemoApi, **query: str) -> pd.DataFrame:
    return expected_for(demo_api, dict(query)).current


def test_the_chart_ranks_the_period_s_themes_by_impact(
    app_factory: AppFactory, demo_api: DemoApi
) -> None:
    app = app_factory(PAGE)
    assert not app.exception
    want = find_themes(expected_frame(demo_api))
    assert len(want.table) >= 3
    bars = impact_chart(app)["data"][0]
    assert list(bars["y"]) == want.table["label"].tolist()
    np.testing.assert_allclose(
        numbers(bars["x"]), np.nan_to_num(want.table["impact"].to_numpy()), atol=1e-9
    )
    assert app.pills(key="cmt_theme_pick").options == want.table["label"].tolist()
    caption = next(c.value for c in app.caption if "ranked by impact" in c.value)
    assert caption.startswith(f"{len(want.table)} themes in ")
    assert "cmt_theme_shares" not in charts(app)  # only the open tab runs
    # One small chart per theme, the same order, shares between 0 and 1.
    app.session_state[KEY_VIEW] = "Share over time"
    app.run()
    assert not any(key.startswith("cmt_theme_chart") for key in charts(app))
    shares = charts(app)["cmt_theme_shares"]
    assert [a["text"] for a in shares["layout"]["annotations"]] == want.table["label"].tolist()
    assert len(shares["data"]) == len(want.table)
    for panel in shares["data"]:
        values = numbers(panel["y"])
        assert np.nanmin(values) >= 0
        assert np.nanmax(values) <= 1


def test_choosing_a_theme_lists_its_comments_and_goes_into_the_link(
    app_factory: AppFactory, demo_api: DemoApi
) -> None:
    app = app_factory(PAGE)
    want = find_themes(expected_frame(demo_api))
    label = want.table["label"].iloc[0]
    mentions = int(want.table["mentions"].iloc[0])
    app.pills(key="cmt_theme_pick").set_value(label).run()
    assert not app.exception
    assert app.query_params["theme"] == label
    assert shown_count(app) == mentions > 0
    table = app.dataframe[0].value
    ids = set(want.assignment[want.assignment == label].index)
    assert len(table) == len(ids)
    chosen = impact_chart(app)["data"][0]["marker"]["line"]["width"]
    assert list(chosen).count(3) == 1
    assert chosen[0] == 3

    # With a group filter too: both apply.
    app.pills(key="cmt_groups").set_value(["detractor"]).run()
    frame = expected_frame(demo_api)
    in_theme = want.assignment == label
    assert shown_count(app) == int((in_theme & (frame["group"] == "detractor")).sum())

    # On the distinctive terms' tab the chosen theme stays, with a button to drop it.
    app.session_state[KEY_VIEW] = "Distinctive terms"
    app.run()
    assert app.query_params["theme"] == label
    next(b for b in app.button if b.label == f"Theme: {label} ✕").click().run()
    assert "theme" not in app.query_params
    assert shown_count(app) == int((frame["group"] == "detractor").sum())


def test_a_link_reproduces_the_theme_and_an_unknown_one_can_be_dropped(
    app_factory: AppFactory, demo_api: DemoApi
) -> None:
    want = find_themes(expected_frame(demo_api))
    label = want.table["label"].iloc[1]
    app = app_factory(PAGE, theme=label)
    assert app.pills(key="cmt_theme_pick").value == label
    assert shown_count(app) == int(want.table["mentions"].iloc[1])

    app = app_factory(PAGE, theme="*no* such [theme]")
    assert shown_count(app) == 0
    drop = next(b for b in app.button if b.label.startswith("Theme:"))
    assert "\\*no\\*" in drop.label  # shown literally, not as Markdown
    drop.click().run()
    assert "theme" not in app.query_params
    assert shown_count(app) > 0


def test_pinning_a_theme_tracks_it_and_keeps_it_in_the_data_folder(
    app_factory: AppFactory, demo_api: DemoApi, tmp_path: Path
) -> None:
    app = app_factory(PAGE)
    app.text_input(key="cmt_pin_name").input(DELAYS.name)
    app.text_input(key="cmt_pin_words").input(", ".join(DELAYS.words))
    next(b for b in app.button if b.label == "Pin theme").click().run()
    assert not app.exception
    want = find_themes(expected_frame(demo_api), pinned=[DELAYS])
    bars = impact_chart(app)["data"][0]
    assert list(bars["y"]) == want.table["label"].tolist()
    assert "Delays" in list(bars["y"])
    ticks = impact_chart(app)["layout"]["yaxis"]["ticktext"]
    assert "Delays (pinned)" in ticks
    store = open_state(f"sqlite:///{tmp_path / 'data' / 'state.sqlite3'}")
    [shop] = store.pinned.shops()
    assert store.pinned.load(shop) == [DELAYS]
    store.close()

    app.pills(key="cmt_theme_pick").set_value("Delays").run()
    assert shown_count(app) == int(want.table.set_index("label").loc["Delays", "mentions"]) > 0

    # A new session finds it pinned; unpinning drops it and its filter.
    app = app_factory(PAGE, theme="Delays")
    assert "Delays" in list(impact_chart(app)["data"][0]["y"])
    next(b for b in app.button if b.label == "Unpin").click().run()
    assert "Delays" not in list(impact_chart(app)["data"][0]["y"])
    assert "theme" not in app.query_params


def test_a_pin_without_words_is_refused(app_factory: AppFactory, tmp_path: Path) -> None:
    app = app_factory(PAGE)
    app.text_input(key="cmt_pin_name").input("Empty")
    app.text_input(key="cmt_pin_words").input(" , ;")
    next(b for b in app.button if b.label == "Pin theme").click().run()
    assert not app.exception
    assert any("needs at least one word" in w.value for w in app.warning)
    store = open_state(f"sqlite:///{tmp_path / 'data' / 'state.sqlite3'}")
    assert store.pinned.shops() == []
    store.close()


def test_viewers_see_pinned_themes_but_only_managers_pin(app_factory: AppFactory) -> None:
    manager = app_factory(PAGE, secrets=ACCESS_SECRETS, user=signed_in(MANAGER))
    assert not manager.exception
    manager.text_input(key="cmt_pin_name").input(DELAYS.name)
    manager.text_input(key="cmt_pin_words").input(", ".join(DELAYS.words))
    next(b for b in manager.button if b.label == "Pin theme").click().run()
    assert "Delays" in list(impact_chart(manager)["data"][0]["y"])

    viewer = app_factory(PAGE, secrets=ACCESS_SECRETS, user=signed_in(VIEWER))
    assert not viewer.exception
    assert "Delays" in list(impact_chart(viewer)["data"][0]["y"])  # tracked for everyone
    assert not [w for w in viewer.text_input if w.key in ("cmt_pin_name", "cmt_pin_words")]
    assert not [b for b in viewer.button if b.label in ("Pin theme", "Unpin")]
    assert any(c.value == "Managers pin themes." for c in viewer.caption)
