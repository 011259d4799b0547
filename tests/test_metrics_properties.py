"""Property tests: nps_core.analysis against brute-force twins that loop over rows."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_core.analysis.groups import GROUP_DTYPE, groups_of
from nps_core.analysis.nps import summarize
from nps_core.analysis.segments import breakdown, compare_segments, decompose
from nps_core.analysis.trend import trend

SETTINGS = settings(max_examples=100, deadline=None)
Z95 = 1.959963984540054
FIRST = date(2023, 12, 20)
CHANNELS = ["web", "email", "sms"]
CATEGORIES = ["shoes", "bags"]


# ------------------------------------------------------------------ brute-force twins


def twin_group(rate: int) -> str:
    if rate <= 6:
        return "detractor"
    if rate <= 8:
        return "passive"
    return "promoter"


def twin_figures(rates: list[int]) -> dict[str, float]:
    """Everything summarize reports, one review at a time."""
    p = a = d = 0
    for rate in rates:
        group = twin_group(rate)
        if group == "promoter":
            p += 1
        elif group == "passive":
            a += 1
        else:
            d += 1
    n = p + a + d
    if n == 0:
        nan = math.nan
        return {"n": 0, "p": 0, "a": 0, "d": 0, "nps": nan, "lo": nan, "hi": nan, "share_p": nan}
    n_adj = n + 3
    pp = (p + 0.75) / n_adj
    pd_ = (d + 0.75) / n_adj
    margin = Z95 * math.sqrt((pp + pd_ - (pp - pd_) ** 2) / n_adj)
    return {
        "n": n,
        "p": p,
        "a": a,
        "d": d,
        "nps": 100.0 * (p - d) / n,
        "lo": max(-100.0, 100.0 * (pp - pd_ - margin)),
        "hi": min(100.0, 100.0 * (pp - pd_ + margin)),
        "share_p": p / n,
    }


def twin_period(day: date, granularity: str) -> date:
    if granularity == "D":
        return day
    if granularity == "W":
        return day - timedelta(days=day.weekday())
    if granularity == "M":
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def same(x: float, y: float) -> bool:
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


# ------------------------------------------------------------------ review frames


@st.composite
def reviews(draw, max_rows: int = 40) -> pd.DataFrame:
    n = draw(st.integers(0, max_rows))
    rates = draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))
    offsets = draw(st.lists(st.integers(0, 120), min_size=n, max_size=n))
    channels = draw(st.lists(st.sampled_from([*CHANNELS, None]), min_size=n, max_size=n))
    cats = draw(st.lists(st.sampled_from(CATEGORIES), min_size=n, max_size=n))
    frame = pd.DataFrame(
        {
            "rate": np.array(rates, dtype=np.int8),
            "day": pd.Series([FIRST + timedelta(days=o) for o in offsets], dtype=object),
        }
    )
    if draw(st.booleans()):  # categorical with an unused category, or plain strings
        frame["channel"] = pd.Categorical(channels, categories=[*CHANNELS, "push"])
    else:
        frame["channel"] = pd.Series(channels, dtype=object)
    frame["category"] = pd.Categorical(cats, categories=CATEGORIES)
    if draw(st.booleans()):
        frame["group"] = groups_of(frame["rate"]).astype(GROUP_DTYPE)
    return frame


def rows(frame: pd.DataFrame) -> list[dict]:
    return frame.to_dict("records")


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# ------------------------------------------------------------------ properties


@SETTINGS
@given(reviews(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_summarize_matches_twin(frame, confidence):
    s = summarize(frame, confidence=confidence)
    z = Z95 if confidence == 0.95 else None
    twin = twin_figures([r["rate"] for r in rows(frame)])
    assert (s.n, s.promoters, s.passives, s.detractors) == (
        twin["n"],
        twin["p"],
        twin["a"],
        twin["d"],
    )
    assert same(s.nps, twin["nps"])
    assert same(s.promoter_share, twin["share_p"])
    if z is not None:
        assert same(s.ci_low, twin["lo"])
        assert same(s.ci_high, twin["hi"])
    if s.n:
        assert -100.0 <= s.ci_low <= s.ci_high <= 100.0
    assert s.small_sample == (twin["n"] < 30)


@SETTINGS
@given(reviews(), st.sampled_from(["D", "W", "M", "Q"]), st.booleans(), st.integers(1, 20))
def test_trend_matches_twin(frame, granularity, by_channel, window):
    by = "channel" if by_channel else None
    t = trend(frame, granularity, by=by, rolling=window)
    every = rows(frame)
    # The span of periods is the frame's (all reviews); segments are the seen values.
    records = [r for r in every if not missing(r["channel"])] if by else every
    if not records:
        assert t.empty
        return
    first = min(r["day"] for r in every)
    last = max(r["day"] for r in every)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    periods = sorted({twin_period(day, granularity) for day in days})
    segments = sorted({r["channel"] for r in records}) if by else [None]
    assert len(t) == len(periods) * len(segments)
    got = {}
    for row in t.to_dict("records"):
        key = (row["period"].date(), row["channel"] if by else None)
        got[key] = row
    for period in periods:
        period_end = period
        while twin_period(period_end + timedelta(days=1), granularity) == period:
            period_end += timedelta(days=1)
        window_end = min(period_end, last)
        for segment in segments:
            row = got[(period, segment)]
            mine = [
                r["rate"]
                for r in records
                if twin_period(r["day"], granularity) == period
                and (not by or r["channel"] == segment)
            ]
            twin = twin_figures(mine)
            assert row["n"] == twin["n"]
            assert row["promoters"] == twin["p"]
            assert same(row["nps"], twin["nps"])
            assert same(row["ci_low"], twin["lo"])
            assert same(row["ci_high"], twin["hi"])
            rolled = [
                r["rate"]
                for r in records
                if window_end - timedelta(days=window) < r["day"] <= window_end
                and (not by or r["channel"] == segment)
            ]
            twin_r = twin_figures(rolled)
            assert row["rolling_n"] == twin_r["n"]
            assert same(row["rolling_nps"], twin_r["nps"])
            assert same(row["rolling_ci_low"], twin_r["lo"])
    if granularity == "W":
        assert all(p.weekday() == 0 for p in t["period"])


@SETTINGS
@given(reviews(), st.sampled_from([["channel"], ["category"], ["channel", "category"]]))
def test_breakdown_matches_twin(frame, by):
    b = breakdown(frame, by)
    groups: dict[tuple, list[int]] = {}
    for r in rows(frame):
        key = tuple(r[c] for c in by)
        if any(missing(k) for k in key):
            continue
        groups.setdefault(key, []).append(r["rate"])
    total = sum(len(v) for v in groups.values())
    assert len(b) == len(groups)
    for row in b.to_dict("records"):
        key = tuple(row[c] for c in by)
        twin = twin_figures(groups[key])
        assert row["n"] == twin["n"]
        assert (row["promoters"], row["passives"], row["detractors"]) == (
            twin["p"],
            twin["a"],
            twin["d"],
        )
        assert same(row["nps"], twin["nps"])
        assert same(row["ci_low"], twin["lo"])
        assert same(row["ci_high"], twin["hi"])
        assert same(row["share_of_responses"], twin["n"] / total)
        assert row["small_sample"] == (twin["n"] < 30)
    assert list(b["nps"]) == sorted(b["nps"], reverse=True)


@SETTINGS
@given(reviews(), reviews(), st.sampled_from([["channel"], ["channel", "category"]]))
def test_decompose_sums_to_total_change(current, previous, by):
    d = decompose(current, previous, by)

    def nps_and_weights(frame):
        groups: dict[tuple, list[int]] = {}
        for r in rows(frame):
            key = tuple(r[c] for c in by)
            if not any(missing(k) for k in key):
                groups.setdefault(key, []).append(r["rate"])
        total = sum(len(v) for v in groups.values())
        every = [rate for v in groups.values() for rate in v]
        return twin_figures(every)["nps"], {
            k: (len(v) / total, twin_figures(v)["nps"]) for k, v in groups.items()
        }

    nps1, seg1 = nps_and_weights(current)
    nps0, seg0 = nps_and_weights(previous)
    assert same(d.nps_current, nps1)
    assert same(d.nps_previous, nps0)
    if math.isnan(nps1) or math.isnan(nps0):
        assert math.isnan(d.change)
        return
    assert math.isclose(d.mix + d.rate, nps1 - nps0, abs_tol=1e-9)
    assert math.isclose(d.segments["total"].sum(), nps1 - nps0, abs_tol=1e-9)
    assert len(d.segments) == len(set(seg1) | set(seg0))
    for row in d.segments.to_dict("records"):
        key = tuple(row[c] for c in by)
        w1, n1 = seg1.get(key, (0.0, 0.0))
        w0, n0 = seg0.get(key, (0.0, 0.0))
        # Each segment's contribution is its own weighted NPS change.
        assert math.isclose(row["mix"] + row["rate"], w1 * n1 - w0 * n0, abs_tol=1e-9)


@SETTINGS
@given(reviews(max_rows=80), reviews(max_rows=80))
def test_compare_segments_holm_is_monotone_and_bounded(current, previous):
    out = compare_segments(current, previous, "channel")
    tested = out.dropna(subset=["p_value"])
    assert (tested["p_holm"] >= tested["p_value"] - 1e-15).all()
    assert (tested["p_holm"] <= 1.0).all()
    ordered = tested.sort_values("p_value")
    assert (np.diff(ordered["p_holm"].to_numpy()) >= -1e-15).all()
    assert not out.loc[out["p_value"].isna(), "significant"].any()
