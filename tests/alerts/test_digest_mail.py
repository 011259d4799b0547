"""The weekly digest end to end: the bundled server, the worker as a process, a local
SMTP server receiving the e-mail and a webhook receiving the chat version. The figures
in the mail are nps_core's metrics on the same reviews."""

from __future__ import annotations

import html
import random
from datetime import UTC, datetime, time, timedelta
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

import pandas as pd
import pytest

from nps_core import NpsClient, fetch_reviews
from nps_core.analysis.nps import compare, summarize
from nps_core.analysis.segments import decompose
from nps_core.present.digest import CHART_NAME, HISTORY_PERIODS, digest_periods
from nps_core.present.formatting import (
    format_delta,
    format_nps_with_margin,
    format_points,
    significance_text,
)
from tests.support.receivers import mail_receiver, webhook_receiver
from tests.support.rows import to_ms
from tests.support.servers import ServerFactory
from tests.support.shops import CATEGORIES, CHANNELS, SHOP_ID, SHOP_SECRET
from tests.support.workers import run_worker, watch_once, worker_env

pytestmark = pytest.mark.slow

COMMENTS = {
    "detractor": ["the courier was late again", "late courier and a damaged box", "awful"],
    "passive": ["fine but the delivery was slow", "slow delivery, fine product", "ok"],
    "promoter": ["fast delivery and great product", "great product, fast delivery", "top"],
}


def eight_weeks(now: datetime) -> list[dict]:
    """Reviews of the last 63 days, the last week worse on sms; none near the 48 h mark."""
    rng = random.Random(14)
    rows = []
    for back in range(1, 64):
        day = (now - timedelta(days=back)).date()
        for _ in range(25):
            moment = datetime.combine(day, time(), UTC) + timedelta(minutes=rng.randrange(1440))
            if abs((now - moment) - timedelta(hours=48)) < timedelta(minutes=15):
                continue
            channel, category = rng.choice(CHANNELS), rng.choice(CATEGORIES)
            worse = back <= 7 and channel == "sms"
            rate = rng.choice([1, 4] if worse else [3, 7, 8, 9, 10, 10])
            group = "detractor" if rate <= 6 else "passive" if rate <= 8 else "promoter"
            rows.append(
                {"created_ms": to_ms(moment), "channel": channel, "category": category,
                 "rate": rate, "comment": rng.choice(COMMENTS[group])}
            )  # fmt: skip
    return rows


def parts(message: Message) -> dict[str, Message]:
    return {part.get_content_type(): part for part in message.walk()}


def decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_the_digest_mail_carries_the_metrics_of_the_week_and_its_chart(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    server = server_factory(eight_weeks(now))
    env = worker_env(tmp_path, server)
    with mail_receiver() as mail, webhook_receiver() as chat:
        args = ["digest", "--period", "7d", "--notify", mail.url(), "--notify", chat.url()]
        done = run_worker(tmp_path, env, *args)
        assert done.returncode == 0, done.stderr
        again = run_worker(tmp_path, env, *args)  # cron firing twice: nothing more
        assert again.returncode == 0, again.stderr
        assert "recorded before" in again.stderr
    assert len(mail.messages) == 1
    assert len(chat.deliveries) == 1

    # What nps_core says about the same reviews, read afresh from the server.
    period, previous = digest_periods(7, now.date())
    first = period.start - timedelta(days=7 * (HISTORY_PERIODS - 1))
    with NpsClient(server.url, SHOP_ID, SHOP_SECRET) as client:
        frame = fetch_reviews(client, first, period.end).frame
    days = frame["day"]
    current = frame[(days >= pd.Timestamp(period.start)).to_numpy()]
    before = frame[
        ((days >= pd.Timestamp(previous.start)) & (days <= pd.Timestamp(previous.end))).to_numpy()
    ]
    change = compare(summarize(current), summarize(before))
    s = change.current
    headline = f"NPS {format_nps_with_margin(s.nps, s.margin)} from {s.n:,} answers"
    verdict = (
        f"{format_delta(change.delta)}, {significance_text(change.p_value, change.significant)}"
    )
    moves = decompose(current, before, ["channel", "category"]).segments.head(3)
    detractors = frame[(frame["rate"] <= 6).to_numpy()]
    overdue = int((detractors["created_at"] < pd.Timestamp(now - timedelta(hours=48))).sum())
    followups = f"{len(detractors):,} ({overdue:,} new past the 48 h service level)"

    message = mail.messages[0]
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == f"NPS digest · {period.label()}"
    found = parts(message)
    assert message.get_content_type() == "multipart/related"
    text, page = decoded(found["text/plain"]), html.unescape(decoded(found["text/html"]))
    for body in (text, page, chat.deliveries[0].body["message"]):
        assert headline in body
        assert verdict in body
        for total in moves["total"]:
            assert f"{format_points(total)} of the change" in body
        assert followups in body
        assert "Promoter (" in body
        assert "Passive (" in body
        assert "Detractor (" in body
    image = found["image/png"]
    assert image["Content-ID"] == f"<{CHART_NAME}>"
    assert f'src="cid:{CHART_NAME}"' in page
    payload = image.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert payload.startswith(b"\x89PNG")
    assert chat.deliveries[0].body["title"] == f"NPS digest · {period.label()}"


def test_in_demo_mode_the_worker_starts_the_bundled_server_itself(tmp_path: Path) -> None:
    env = worker_env(tmp_path, NPS_DEMO_REVIEWS="1500")
    with webhook_receiver() as receiver:
        args = watch_once(receiver.url(), more=("--lookback-hours", "720"))
        done = run_worker(tmp_path, env, *args)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "demo-1500.sqlite3").exists()
    assert receiver.deliveries
    assert all(d.body["title"].startswith("Detractor: ") for d in receiver.deliveries)
