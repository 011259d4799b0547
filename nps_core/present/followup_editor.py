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
from nps_core.present.i18n import N_, Texts, gettext, ngettext

__all__ = [
    "FIELDS",
    "EditorState",
    "after_conflict",
    "after_save",
    "bulk_report",
    "change_of",
    "conflict_text",
    "edited",
    "refresh",
    "saved_text",
    "values_of",
]

FIELDS = ("status", "owner", "note")
# The fields and the statuses as a sentence names them ("Saved: status, note.").
_FIELD_NAMES: Texts[str] = Texts({"status": N_("status"), "owner": N_("owner"), "note": N_("note")})
_STATUS_WORDS: Texts[str] = Texts(
    {
        "new": N_("new"),
        "contacted": N_("contacted"),
        "resolved": N_("resolved"),
        "unreachable": N_("unreachable"),
    }
)


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


def _fields(names: Sequence[str]) -> str:
    return ", ".join(_FIELD_NAMES.get(name, name) for name in names)


def saved_text(change: Change) -> str:
    """What a save changed: "Saved: status, note."."""
    return gettext("Saved: {fields}.").format(fields=_fields(change.fields))


def _describe(name: str, value: str | None) -> str:
    if name == "note":
        return gettext("the note") if value else gettext("cleared the note")
    shown = _STATUS_WORDS.get(value, value) if name == "status" and value else value
    return gettext("{field} {value}").format(
        field=_FIELD_NAMES[name], value=shown or gettext("(none)")
    )


def conflict_text(conflict: VersionConflict) -> str:
    """``VersionConflict.message`` in the reader's language: who saved first and what,
    and that the user's change is kept to be saved again."""
    current = conflict.current
    what = ", ".join(_describe(n, getattr(current, n)) for n in conflict.changed)
    return gettext(
        "{who} changed this follow-up first{when}: {done}. Your change ({yours}) was not "
        "saved; it is kept here: save again to apply it."
    ).format(
        who=current.updated_by or gettext("someone else"),
        when=gettext(" at {time} UTC").format(time=f"{current.updated_at:%Y-%m-%d %H:%M}")
        if current.updated_at
        else "",
        done=gettext("set {what}").format(what=what) if what else gettext("saved it"),
        yours=_fields(conflict.change.fields) or gettext("nothing"),
    )


def bulk_report(results: Sequence[FollowUp | VersionConflict], owner: str) -> tuple[str, list[str]]:
    """One line for what a bulk assignment did, and one per follow-up it could not."""
    done = sum(isinstance(r, FollowUp) for r in results)
    summary = ngettext(
        "{n} follow-up assigned to {whom}.", "{n} follow-ups assigned to {whom}.", done
    ).format(n=done, whom=owner or gettext("nobody"))
    conflicts = [
        gettext("Review {review}: {message}").format(
            review=r.current.review_id, message=conflict_text(r)
        )
        for r in results
        if isinstance(r, VersionConflict)
    ]
    return summary, conflicts
