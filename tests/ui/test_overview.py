"""The Overview page shows the nps_core.analysis figures of the filtered frame, under several filter sets."""

from __future__ import annotations

import numpy as np
import pytest

from nps_core.analysis.nps import compare, summarize
from nps_core.analysis.segments import distribution
from nps_core.analysis.trend import trend
from nps_core.present.formatting import (
    format_count,
    format_delta,
    format_margin,
    format_nps,
    format_share,
    significance_text,
)
from tests.support.apptest import clear_streamlit_caches, run_app, small_api
from tests.support.shown import (
    charts,
    expected_frames,
    metrics,
    numbers,
    page_for,
    state_of,
    trace,
)

CASES = {
    "defaults": {},
    "one channel, monthly, target and rolling": {
        "period": "90d",
        "channel": "email",
        "granularity": "M",
        "target": "30",
        "rolling": "28",
    },
    "one category, no comparison": {
        "period": "this_month",
        "category": "delivery",
        "compare": "none",
    },
    "comparison period without reviews": {"period": "90d", "compare": "last_year"},
}


@pytest.mark.parametrize("query", CASES.values(), ids=CASES.keys())
def test_figures_are_the_metrics_of_the_filtered_frame(app_factory, demo_api, query):
    app, want = page_for(app_factory, demo_api, None, query)
    state, today, current, previous = want.state, want.today, want.current, want.previous
    period = want.period

    s = summarize(current)
    shown = metrics(app)
    assert shown["NPS"] == format_nps(s.nps)
    assert shown["Responses"] == format_count(s.n)
    assert shown["Promoters"] == format_share(s.promoter_share)
    assert shown["Passives"] == format_share(s.passive_share)
    assert shown["Detractors"] == format_share(s.detractor_share)
    captions = [caption.value for caption in app.main.caption]
    assert any(format_margin(s.margin) in caption for caption in captions)
    if previous is None:
        assert "Change" not in shown
    else:
        c = compare(current, previous)
        assert shown["Change"] == format_delta(c.delta)
        assert any(significance_text(c.p_value, c.significant) in text for text in captions)

    granularity = state.trend_granularity(today)
    expected = trend(
        current, granularity, rolling=state.rolling, start=period.start, end=period.end
    )
    drawn = charts(app)
    line = trace(drawn["trend"], "NPS")
    assert numbers(line["y"]) == pytest.approx(expected["nps"].to_numpy(), nan_ok=True)
    promoters = trace(drawn["composition"], "Promoters (9–10)")
    assert numbers(promoters["y"]) == pytest.approx(
        100 * expected["promoter_share"].to_numpy(), nan_ok=True
    )
    counts = {
        x: y for t in drawn["distribution"]["data"] for x, y in zip(t["x"], t["y"], strict=True)
    }
    rates = distribution(current)
    assert counts == dict(zip(rates["rate"].astype(str), rates["count"], strict=True))

    shapes = drawn["trend"]["layout"].get("shapes", [])
    assert [shape["y0"] for shape in shapes] == ([state.target] if state.target else [])
    if state.rolling:
        rolling = trace(drawn["trend"], f"Rolling {state.rolling}-day NPS")
        assert numbers(rolling["y"]) == pytest.approx(
            expected["rolling_nps"].to_numpy(), nan_ok=True
        )


def test_one_channel_from_the_url_is_chosen_in_the_sidebar(app_factory):
    app = app_factory(None, period="90d", channel="email")
    (channels,) = [m for m in app.sidebar.multiselect if m.label == "Channels"]
    assert channels.value == ["email"]
    assert "Channels: Email survey" in app.main.caption[0].value
    assert app.query_params["channel"] == "email"


def test_an_empty_period_says_so_without_charts(app_factory):
    app = app_factory(None, period="custom", **{"from": "2010-01-01", "to": "2010-01-31"})
    assert not app.exception, app.exception
    assert "No reviews in this period" in app.info[0].value
    assert not app.get("plotly_chart")
    assert not app.metric


def test_bad_parameters_fall_back_with_a_notice(app_factory, demo_api):
    app = app_factory(None, period="fortnight", compare="x", channel="fax", rolling="3")
    assert not app.exception, app.exception
    notices = " ".join(toast.value for toast in app.toast)
    for word in ("fortnight", "'x'", "'fax'", "rolling window"):
        assert word in notices
    assert dict(app.query_params) == {}  # the link is rewritten to the default view
    state, today = state_of({})
    current, _ = expected_frames(demo_api, state, today)
    assert metrics(app)["NPS"] == format_nps(summarize(current).nps)


def test_granularity_and_rolling_controls_redraw_and_enter_the_url(app_factory, demo_api):
    app = app_factory(None, period="90d")
    app.segmented_control[0].set_value("M").run()  # granularity
    app.segmented_control[1].set_value(7).run()  # rolling window
    assert not app.exception, app.exception
    assert app.query_params["granularity"] == "M"
    assert app.query_params["rolling"] == "7"
    state, today = state_of({"period": "90d"})
    current, _ = expected_frames(demo_api, state, today)
    period = state.period(today)
    expected = trend(current, "M", rolling=7, start=period.start, end=period.end)
    drawn = charts(app)["trend"]
    assert numbers(trace(drawn, "NPS")["y"]) == pytest.approx(expected["nps"].to_numpy())
    rolling_line = numbers(trace(drawn, "Rolling 7-day NPS")["y"])
    assert rolling_line == pytest.approx(expected["rolling_nps"].to_numpy())
    assert np.isfinite(rolling_line).all()


def test_refused_credentials_are_said_plainly(app_factory, monkeypatch):
    monkeypatch.setenv("NPS_SHOP_SECRET", "not-the-secret")
    app = app_factory(None)
    assert not app.exception, app.exception
    assert "refused the shop's credentials" in app.error[0].value
    assert "not-the-secret" not in app.error[0].value
    assert not app.metric


def test_stored_data_is_shown_with_a_stale_banner_when_the_api_is_down(monkeypatch, tmp_path):
    with small_api(monkeypatch, tmp_path):
        first = run_app()
        assert not first.warning
        nps = metrics(first)["NPS"]
    clear_streamlit_caches()  # the disk cache stays: closed days, and the open ones as seen
    app = run_app()
    clear_streamlit_caches()
    assert not app.exception, app.exception
    assert "Showing stored data" in app.warning[0].value
    assert metrics(app)["NPS"] == nps
