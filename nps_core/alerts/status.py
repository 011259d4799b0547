"""``status``: what the ledger holds — counts, what waits where, and what went wrong."""

from __future__ import annotations

from nps_core.alerts.notify import Destination
from nps_core.data.state import StateStore

__all__ = ["print_status"]


def print_status(state: StateStore, destinations: list[Destination]) -> int:
    """Print the report; 1 when some message failed for good, else 0."""
    named = {d.target: d.service for d in destinations}
    counts = state.ledger.counts()
    print("messages: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    for target, n in sorted(state.ledger.pending_targets().items()):
        print(f"  {n} pending for {named.get(target, 'a destination not named here')} {target}")
    for name, lease in sorted(state.leases.all().items()):
        print(f"lease {name}: {lease.holder} until {lease.expires_at:%Y-%m-%d %H:%M:%S} UTC")
    troubles = state.ledger.troubles()
    if troubles:
        print("recent failures:")
    for row in troubles:
        when = (
            f"next try {row.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC"
            if row.status == "pending"
            else "gave up"
        )
        error = (row.last_error or "").replace("\n", " ")[:200]
        print(f"  {row.event_key} → {row.target}: {row.attempts} tries, {when}: {error}")
    return 1 if counts["failed"] else 0
