"""The watch loop: new detractors and control-band episodes into the ledger, then out.

Each tick reads the reviews of the control band's span (the last 63 days) through the
fetch layer's cache, so only the open days are asked of the API; then

* every review rated ``max_rate`` or lower and younger than ``lookback`` (the follow-up
  service level by default: older ones are no news) that the ledger does not hold yet
  for a destination is recorded for it, as one message;
* every segment whose rolling 7-day NPS left its control band
  (``nps_core.analysis.control``) opens an episode in the store and records one message;
  an open episode that recovers is closed and records one more;
* the outbox delivers what is due.

Recording is insert-if-absent on (event key, destination), and an episode is unique per
segment while open, so two workers watching at once still record each event once.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.exc import SQLAlchemyError

from nps_core.alerts.outbox import Outbox, utc_now
from nps_core.alerts.runtime import Runtime
from nps_core.analysis.control import BandCheck, band_checks, span_needed
from nps_core.contract.errors import NpsApiError
from nps_core.data.state import Episode
from nps_core.present.alerts import band_message, detractor_message, recovery_message
from nps_core.present.labels import Labels
from nps_core.present.message import Message

__all__ = ["WatchOptions", "Watcher", "run_watch", "source_tag"]

log = logging.getLogger("nps_core.alerts")


def source_tag(source: str) -> str:
    """A short, stable name of the API and shop for event keys."""
    return hashlib.sha256(source.encode()).hexdigest()[:10]


@dataclass(frozen=True)
class WatchOptions:
    max_rate: int = 6
    lookback: timedelta = timedelta(hours=48)
    bands: bool = True


@dataclass
class Watcher:
    runtime: Runtime
    outbox: Outbox
    options: WatchOptions

    @property
    def _targets(self) -> list[str]:
        return [d.target for d in self.outbox.destinations]

    def _record(self, key: str, kind: str, message: Message, targets: list[str]) -> int:
        return self.runtime.state.ledger.record(key, kind, message.payload(), targets)

    def tick(self) -> int:
        """One look at the reviews; how many messages it recorded."""
        now = utc_now()
        today = now.astimezone(ZoneInfo(self.runtime.settings.timezone)).date()
        first, _ = span_needed(today)
        reviews = self.runtime.reviews(first, today)
        labels = self.runtime.labels()
        recorded = self._detractors(reviews.frame, now, labels)
        if self.options.bands:
            recorded += self._bands(band_checks(reviews.frame, today), now, labels)
        return recorded

    def _detractors(self, frame: pd.DataFrame, now: datetime, labels: Labels) -> int:
        """Detractors young enough to be news, oldest first, each once per destination."""
        recent = frame[
            (frame["rate"] <= self.options.max_rate).to_numpy()
            & (frame["created_at"] >= pd.Timestamp(now - self.options.lookback)).to_numpy()
        ].sort_values(["created_at", "id"])
        tag = source_tag(self.runtime.source)
        keys = [f"detractor:{tag}:{int(i)}" for i in recent["id"]]
        missing: dict[str, list[str]] = {}
        for target in self._targets:
            for key in set(keys) - self.runtime.state.ledger.known(keys, target):
                missing.setdefault(key, []).append(target)
        settings = self.runtime.settings
        recorded = 0
        for key, review in zip(keys, recent.to_dict("records"), strict=True):
            if key in missing:
                message = detractor_message(review, labels, settings.timezone, settings.public_url)
                recorded += self._record(key, "detractor", message, missing[key])
        return recorded

    def _bands(self, checks: list[BandCheck], now: datetime, labels: Labels) -> int:
        """Open an episode on leaving the band, close it on recovery; a message each.

        Both messages are recorded whenever their condition holds (insert-if-absent), the
        recovery before the episode is closed: a worker killed between the store's two
        writes records the missing message on its next look instead of losing it.
        """
        source, tag = self.runtime.source, source_tag(self.runtime.source)
        episodes = self.runtime.state.episodes
        opened = episodes.open_ones(source)
        url = self.runtime.settings.public_url
        recorded = 0
        for check in checks:
            episode: Episode | None = opened.get(check.segment)
            if episode is None and check.below:
                episode = episodes.open(source, check.segment, check.nps, check.lower, now)
            if episode is None:
                continue
            if check.recovered:
                message = recovery_message(check, labels, url, episode.opened_at, now)
                key = f"band:{tag}:{episode.id}:recovered"
                recorded += self._record(key, "recovery", message, self._targets)
                episodes.close(episode, check.nps, now)
            else:
                message = band_message(check, labels, url, episode.opened_at)
                key = f"band:{tag}:{episode.id}:open"
                recorded += self._record(key, "band", message, self._targets)
        return recorded


def run_watch(watcher: Watcher, interval: float, once: bool, stop: threading.Event) -> int:
    """Tick every ``interval`` seconds until ``stop`` (or once); 0, or 1 when a ``once``
    run could not read the reviews or deliver everything due. A failing API or database
    is logged and tried again at the next tick: the ledger keeps what is owed."""
    trouble = False
    while True:
        try:
            recorded = watcher.tick()
            if recorded:
                log.info("recorded %d new message(s)", recorded)
            wait = watcher.outbox.lease.total_seconds() + 5 if once else 0
            report = watcher.outbox.flush(wait=wait)
            trouble = trouble or bool(report.failed or report.blocked)
        except NpsApiError as error:
            trouble = True
            log.warning("reading reviews failed: %s; pending messages are still sent", error)
            watcher.outbox.flush()
        except SQLAlchemyError as error:
            trouble = True
            log.error("the state store failed: %s; trying again at the next look", error)
        if once or stop.wait(interval):
            break
    watcher.outbox.release()
    return 1 if once and trouble else 0
