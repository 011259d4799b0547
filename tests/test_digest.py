"""The weekly digest as data, text, HTML and chart (nps_core.present.digest)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import pytest

from nps_core.analysis.nps import compare, summarize
from nps_core.analysis.quotes import representative
from nps_core.analysis.segments import decompose
from nps_core.present.digest import (
    CHART_NAME,
    HISTORY_PERIODS,
    compose_digest,
    digest_message,
    digest_periods,
    digest_text,
    period_blocks,
)
from nps_core.present.digest_chart import digest_chart_png
from nps_core.present.formatting import format_nps_with_margin, format_points
from nps_core.present.message import Message
from tests.support.rows import review_frame, wire_review

TODAY = date(2026, 3, 9)  # a Monday
LABELS = {"channel": {"web": "Website", "sms": "SMS"}, "category": {"delivery": "Delivery"}}
SAID = {
    "promoter": ["fast delivery and friendly courier", "friendly courier, fast delivery", "great"],
    "passive": ["delivery was fine but slow", "fine, slow delivery overall", "okay"],
    "detractor": ["courier was late and rude", "late courier, rude on the phone", "bad"],
}


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    rng = random.Random(4)
    rows, ids = [], 0
    period, _ = digest_periods(7, TODAY)
    first = period.start - timedelta(days=7 * (HISTORY_PERIODS - 1))
    for k in range((period.end - first).days + 1):
        day = first + timedelta(days=k)
        worse = day >= period.start  # the last week sours on SMS
        for _ in range(30):
            ids += 1
            channel = rng.choice(["web", "sms"])
            rate = rng.choice([2, 3] if worse and channel == "sms" else [2, 8, 9, 10, 10])
            group = "detractor" if rate <= 6 else "passive" if rate <= 8 else "promoter"
            moment = datetime.combine(day, time(8), UTC) + timedelta(minutes=rng.randrange(600))
            rows.append(
                wire_review(ids, moment, rate, channel=channel, comment=rng.choice(SAID[group]))
            )
    return review_frame(rows)


def test_the_periods_are_whole_days_ending_yesterday() -> None:
    period, previous = digest_periods(7, TODAY)
    assert (period.start, period.end) == (date(2026, 3, 2), date(2026, 3, 8))
    assert (previous.start, previous.end) == (date(2026, 2, 23), date(2026, 3, 1))


def test_the_digest_figures_are_the_metrics_of_the_two_periods(history: pd.DataFrame) -> None:
    period, previous = digest_periods(7, TODAY)
    digest = compose_digest(
        history, period, previous, open_followups=4, overdue=1, followups_since=date(2026, 1, 12),
        sla_hours=48, labels=LABELS, link="http://dash.test",
    )  # fmt: skip
    days = history["day"]
    current = history[(days >= pd.Timestamp(period.start)).to_numpy()]
    before = history[
        ((days >= pd.Timestamp(previous.start)) & (days <= pd.Timestamp(previous.end))).to_numpy()
    ]
    expected = compare(summarize(current), summarize(before))
    assert digest.comparison.current == expected.current
    assert digest.comparison.p_value == expected.p_value
    top = decompose(current, before, ["channel", "category"]).segments.head(3)
    assert [m.total for m in digest.moves] == pytest.approx(top["total"].tolist())
    assert digest.moves[0].name == "SMS · Delivery"
    text = digest_text(digest)
    s = expected.current
    assert f"NPS {format_nps_with_margin(s.nps, s.margin)} from {s.n:,} answers" in text
    assert "significant (p < 0.001)" in text
    assert f"SMS · Delivery: {format_points(digest.moves[0].total)} of the change" in text
    assert (
        "Open follow-ups of detractors since 12 Jan: 4 (1 new past the 48 h service level)" in text
    )
    assert [q.group for q in digest.quotes] == ["promoter", "passive", "detractor"]
    assert "Dashboard: http://dash.test" in text


def test_quotes_are_the_most_typical_comments_of_each_group(history: pd.DataFrame) -> None:
    for group in SAID:
        row = representative(history, group)
        assert row is not None
        assert row["comment"] in SAID[group][:2]  # never the one-word comment
    assert representative(history.iloc[:0], "promoter") is None


def test_blocks_are_the_last_eight_periods_oldest_first(history: pd.DataFrame) -> None:
    period, _ = digest_periods(7, TODAY)
    blocks = period_blocks(history, period)
    assert len(blocks) == HISTORY_PERIODS
    assert blocks["end"].iloc[-1] == period.end
    assert (blocks["start"].diff().dropna() == pd.Timedelta(days=7)).all()
    assert blocks["n"].sum() == len(history)


def test_the_message_has_text_html_and_the_chart_inline(history: pd.DataFrame) -> None:
    period, previous = digest_periods(7, TODAY)
    digest = compose_digest(
        history, period, previous, open_followups=0, overdue=0, followups_since=period.start,
        sla_hours=48, labels=LABELS, link="http://dash.test",
    )  # fmt: skip
    png = digest_chart_png(digest.blocks)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    message = digest_message(digest, png)
    assert message.text == digest_text(digest)
    assert f'src="cid:{CHART_NAME}"' in (message.html or "")
    assert message.attachments[0].content == png
    assert Message.from_payload(message.payload()) == message
