"""What the alerts say: a message per new detractor, per control-band episode and per
recovery, as plain text (every chat service and e-mail reads it).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from nps_core.analysis.control import SHOP, BandCheck
from nps_core.present.formatting import format_count, format_nps
from nps_core.present.labels import Labels, segment_label
from nps_core.present.message import Message

__all__ = [
    "band_message",
    "detractor_message",
    "followup_link",
    "recovery_message",
    "segment_name",
]

COMMENT_CHARS = 500


def segment_name(check: BandCheck, labels: Labels) -> str:
    if check.segment == SHOP:
        return "the whole shop"
    return segment_label({"channel": check.channel, "category": check.category}, labels)


def followup_link(public_url: str, review_id: int) -> str:
    return f"{public_url}/followup?{urlencode({'review': review_id})}"


def _segments_link(public_url: str, check: BandCheck) -> str:
    if check.segment == SHOP:
        return f"{public_url}/?period=90d"
    query = {"channel": check.channel or "", "category": check.category or "", "period": "90d"}
    return f"{public_url}/segments?{urlencode(query)}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def detractor_message(
    review: Mapping[Hashable, Any], labels: Labels, tz: str, public_url: str
) -> Message:
    """One new detractor: rate, channel, category, comment, time, and the follow-up link."""
    where = segment_label({"channel": review["channel"], "category": review["category"]}, labels)
    moment = pd.Timestamp(review["created_at"]).tz_convert(tz)
    comment = review.get("comment")
    said = (
        f"“{_shorten(comment, COMMENT_CHARS)}”"
        if isinstance(comment, str) and comment.strip()
        else "(no comment)"
    )
    lines = [
        f"Rate {int(review['rate'])} of 10 · {where}",
        f"{moment:%Y-%m-%d %H:%M} ({tz})",
        said,
        f"Follow up: {followup_link(public_url, int(review['id']))}",
    ]
    return Message(f"Detractor: {int(review['rate'])}/10 · {where}", "\n".join(lines))


def _figures(check: BandCheck) -> str:
    return (
        f"Rolling 7-day NPS {format_nps(check.nps)} from {format_count(check.n)} answers; "
        f"the previous eight weeks: NPS {format_nps(check.baseline_nps)} from "
        f"{format_count(check.baseline_n)}."
    )


def band_message(check: BandCheck, labels: Labels, public_url: str, opened: datetime) -> Message:
    """A segment (or the shop) left its control band: one message per episode."""
    where = segment_name(check, labels)
    lines = [
        _figures(check),
        f"That is below the lower 99% limit of {format_nps(check.lower)} for "
        f"{format_count(check.n)} answers (adjusted-Wald, against the eight weeks before).",
        f"Since {opened:%Y-%m-%d %H:%M} UTC. One more message when it recovers.",
        f"Look closer: {_segments_link(public_url, check)}",
    ]
    return Message(f"NPS drop: {where}", "\n".join(lines))


def recovery_message(
    check: BandCheck, labels: Labels, public_url: str, opened: datetime, now: datetime
) -> Message:
    """The segment is back: at or above its lower 95% limit."""
    where = segment_name(check, labels)
    hours = (now - opened).total_seconds() / 3600.0
    lasted = f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.1f} days"
    lines = [
        _figures(check),
        f"Back at or above the lower 95% limit of {format_nps(check.recover)}; "
        f"the drop lasted {lasted}.",
        f"Look closer: {_segments_link(public_url, check)}",
    ]
    return Message(f"NPS recovered: {where}", "\n".join(lines))
