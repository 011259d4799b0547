"""Value objects returned by the client, and the vendor's score bands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

__all__ = ["GROUPS", "Band", "Category", "Channel", "Review", "band"]

Band = Literal["detractor", "passive", "promoter"]
# Ordered worst to best; the review frame's `group` categorical uses this order.
GROUPS: tuple[Band, ...] = ("detractor", "passive", "promoter")


def band(rate: int) -> Band:
    """The vendor's bands: 0–6 detractor, 7–8 passive, 9–10 promoter."""
    if rate >= 9:
        return "promoter"
    if rate >= 7:
        return "passive"
    return "detractor"


@dataclass(frozen=True, slots=True)
class Channel:
    code: str
    name: str | None = None
    id: int | None = None

    @property
    def label(self) -> str:
        return self.name or self.code


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name: str | None = None
    id: int | None = None
    promoter_question: str | None = None
    promoter_success: str | None = None
    passive_question: str | None = None
    passive_success: str | None = None
    detractor_question: str | None = None
    detractor_success: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.code

    def question(self, rate: int) -> str | None:
        """The question a respondent with this rate is asked."""
        return getattr(self, f"{band(rate)}_question")

    def thanks(self, rate: int) -> str | None:
        """The thank-you text shown after a review with this rate."""
        return getattr(self, f"{band(rate)}_success")


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    channel: str
    category: str
    rate: int
    comment: str | None = None
    client_id: int | str | None = None
    email: str | None = None
    phone: str | None = None
    # None on legacy deployments that send no date at all.
    created_at: datetime | None = None
