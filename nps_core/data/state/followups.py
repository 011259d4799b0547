"""Follow-ups: who calls a customer back, how it went, and a note; saved with a version.

A review nobody has acted on has no row: it reads as ``FollowUp(review_id)``, status
"new", version 0. Every save names the follow-up as the user saw it (``seen``); it is
written only if the stored version is still ``seen.version`` (a conditional UPDATE, or
an INSERT for version 0 that the unique key refuses when someone got there first), so
of two people saving the same follow-up the second gets a ``VersionConflict`` that says
what the other changed and carries the second person's change, unsaved, to be applied
again. This holds across processes and databases: the check is one statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime

from sqlalchemy import Engine, Row, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from nps_core.data.state.schema import FOLLOWUP_STATUSES, followups

__all__ = [
    "MAX_NOTE",
    "Change",
    "FollowUp",
    "FollowUps",
    "VersionConflict",
]

MAX_NOTE = 4000
_MAX_NAME = 255
_SHOWN = ("status", "owner", "note")


@dataclass(frozen=True)
class FollowUp:
    """The follow-up of one review (``version`` 0: never saved)."""

    review_id: int
    status: str = "new"
    owner: str | None = None
    note: str | None = None
    created_at: datetime | None = None
    first_contacted_at: datetime | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None
    version: int = 0


@dataclass(frozen=True)
class Change:
    """What a user changes: ``None`` leaves a field as it is, ``""`` clears it."""

    status: str | None = None
    owner: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in FOLLOWUP_STATUSES:
            raise ValueError(f"status must be one of {', '.join(FOLLOWUP_STATUSES)}")
        if self.owner is not None and len(self.owner) > _MAX_NAME:
            raise ValueError(f"an owner's name has at most {_MAX_NAME} characters")
        if self.note is not None and len(self.note) > MAX_NOTE:
            raise ValueError(f"a note has at most {MAX_NOTE} characters")

    @property
    def fields(self) -> list[str]:
        return [name for name in _SHOWN if getattr(self, name) is not None]

    def applied_to(self, followup: FollowUp) -> FollowUp:
        return replace(
            followup,
            status=self.status or followup.status,
            owner=followup.owner if self.owner is None else self.owner or None,
            note=followup.note if self.note is None else self.note or None,
        )


def _describe(field: str, value: str | None) -> str:
    if field == "note":
        return "the note" if value else "cleared the note"
    return f"{field} {value or '(none)'}"


class VersionConflict(Exception):
    """Someone else saved the follow-up since the user read it; nothing was written.

    ``current`` is what is stored now, ``change`` the user's unsaved change (to keep in
    the form and to apply again over ``current``).
    """

    def __init__(self, seen: FollowUp, current: FollowUp, change: Change) -> None:
        self.seen, self.current, self.change = seen, current, change
        super().__init__(self.message)

    @property
    def changed(self) -> list[str]:
        """The fields the other save changed."""
        return [n for n in _SHOWN if getattr(self.seen, n) != getattr(self.current, n)]

    @property
    def message(self) -> str:
        who = self.current.updated_by or "someone else"
        when = (
            f" at {self.current.updated_at:%Y-%m-%d %H:%M} UTC" if self.current.updated_at else ""
        )
        what = ", ".join(_describe(n, getattr(self.current, n)) for n in self.changed)
        done = f"set {what}" if what else "saved it"
        yours = ", ".join(self.change.fields) or "nothing"
        return (
            f"{who} changed this follow-up first{when}: {done}. "
            f"Your change ({yours}) was not saved; it is kept here: save again to apply it."
        )


def _from_row(row: Row) -> FollowUp:
    names = {f.name for f in fields(FollowUp)}
    return FollowUp(**{k: v for k, v in row._mapping.items() if k in names})


class FollowUps:
    """The follow-ups of every shop (``source``: the API and shop, never a secret)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get_many(self, source: str, review_ids: Iterable[int]) -> dict[int, FollowUp]:
        """The saved follow-ups among ``review_ids`` (reviews without one are absent)."""
        ids = sorted({int(i) for i in review_ids})
        found: dict[int, FollowUp] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(ids), 500):  # bounded IN lists on every database
                query = select(followups).where(
                    followups.c.source == source,
                    followups.c.review_id.in_(ids[start : start + 500]),
                )
                for row in connection.execute(query):
                    found[row.review_id] = _from_row(row)
        return found

    def owners(self, source: str) -> list[str]:
        """Everyone a follow-up of ``source`` is assigned to, by name."""
        query = (
            select(followups.c.owner)
            .where(followups.c.source == source, followups.c.owner.is_not(None))
            .distinct()
        )
        with self.engine.connect() as connection:
            return sorted(str(owner) for owner in connection.scalars(query))

    def get(self, source: str, review_id: int) -> FollowUp:
        return self.get_many(source, [review_id]).get(review_id, FollowUp(review_id))

    def save(
        self,
        source: str,
        seen: FollowUp,
        change: Change,
        actor: str,
        now: datetime | None = None,
    ) -> FollowUp:
        """``change`` applied to ``seen``, if nobody saved it since; else ``VersionConflict``."""
        now = now or datetime.now(UTC)
        new = change.applied_to(seen)
        first_contact = seen.first_contacted_at
        if first_contact is None and new.status != "new":
            first_contact = now
        new = replace(
            new,
            created_at=seen.created_at if seen.version else now,
            first_contacted_at=first_contact,
            updated_at=now,
            updated_by=actor[:_MAX_NAME] or None,
            version=seen.version + 1,
        )
        values = {f.name: getattr(new, f.name) for f in fields(FollowUp)}
        if self._write(source, seen.version, values):
            return new
        raise VersionConflict(seen, self.get(source, seen.review_id), change)

    def _write(self, source: str, version: int, values: dict[str, object]) -> bool:
        try:
            with self.engine.begin() as connection:
                if version == 0:
                    connection.execute(insert(followups).values(source=source, **values))
                    return True
                changed = {k: v for k, v in values.items() if k not in ("review_id", "created_at")}
                result = connection.execute(
                    update(followups)
                    .where(
                        and_(
                            followups.c.source == source,
                            followups.c.review_id == values["review_id"],
                            followups.c.version == version,
                        )
                    )
                    .values(**changed)
                )
                return result.rowcount == 1
        except IntegrityError:  # another first save of the same review won
            return False

    def save_many(
        self, source: str, items: Sequence[tuple[FollowUp, Change]], actor: str
    ) -> list[FollowUp | VersionConflict]:
        """Each item saved on its own (bulk assign): a conflict on one spares the rest."""
        results: list[FollowUp | VersionConflict] = []
        for seen, change in items:
            try:
                results.append(self.save(source, seen, change, actor))
            except VersionConflict as conflict:
                results.append(conflict)
        return results
