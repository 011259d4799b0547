"""Worked examples for nps_core.analysis, with the arithmetic done by hand in comments.

z for 95 % is 1.959964 throughout. Adjusted Wald (Rocks 2016): add 0.75 promoters,
1.5 passives, 0.75 detractors; n_adj = n + 3; Var = pP + pD − (pP − pD)²;
interval = 100·(pP − pD) ± 100·z·√(Var/n_adj), clipped to [−100, 100].
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from nps_core.analysis.groups import GROUP_DTYPE, groups_of
from nps_core.analysis.nps import Comparison, NpsSummary, compare, holm_adjust, summarize
from nps_core.analysis.segments import breakdown, compare_segments, decompose, distribution
from nps_core.analysis.trend import trend

approx = pytest.approx


def frame(rates, days=None, **columns) -> pd.DataFrame:
    """A minimal review frame: int8 rates, python-date days, optional segment columns."""
    data: dict[str, object] = {"rate": np.array(rates, dtype=np.int8)}
    if days is not None:
        data["day"] = pd.Series(list(days), dtype=object)
    data.update(columns)
    return pd.DataFrame(data)


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "created_at": pd.Series([], dtype="datetime64[ns, UTC]"),
            "day": pd.Series([], dtype=object),
            "channel": pd.Categorical([], categories=["web", "email"]),
            "category": pd.Categorical([], categories=["shoes"]),
            "rate": pd.Series([], dtype=np.int8),
            "group": pd.Categorical([], dtype=GROUP_DTYPE),
        }
    )


# ------------------------------------------------------------------ classification


def test_band_of_scalars_follow_vendor_bands():
    assert [groups_of(r) for r in range(11)] == ["detractor"] * 7 + ["passive"] * 2 + [
        "promoter"
    ] * 2
    assert groups_of(None) is None
    assert groups_of(11) is None
    assert groups_of(6.5) is None  # rates are whole numbers


def test_band_of_vectorised_keeps_index():
    s = pd.Series([0, 7, 9, 10], index=[10, 11, 12, 13], dtype=np.int8)
    out = groups_of(s)
    assert out.dtype == GROUP_DTYPE
    assert list(out.index) == [10, 11, 12, 13]
    assert list(out) == ["detractor", "passive", "promoter", "promoter"]
    arr = groups_of(np.array([8, 6]))
    assert list(arr) == ["passive", "detractor"]


# ------------------------------------------------------------------ summarize


def test_all_promoters():
    # n = 10, P = 10: nps = 100.
    # pP = 10.75/13 = 0.826923, pD = 0.75/13 = 0.057692, diff = 0.769231
    # Var = 0.884615 − 0.591716 = 0.292899; SE = √(0.292899/13) = 0.150103
    # margin = 100·1.959964·0.150103 = 29.4195
    # interval = 76.9231 ± 29.4195 = [47.5036, 106.3426] → clipped high to 100.
    s = summarize(frame([10] * 6 + [9] * 4))
    assert (s.n, s.promoters, s.passives, s.detractors) == (10, 10, 0, 0)
    assert s.nps == 100.0
    assert s.promoter_share == 1.0
    assert s.margin == approx(29.4195, abs=1e-3)
    assert s.ci_low == approx(47.5036, abs=1e-3)
    assert s.ci_high == 100.0
    assert s.small_sample


def test_all_detractors():
    # Mirror image of all promoters: nps = −100, interval [−100, −47.5036].
    s = summarize(frame([0, 1, 2, 3, 4, 5, 6, 6, 6, 6]))
    assert s.nps == -100.0
    assert s.detractor_share == 1.0
    assert s.ci_low == -100.0
    assert s.ci_high == approx(-47.5036, abs=1e-3)


def test_single_promoter():
    # n = 1, P = 1: pP = 1.75/4 = 0.4375, pD = 0.75/4 = 0.1875, diff = 0.25
    # Var = 0.625 − 0.0625 = 0.5625; SE = √(0.5625/4) = 0.375
    # margin = 1.959964·37.5 = 73.4986; interval = 25 ± 73.4986 = [−48.4986, 98.4986]
    s = summarize(frame([9]))
    assert s.n == 1
    assert s.nps == 100.0
    assert s.margin == approx(73.4986, abs=1e-3)
    assert s.ci_low == approx(-48.4986, abs=1e-3)
    assert s.ci_high == approx(98.4986, abs=1e-3)


def test_rate_zero_is_a_detractor():
    # n = 1, D = 1 (rate 0): mirror of the single promoter: nps −100, [−98.4986, 48.4986].
    s = summarize(frame([0]))
    assert (s.detractors, s.nps) == (1, -100.0)
    assert s.ci_low == approx(-98.4986, abs=1e-3)
    assert s.ci_high == approx(48.4986, abs=1e-3)


def test_mixed_sample():
    # P = 5, A = 3, D = 2, n = 10: nps = 100·(5 − 2)/10 = 30.
    # pP = 5.75/13 = 0.442308, pD = 2.75/13 = 0.211538, diff = 0.230769
    # Var = 0.653846 − 0.053254 = 0.600592; SE = √(0.600592/13) = 0.214940
    # margin = 100·1.959964·0.214940 = 42.1275; interval = 23.0769 ± 42.1275
    #        = [−19.0506, 65.2044]
    s = summarize(frame([9, 9, 10, 10, 10, 7, 8, 8, 3, 6]))
    assert s.nps == approx(30.0)
    assert (s.promoter_share, s.passive_share, s.detractor_share) == approx((0.5, 0.3, 0.2))
    assert s.margin == approx(42.1275, abs=1e-3)
    assert s.ci_low == approx(-19.0506, abs=1e-3)
    assert s.ci_high == approx(65.2044, abs=1e-3)


def test_confidence_widens_the_interval():
    rates = [9, 9, 10, 10, 10, 7, 8, 8, 3, 6]
    narrow = summarize(frame(rates), confidence=0.80)
    wide = summarize(frame(rates), confidence=0.99)
    assert wide.margin > narrow.margin
    # margin scales with z: z99/z80 = 2.575829/1.281552 = 2.009929
    assert wide.margin / narrow.margin == approx(2.009929, rel=1e-5)
    with pytest.raises(ValueError, match="confidence"):
        summarize(frame(rates), confidence=1.0)


@pytest.mark.parametrize("counts", [(0, 0, 1), (1, 0, 0), (0, 0, 1000), (1000, 0, 0), (5, 0, 5)])
@pytest.mark.parametrize("confidence", [0.5, 0.95, 0.999999])
def test_interval_never_leaves_bounds(counts, confidence):
    d, a, p = counts
    s = summarize(frame([0] * d + [7] * a + [10] * p), confidence=confidence)
    assert -100.0 <= s.ci_low <= s.ci_high <= 100.0


def test_small_sample_threshold():
    assert summarize(frame([9] * 29)).small_sample
    assert not summarize(frame([9] * 30)).small_sample
    assert summarize(frame([9] * 30), small_n=31).small_sample


def test_group_column_is_used_and_missing_group_falls_back_to_rate():
    f = frame([10, 0, 8])
    f["group"] = pd.Categorical(["promoter", None, "passive"], dtype=GROUP_DTYPE)
    s = summarize(f)
    assert (s.promoters, s.passives, s.detractors) == (1, 1, 1)


def test_unanswered_rates_are_not_counted():
    f = pd.DataFrame({"rate": pd.array([10, None, 3], dtype="Int8")})
    s = summarize(f)
    assert s.n == 2
    assert s.nps == 0.0


# ------------------------------------------------------------------ empty frames


def test_empty_frame_gives_nan_not_zero():
    s = summarize(empty_frame())
    assert s.n == 0
    for value in (s.nps, s.ci_low, s.ci_high, s.margin, s.promoter_share):
        assert math.isnan(value)
    assert s.small_sample
    assert math.isnan(summarize(pd.DataFrame()).nps)  # not even the columns


def test_empty_frame_everywhere():
    e = empty_frame()
    assert trend(e, "W", by="channel", rolling=7).empty
    assert breakdown(e, ["channel", "category"]).empty
    dist = distribution(e)
    assert list(dist["rate"]) == list(range(1, 11))
    assert dist["count"].sum() == 0
    assert dist["share"].isna().all()
    c = compare(e, frame([10, 9]))
    assert math.isnan(c.delta)
    assert math.isnan(c.p_value)
    assert c.significant is False
    assert compare_segments(e, e, "channel").empty
    d = decompose(e, frame([10], channel=["web"]), "channel")
    assert math.isnan(d.change)
    assert math.isnan(d.mix)


# ------------------------------------------------------------------ trend

D0 = date(2024, 1, 1)  # a Monday


def test_trend_daily_includes_empty_days():
    f = frame([10, 0], days=[D0, D0 + timedelta(days=4)])
    t = trend(f, "D")
    assert list(t["period"]) == list(pd.date_range("2024-01-01", "2024-01-05", freq="D"))
    assert list(t["n"]) == [1, 0, 0, 0, 1]
    assert t["nps"].isna().tolist() == [False, True, True, True, False]
    assert t["ci_low"].isna().tolist() == [False, True, True, True, False]
    assert list(t["nps"].iloc[[0, 4]]) == [100.0, -100.0]


def test_iso_weeks_start_monday():
    # 2024-01-07 is a Sunday (week of Mon 1 Jan), 2024-01-08 a Monday (next week);
    # 2024-12-31 (Tuesday) belongs to the ISO week starting Monday 2024-12-30.
    f = frame([10, 0, 9], days=[date(2024, 1, 7), date(2024, 1, 8), date(2024, 12, 31)])
    t = trend(f, "W")
    starts = list(t["period"])
    assert starts[0] == pd.Timestamp("2024-01-01")
    assert starts[1] == pd.Timestamp("2024-01-08")
    assert starts[-1] == pd.Timestamp("2024-12-30")
    assert all(p.weekday() == 0 for p in starts)
    assert len(starts) == 53  # 1 Jan … 30 Dec, weekly
    assert list(t["n"].iloc[[0, 1, -1]]) == [1, 1, 1]
    assert t["n"].sum() == 3


def test_monthly_and_quarterly_starts():
    f = frame([10, 0, 9], days=[date(2024, 1, 31), date(2024, 2, 1), date(2024, 5, 15)])
    m = trend(f, "M")
    assert list(m["period"].dt.strftime("%Y-%m-%d")) == [
        "2024-01-01",
        "2024-02-01",
        "2024-03-01",
        "2024-04-01",
        "2024-05-01",
    ]
    assert list(m["n"]) == [1, 1, 0, 0, 1]
    q = trend(f, "Q")
    assert list(q["period"].dt.strftime("%Y-%m-%d")) == ["2024-01-01", "2024-04-01"]
    assert list(q["n"]) == [2, 1]
    assert q["nps"].iloc[0] == 0.0  # one promoter, one detractor


def test_explicit_range_adds_leading_and_trailing_empty_periods():
    f = frame([10], days=[date(2024, 1, 10)])
    t = trend(f, "W", start=date(2024, 1, 1), end="2024-01-28")
    assert list(t["period"].dt.day) == [1, 8, 15, 22]
    assert list(t["n"]) == [0, 1, 0, 0]
    # Rows outside the explicit range are ignored.
    t2 = trend(frame([10, 0], days=[date(2024, 1, 10), date(2024, 3, 1)]), "M", end="2024-01-31")
    assert list(t2["n"]) == [1]
    # An empty frame with a range still lists the periods.
    t3 = trend(empty_frame(), "D", start="2024-01-01", end="2024-01-03")
    assert list(t3["n"]) == [0, 0, 0]
    assert t3["nps"].isna().all()


def test_trend_by_lists_every_seen_segment_in_every_period():
    channel = pd.Categorical(["web", "email", "web"], categories=["web", "email", "sms"])
    f = frame([10, 0, 8], days=[D0, D0, D0 + timedelta(days=2)], channel=channel)
    t = trend(f, "D", by="channel")
    # 3 days × 2 seen channels (unused "sms" is not listed); day 2 is empty for both.
    assert len(t) == 6
    assert list(t["channel"]) == ["web", "email"] * 3
    assert t["channel"].dtype == channel.dtype
    assert list(t["n"]) == [1, 1, 0, 0, 1, 0]


def test_trend_from_created_at_when_no_day():
    f = pd.DataFrame(
        {
            "rate": np.array([10, 0], dtype=np.int8),
            "created_at": pd.to_datetime(["2024-01-01T23:30:00Z", "2024-01-02T00:30:00Z"]),
        }
    )
    t = trend(f, "D")
    assert list(t["n"]) == [1, 1]
    assert list(t["nps"]) == [100.0, -100.0]


def test_rolling_window_hand_example():
    # Days 1..5 of Jan: rates 10, 0, –, 9, 8.  rolling=3 over days:
    # Jan 1: {10} → n 1, nps 100 │ Jan 2: {10, 0} → n 2, nps 0
    # Jan 3: {10, 0} → n 2, nps 0 │ Jan 4: {0, 9} → n 2, nps 0
    # Jan 5: {9, 8} → n 2, nps 50
    days = [D0, D0 + timedelta(1), D0 + timedelta(3), D0 + timedelta(4)]
    t = trend(frame([10, 0, 9, 8], days=days), "D", rolling=3)
    assert list(t["rolling_n"]) == [1, 2, 2, 2, 2]
    assert list(t["rolling_nps"]) == [100.0, 0.0, 0.0, 0.0, 50.0]
    assert (t["rolling_ci_low"] <= t["rolling_ci_high"]).all()
    # Weekly with a 7-day window: the window is the week itself.
    w = trend(frame([10, 0, 9, 8], days=days), "W", rolling=7)
    assert list(w["rolling_n"]) == list(w["n"]) == [4]


def test_trend_rejects_bad_arguments():
    f = frame([10], days=[D0])
    with pytest.raises(ValueError, match="granularity"):
        trend(f, "Y")
    with pytest.raises(ValueError, match="rolling"):
        trend(f, "D", rolling=0)
    with pytest.raises(ValueError, match="after"):
        trend(f, "D", start="2024-02-01", end="2024-01-01")


# ------------------------------------------------------------------ breakdown


def test_breakdown_sorted_by_nps_with_shares():
    channel = pd.Categorical(
        ["web", "web", "email", "email", "sms"], categories=["web", "email", "sms", "push"]
    )
    b = breakdown(frame([10, 0, 10, 9, 7], channel=channel), "channel")
    # email: 2 promoters → 100; sms: 1 passive → 0; web: 1 P + 1 D → 0.
    # Ties on nps go to the larger segment first; unused "push" is dropped.
    assert list(b["channel"]) == ["email", "web", "sms"]
    assert list(b["nps"]) == [100.0, 0.0, 0.0]
    assert list(b["share_of_responses"]) == approx([0.4, 0.4, 0.2])
    assert b["small_sample"].all()
    full = breakdown(frame([10, 0, 10, 9, 7], channel=channel), "channel", include_empty=True)
    assert list(full["channel"]) == ["email", "web", "sms", "push"]
    assert full["n"].iloc[-1] == 0
    assert math.isnan(full["nps"].iloc[-1])


def test_breakdown_two_columns_and_missing_values():
    f = frame(
        [10, 0, 9, 9],
        channel=["web", "web", None, "sms"],
        category=pd.Categorical(["a", "b", "a", "a"]),
    )
    b = breakdown(f, ["channel", "category"])
    assert set(zip(b["channel"], b["category"], strict=True)) == {
        ("web", "a"),
        ("web", "b"),
        ("sms", "a"),
    }
    assert b["n"].sum() == 3  # the row without a channel is left out
    assert b["share_of_responses"].sum() == approx(1.0)


# ------------------------------------------------------------------ distribution


def test_distribution_counts_and_zero_only_when_present():
    d = distribution(frame([10, 10, 7, 3]))
    assert list(d["rate"]) == list(range(1, 11))
    assert d.set_index("rate")["count"].to_dict()[10] == 2
    assert d["share"].sum() == approx(1.0)
    assert list(d["group"].astype(str)) == ["detractor"] * 6 + ["passive"] * 2 + ["promoter"] * 2
    d0 = distribution(frame([0, 10]))
    assert list(d0["rate"]) == list(range(11))
    assert list(d0["count"].iloc[[0, 10]]) == [1, 1]
    assert d0["share"].iloc[0] == 0.5


# ------------------------------------------------------------------ compare


def test_compare_identical_periods_p_is_one():
    f = frame([10] * 40 + [8] * 30 + [2] * 30)
    c = compare(f, f)
    assert isinstance(c, Comparison)
    assert c.delta == 0.0
    assert c.z == 0.0
    assert c.p_value == approx(1.0)
    assert not c.significant


def test_compare_large_real_difference():
    # current: 70 % promoters, 10 % detractors → nps 60; previous: 30 % / 40 % → −10.
    current = frame([10] * 350 + [8] * 100 + [3] * 50)
    previous = frame([10] * 150 + [8] * 150 + [3] * 200)
    c = compare(current, previous)
    assert c.delta == approx(70.0)
    assert c.z > 10
    assert c.p_value < 0.001
    assert c.significant
    assert c.ci_low < c.delta < c.ci_high


def test_compare_hand_example():
    # current: P 5, A 3, D 2 (n 10) → adj diff 0.230769, Var 0.600592, n_adj 13
    # previous: P 2, A 3, D 5 (n 10) → adj diff −0.230769, Var 0.600592, n_adj 13
    # SE = √(2·0.600592/13) = 0.303973; z = 0.461538/0.303973 = 1.518355
    # p = erfc(1.518355/√2) = 0.128925; raw delta = 30 − (−30) = 60
    current = frame([10] * 5 + [8] * 3 + [0] * 2)
    previous = frame([10] * 2 + [8] * 3 + [0] * 5)
    c = compare(current, previous)
    assert c.delta == approx(60.0)
    assert c.se == approx(30.3973, abs=1e-3)
    assert c.z == approx(1.518355, abs=1e-5)
    assert c.p_value == approx(0.128925, abs=1e-5)
    assert not c.significant
    # Summaries in place of frames give the same test.
    c2 = compare(summarize(current), summarize(previous))
    assert (c2.z, c2.p_value) == (c.z, c.p_value)
    assert isinstance(c2.current, NpsSummary)


def test_holm_hand_example():
    # p = [0.01, 0.04, 0.03, 0.005], m = 4. Sorted: 0.005, 0.01, 0.03, 0.04
    # × (4, 3, 2, 1) → 0.02, 0.03, 0.06, 0.04; running max → 0.02, 0.03, 0.06, 0.06
    assert list(holm_adjust([0.01, 0.04, 0.03, 0.005])) == approx([0.03, 0.06, 0.06, 0.02])
    # Capped at 1 and NaN untouched (not counted: m = 2): 2·0.6 = 1.2 → 1.
    out = holm_adjust([0.6, math.nan, 0.7])
    assert out[0] == 1.0
    assert out[2] == 1.0
    assert math.isnan(out[1])
    assert len(holm_adjust([])) == 0


def test_compare_segments_with_holm():
    # web changed a lot, email did not; sms exists only in the previous period.
    cur = frame(
        [10] * 90 + [0] * 10 + [10] * 50 + [0] * 50,
        channel=["web"] * 100 + ["email"] * 100,
    )
    prev = frame(
        [10] * 20 + [0] * 80 + [10] * 50 + [0] * 50 + [9],
        channel=["web"] * 100 + ["email"] * 100 + ["sms"],
    )
    out = compare_segments(cur, prev, "channel").set_index("channel")
    assert set(out.index) == {"web", "email", "sms"}
    assert out.loc["web", "delta"] == approx(140.0)  # 80 − (−60)
    assert out.loc["web", "significant"]
    assert out.loc["email", "p_value"] == approx(1.0)
    assert not out.loc["email", "significant"]
    assert out.loc["sms", "n_current"] == 0
    assert math.isnan(out.loc["sms", "p_value"])
    assert not out.loc["sms", "significant"]
    # Holm over the two real tests.
    p = out.loc[["web", "email"], "p_value"].to_numpy()
    assert out.loc[["web", "email"], "p_holm"].to_numpy() == approx(holm_adjust(p))


# ------------------------------------------------------------------ decompose


def test_decompose_hand_example():
    # previous: a = {10, 10} nps 100, b = {0, 10} nps 0 → total (3 − 1)/4 = 50
    # current:  a = {10} nps 100, b = {0, 0, 10} nps −33.33 → total (2 − 2)/4 = 0
    # weights: w0 = (.5, .5), w1 = (.25, .75)
    # a: mix = (.25 − .5)·(100 + 100)/2 = −25, rate = 0
    # b: mix = (.75 − .5)·(0 − 33.33)/2 = −4.1667, rate = (−33.33 − 0)·(.5 + .75)/2 = −20.8333
    # sum = −25 − 4.1667 − 20.8333 = −50 = 0 − 50
    prev = frame([10, 10, 0, 10], channel=["a", "a", "b", "b"])
    cur = frame([10, 0, 0, 10], channel=["a", "b", "b", "b"])
    d = decompose(cur, prev, "channel")
    assert (d.nps_previous, d.nps_current, d.change) == approx((50.0, 0.0, -50.0))
    seg = d.segments.set_index("channel")
    assert seg.loc["a", "mix"] == approx(-25.0)
    assert seg.loc["a", "rate"] == approx(0.0)
    assert seg.loc["b", "mix"] == approx(-25 / 6)
    assert seg.loc["b", "rate"] == approx(-125 / 6)
    assert d.mix + d.rate == approx(d.change)
    totals = d.segments["total"].abs().to_numpy()
    assert (np.diff(totals) <= 1e-12).all()  # largest contribution first


def test_decompose_segment_absent_from_one_period_is_pure_mix():
    # previous: a = {10, 0} (nps 0), total 0. current: a = {10, 0}, c = {10, 10} (nps 100)
    # w1 = (.5, .5): total = 50. c: mix = w1·nps1 = 50, rate = 0; a: mix = (.5 − 1)·0 = 0.
    prev = frame([10, 0], channel=["a", "a"])
    cur = frame([10, 0, 10, 10], channel=["a", "a", "c", "c"])
    d = decompose(cur, prev, "channel")
    seg = d.segments.set_index("channel")
    assert seg.loc["c", "mix"] == approx(50.0)
    assert seg.loc["c", "rate"] == 0.0
    assert math.isnan(seg.loc["c", "nps_previous"])
    assert seg.loc["c", "n_previous"] == 0
    assert d.change == approx(50.0)
    assert d.mix + d.rate == approx(d.change)
