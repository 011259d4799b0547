"""Value objects returned by the client, and the vendor's groups of rates.

The dataclasses spell their fields out for type checkers; a check at import keeps them
the wire's (``contract.wire``), so a field added there and not here fails at once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from nps_core.contract.wire import CATEGORY_TEXTS, REVIEW_FIELDS

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["GROUPS", "RATE_GROUP", "Category", "Channel", "Group", "Review", "group_of"]

Group = Literal["detractor", "passive", "promoter"]
# Ordered worst to best; the review frame's `group` categorical uses this order.
GROUPS: tuple[Group, ...] = ("detractor", "passive", "promoter")
# The vendor's rule, as the index into GROUPS of each rate 0..10: 0–6 detractor,
# 7–8 passive, 9–10 promoter. Every classification in the project reads this table.
RATE_GROUP: tuple[int, ...] = (0,) * 7 + (1,) * 2 + (2,) * 2


def group_of(rate: int) -> Group:
    """The group of a valid rate (0..10)."""
    return GROUPS[RATE_GROUP[rate]]


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
        return getattr(self, f"{group_of(rate)}_question")

    def thanks(self, rate: int) -> str | None:
        """The thank-you text shown after a review with this rate."""
        return getattr(self, f"{group_of(rate)}_success")


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


def _same_fields(cls: type[DataclassInstance], names: Collection[str]) -> None:
    declared = {f.name for f in fields(cls)}
    if declared != set(names):
        raise TypeError(f"{cls.__name__} declares {sorted(declared)}, the wire {sorted(names)}")


_same_fields(Review, REVIEW_FIELDS)
_same_fields(Category, ("code", "name", "id", *CATEGORY_TEXTS))
