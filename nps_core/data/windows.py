"""What a request covers and what a fetch learns: windows, cuts, rejections, traits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

__all__ = [
    "Rejection",
    "Traits",
    "Truncation",
    "Window",
    "chunks",
    "date_range",
    "day_runs",
]


@dataclass(frozen=True)
class Truncation:
    """A finest-grained window that still hit the cap: some reviews are missing."""

    day: date
    channel: str | None
    category: str | None
    returned: int


@dataclass(frozen=True)
class Window:
    """Server days ``first..last`` (both meant inclusive), optionally one segment."""

    first: date
    last: date
    channel: str | None = None
    category: str | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __str__(self) -> str:
        parts = [str(self.first) if self.days == 1 else f"{self.first}..{self.last}"]
        if self.channel is not None:
            parts.append(f"channel {self.channel}")
        if self.category is not None:
            parts.append(f"category {self.category}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Rejection:
    """Review objects of one answer that broke the contract: left out, never coerced."""

    window: Window
    problem: str
    count: int
    example: str

    def __str__(self) -> str:
        return f"{self.count} in the answer for {self.window}: {self.problem} (e.g. {self.example})"


@dataclass
class Traits:
    """What a fetch learns about the server; remembered in the cache."""

    legacy: bool | None = None
    inclusive: bool | None = None
    cap: int | None = None  # a cap below the documented one, proven by a cut answer

    def as_dict(self) -> dict[str, Any]:
        return {"legacy": self.legacy, "inclusive": self.inclusive, "cap": self.cap}


def day_runs(days: Sequence[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def date_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def chunks(first: date, last: date, size: int) -> list[Window]:
    windows = []
    while first <= last:
        end = min(last, first + timedelta(days=size - 1))
        windows.append(Window(first, end))
        first = end + timedelta(days=1)
    return windows
