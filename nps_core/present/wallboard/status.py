"""What a wallboard shows when the API fails, and how fresh its data is.

A screen keeps showing its last good data, marked stale, rather than an error: the last
fresh ``ReviewSet`` of each span is kept for every screen (``LastGood``), and the board's
stamp says "updated hh:mm" or "stale since hh:mm" and why.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from nps_core.contract.errors import NpsApiError
from nps_core.data.fetch import ReviewSet
from nps_core.present.formatting import format_date_as
from nps_core.present.i18n import gettext

__all__ = ["LastGood", "Shown", "Status", "board_status", "choose_shown", "clock"]


@dataclass(frozen=True, eq=False)
class Shown:
    """The reviews a board shows for one span, and whether they are the API's latest."""

    reviews: ReviewSet | None  # None: the API failed before it ever answered
    stale: bool = False
    problem: str | None = None  # why they are stale: the API's own message


def _fetched_at(reviews: ReviewSet) -> datetime:
    return reviews.fetched_at or datetime.min.replace(tzinfo=UTC)


def choose_shown(
    result: ReviewSet | None, error: NpsApiError | None, last_good: ReviewSet | None
) -> Shown:
    """A fresh answer as is; after a failure the newest copy there is, marked stale.

    The fetch layer may answer a failure with its stored copy (``result.stale``); the
    screen's own last good answer is usually newer (the store stamps a copy with its
    oldest day's fetch).
    """
    if result is not None and not result.stale:
        return Shown(result)
    failure = error if error is not None else result.error if result is not None else None
    copies = [copy for copy in (result, last_good) if copy is not None]
    newest = max(copies, key=_fetched_at) if copies else None
    return Shown(newest, stale=True, problem=str(failure) if failure else gettext("no answer"))


class LastGood:
    """The last fresh ``ReviewSet`` of each span, for every screen; thread-safe."""

    def __init__(self, capacity: int = 16) -> None:
        self._capacity = capacity
        self._sets: OrderedDict[Hashable, ReviewSet] = OrderedDict()
        self._lock = threading.Lock()

    def resolve(self, key: Hashable, result: ReviewSet | None, error: NpsApiError | None) -> Shown:
        """Remember a fresh ``result``; say what to show (see ``choose_shown``)."""
        with self._lock:
            if result is not None and not result.stale:
                self._sets[key] = result
            if key in self._sets:
                self._sets.move_to_end(key)
            while len(self._sets) > self._capacity:
                self._sets.popitem(last=False)
            return choose_shown(result, error, self._sets.get(key))


def clock(moment: datetime, tz: str, today: date) -> str:
    """ "14:05" today, "3 Mar 14:05" another day (a screen left on over a weekend)."""
    local = moment.astimezone(ZoneInfo(tz))
    return format_date_as(local, "time" if local.date() == today else "day and time")


@dataclass(frozen=True)
class Status:
    """The board's stamp: "updated hh:mm", or "stale since hh:mm" and why."""

    text: str
    stale: bool
    problem: str | None = None


def board_status(shown: Sequence[Shown], tz: str, today: date) -> Status:
    """Updated when the newest data came; stale since the oldest stale copy was fresh."""
    stale = [part for part in shown if part.stale]
    problem = stale[0].problem if stale else None
    fetched = [_fetched_at(part.reviews) for part in shown if part.reviews is not None]
    if not fetched:
        return Status(gettext("no data yet"), stale=True, problem=problem)
    copies = [_fetched_at(part.reviews) for part in stale if part.reviews is not None]
    if copies:
        since = clock(min(copies), tz, today)
        return Status(gettext("stale since {time}").format(time=since), True, problem)
    # A part with no copy at all (a comparison never fetched) is left out, and said why.
    updated = clock(max(fetched), tz, today)
    return Status(gettext("updated {time}").format(time=updated), bool(stale), problem)
