"""The Follow-up page's editor of one follow-up, as plain data: what its form shows and
what a save sends, so that two people editing the same follow-up lose nothing.

The editor keeps the follow-up its edits start from (``base``) and the form's values.
While nothing is edited the form follows the store (another manager's save shows on the
next run). Once something is edited the base stays put, so a save checks the version
the user started from: if someone saved in between, the save is refused with a
``VersionConflict``, and ``after_conflict`` keeps the user's edited fields, shows the
stored values for the rest and takes the stored version as the new base, so saving
again applies exactly the user's change over the other one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nps_core.data.state import Change, FollowUp, VersionConflict

__all__ = [
    "FIELDS",
    "EditorState",
    "after_conflict",
    "after_save",
    "bulk_report",
    "change_of",
    "edited",
    "refresh",
    "values_of",
]

FIELDS = ("status", "owner", "note")


def values_of(followup: FollowUp) -> dict[str, str]:
    return {"status": followup.status, "owner": followup.owner or "", "note": followup.note or ""}


@dataclass(frozen=True)
class EditorState:
    base: FollowUp
    values: dict[str, str] = field(default_factory=dict)


def edited(state: EditorState) -> list[str]:
    """The fields whose form value differs from the base (what a save would change)."""
    base = values_of(state.base)
    return [name for name in FIELDS if state.values.get(name, base[name]).strip() != base[name]]


def refresh(state: EditorState | None, current: FollowUp) -> EditorState:
    """The editor on a new run: following the store unless edits are pending."""
    if state is None or state.base.review_id != current.review_id or not edited(state):
        return EditorState(current, values_of(current))
    return state


def change_of(state: EditorState) -> Change:
    return Change(**{name: state.values[name].strip() for name in edited(state)})


def after_save(saved: FollowUp) -> EditorState:
    return EditorState(saved, values_of(saved))


def after_conflict(state: EditorState, conflict: VersionConflict) -> EditorState:
    """The user's edits kept over what is stored now, ready to be saved again."""
    values = values_of(conflict.current)
    values.update({name: state.values[name] for name in edited(state)})
    return EditorState(conflict.current, values)


def bulk_report(results: Sequence[FollowUp | VersionConflict], owner: str) -> tuple[str, list[str]]:
    """One line for what a bulk assignment did, and one per follow-up it could not."""
    done = sum(isinstance(r, FollowUp) for r in results)
    whom = owner or "nobody"
    noun = "follow-up" if done == 1 else "follow-ups"
    conflicts = [
        f"Review {r.current.review_id}: {r.message}"
        for r in results
        if isinstance(r, VersionConflict)
    ]
    return f"{done} {noun} assigned to {whom}.", conflicts
