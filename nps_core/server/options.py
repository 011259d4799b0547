"""Behaviour switches of the bundled server (compatibility variants, limits, faults)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["FAULT_KINDS", "FaultKind", "ServerOptions"]

FaultKind = Literal["500", "502", "429", "slow", "drop"]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """How the server behaves; the defaults match the vendor's documented API.

    date_to: whether `date_to` includes its own day.
    shape: "array" (a bare JSON list) or "envelope" ({"status", "payload"}).
    legacy: reviews carry only id, client, rate, channel, category, comment.
    page_limit: most reviews one /nps/reviews answer holds.
    day_tz: time zone in which date_from / date_to days begin and end.
    rate_limit_per_minute: per-shop limit on API calls; None for no limit.
    fault_rate: share of /nps/ answers replaced by an injected fault (0..1).
    fault_seed: seed of the fault dice, for reproducible runs.
    fault_delay: seconds a "slow" fault waits before answering normally.
    fault_kinds: which faults to draw from (uniformly).
    max_body_bytes: largest accepted request body.
    latency_ms: milliseconds every answer waits before it is sent (a network's delay).
    latency_jitter: share by which each wait varies, up or down (0.2: ±20%).
    max_connections: connections open at once; None: half the file-handle limit.
    request_timeout: seconds a connection has to send a whole request.
    keep_alive: seconds an idle connection stays open after an answer.
    """

    date_to: Literal["inclusive", "exclusive"] = "inclusive"
    shape: Literal["array", "envelope"] = "array"
    legacy: bool = False
    page_limit: int = 1000
    day_tz: str = "UTC"
    rate_limit_per_minute: int | None = None
    fault_rate: float = 0.0
    fault_seed: int | None = None
    fault_delay: float = 15.0
    fault_kinds: tuple[FaultKind, ...] = FAULT_KINDS
    max_body_bytes: int = 64 * 1024
    latency_ms: float = 0.0
    latency_jitter: float = 0.2
    max_connections: int | None = None
    request_timeout: float = 10.0
    keep_alive: float = 5.0

    def __post_init__(self) -> None:
        if self.date_to not in ("inclusive", "exclusive"):
            raise ValueError("date_to must be 'inclusive' or 'exclusive'")
        if self.shape not in ("array", "envelope"):
            raise ValueError("shape must be 'array' or 'envelope'")
        if self.page_limit < 1:
            raise ValueError("page_limit must be at least 1")
        try:
            ZoneInfo(self.day_tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone: {self.day_tz!r}") from exc
        if self.rate_limit_per_minute is not None and self.rate_limit_per_minute < 1:
            raise ValueError("rate_limit_per_minute must be at least 1 (or None)")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if self.fault_delay < 0:
            raise ValueError("fault_delay must not be negative")
        if not self.fault_kinds or not set(self.fault_kinds) <= set(FAULT_KINDS):
            raise ValueError(f"fault_kinds must be a non-empty subset of {FAULT_KINDS}")
        if self.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")
        if self.latency_ms < 0 or not 0 <= self.latency_jitter <= 1:
            raise ValueError("latency_ms must not be negative, latency_jitter from 0 to 1")
        if self.max_connections is not None and self.max_connections < 1:
            raise ValueError("max_connections must be at least 1 (or None)")
        if self.request_timeout <= 0 or self.keep_alive <= 0:
            raise ValueError("request_timeout and keep_alive must be positive")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.day_tz)
