"""The digest command: compose the period's digest, record it in the ledger, deliver it.

The digest of a period is one event (``digest:<shop>:<first day>:<last day>``), so a
second run for the same period (cron firing twice, a retry by hand) finds it sent and
sends nothing; ``again`` makes a fresh event. A failed delivery is retried with backoff
within ``wait`` seconds; what is still pending then stays in the ledger, and the next
``watch`` or ``digest`` run with that destination delivers it.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from nps_core.alerts.outbox import Outbox
from nps_core.alerts.runtime import Runtime
from nps_core.alerts.watch import source_tag
from nps_core.present.digest import (
    HISTORY_PERIODS,
    Digest,
    compose_digest,
    digest_message,
    digest_periods,
)
from nps_core.present.digest_chart import digest_chart_png
from nps_core.present.followup import OPEN_STATUSES, load_inbox

__all__ = ["build_digest", "run_digest"]

log = logging.getLogger("nps_core.alerts")


def build_digest(runtime: Runtime, days: int, now: datetime | None = None) -> Digest:
    """The digest of the ``days`` whole days ending yesterday (in the shop's time zone)."""
    now = now or datetime.now(UTC)
    settings = runtime.settings
    period, previous = digest_periods(days, now.astimezone(ZoneInfo(settings.timezone)).date())
    first = period.start - timedelta(days=(HISTORY_PERIODS - 1) * days)
    history = runtime.reviews(first, period.end).frame
    inbox = load_inbox(
        history, runtime.state.followups, runtime.source, now=now,
        sla_hours=settings.followup_sla_hours,
    )  # fmt: skip
    return compose_digest(
        history,
        period,
        previous,
        open_followups=int(inbox["status"].isin(OPEN_STATUSES).sum()),
        overdue=int(inbox["overdue"].sum()),
        followups_since=first,
        sla_hours=settings.followup_sla_hours,
        labels=runtime.labels(),
        link=settings.public_url,
    )


def run_digest(runtime: Runtime, outbox: Outbox, days: int, *, again: bool, wait: float) -> int:
    """0 when every destination has the digest, else 1 (the reasons are logged)."""
    digest = build_digest(runtime, days)
    key = f"digest:{source_tag(runtime.source)}:{digest.period.start}:{digest.period.end}"
    if again:
        key += f":{datetime.now(UTC):%Y%m%dT%H%M%S}"
    message = digest_message(digest, digest_chart_png(digest.blocks))
    targets = [d.target for d in outbox.destinations]
    if not runtime.state.ledger.record(key, "digest", message.payload(), targets):
        log.info("the digest of %s was recorded before", digest.period.label())
    deadline = time.monotonic() + wait
    while True:
        outbox.flush(only={key}, wait=max(0.0, min(deadline - time.monotonic(), 30.0)))
        left = outbox.pending({key})
        if not left or time.monotonic() >= deadline:
            break
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
    outbox.release()
    if left:
        log.warning("%d destination(s) do not have the digest yet; it stays queued", left)
    return 1 if left else 0
