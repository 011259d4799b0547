"""The Follow-up inbox as plain data: who to call back, how long they have waited, the
actions on them, and the inbox as CSV.

The inbox of a period is its detractors (with ``passives``, its passives too), newest
first, each joined with its follow-up from the state store (a review nobody acted on
reads as status "new", version 0). A follow-up is *past the service level* while it is
still "new" and older than ``sla_hours`` (``Settings.followup_sla_hours``, 48 by
default). Actions save at once through ``FollowUps.save`` with the version the user saw,
so a concurrent save by someone else is reported (``VersionConflict``), never overwritten.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from babel.numbers import format_decimal

from nps_core.data.state import Change, FollowUp, FollowUps, VersionConflict
from nps_core.present.comments import (
    guard_formulas,
    local_time,
    newest_first,
    review_columns,
)
from nps_core.present.formatting import format_count, format_date_as
from nps_core.present.i18n import N_, Texts, current_locale, gettext
from nps_core.present.labels import Labels, names_of, segment_label

__all__ = [
    "INBOX_COLUMNS",
    "OPEN_STATUSES",
    "STATUS_LABELS",
    "age_text",
    "assign",
    "change_status",
    "hours_text",
    "inbox",
    "inbox_csv",
    "inbox_labels",
    "inbox_table",
    "load_inbox",
    "seen_followup",
    "set_note",
]

STATUS_LABELS: Texts[str] = Texts(
    {
        "new": N_("New"),
        "contacted": N_("Contacted"),
        "resolved": N_("Resolved"),
        "unreachable": N_("Unreachable"),
    }
)
# Still to be acted on: counted as open, and "new" ones can fall past the service level.
OPEN_STATUSES = ("new", "contacted")
INBOX_COLUMNS: tuple[str, ...] = (
    "time",
    "channel",
    "category",
    "rate",
    "comment",
    "contact",
    "status",
    "owner",
    "note",
    "age",
    "review",
)
_REVIEW_COLUMNS = ["id", "created_at", "day", "channel", "category", "rate", "group", "comment"]
_CONTACT_COLUMNS = ["client_id", "email", "phone"]
_FOLLOWUP_FIELDS = (
    "status",
    "owner",
    "note",
    "version",
    "first_contacted_at",
    "updated_at",
    "updated_by",
)


def inbox(
    frame: pd.DataFrame,
    saved: Mapping[int, FollowUp],
    *,
    now: datetime,
    sla_hours: float,
    passives: bool = False,
) -> pd.DataFrame:
    """The period's detractors (and ``passives``) newest first, with their follow-ups.

    Columns: the review's (``id``, ``created_at``, ``day``, ``channel``, ``category``,
    ``rate``, ``group``, ``comment``, ``client_id``, ``email``, ``phone``), the
    follow-up's (``status``, ``owner``, ``note``, ``version``, ``first_contacted_at``,
    ``updated_at``, ``updated_by``), ``age_hours`` since the review and ``overdue``
    (still new past the service level).
    """
    groups = ["detractor", "passive"] if passives else ["detractor"]
    rows = newest_first(frame[frame["group"].isin(groups).to_numpy()])
    columns = [c for c in _REVIEW_COLUMNS + _CONTACT_COLUMNS if c in rows.columns]
    out = rows[columns].reset_index(drop=True)
    followups = [saved.get(int(i), FollowUp(int(i))) for i in out["id"]]
    for name in _FOLLOWUP_FIELDS:
        out[name] = pd.Series([getattr(f, name) for f in followups], dtype=object)
    out["version"] = out["version"].astype(np.int64)
    age = (pd.Timestamp(now) - out["created_at"]).dt.total_seconds() / 3600.0
    out["age_hours"] = age.to_numpy(np.float64)
    out["overdue"] = (out["status"] == "new").to_numpy() & (out["age_hours"] > sla_hours).to_numpy()
    return out


def load_inbox(
    frame: pd.DataFrame,
    store: FollowUps,
    source: str,
    *,
    now: datetime,
    sla_hours: float,
    passives: bool = False,
) -> pd.DataFrame:
    """``inbox`` with the follow-ups read from the store."""
    groups = ["detractor", "passive"] if passives else ["detractor"]
    ids = frame.loc[frame["group"].isin(groups).to_numpy(), "id"]
    saved = store.get_many(source, ids.tolist())
    return inbox(frame, saved, now=now, sla_hours=sla_hours, passives=passives)


def hours_text(hours: float) -> str:
    """A number of hours, as short as it goes: "48 h", "1.5 h" ("48 ч", "1,5 ч")."""
    return gettext("{n} h").format(n=format_decimal(hours, "#,##0.##", locale=current_locale()))


def age_text(hours: float, sla_hours: float, overdue: bool) -> str:
    """ "5 h", "2 d 3 h"; past the service level it says so in words, not colour only."""
    if math.isnan(hours):
        return ""
    whole = max(int(hours), 0)
    days, rest = divmod(whole, 24)
    text = (
        gettext("{days} d {hours} h").format(days=format_count(days), hours=rest)
        if days
        else gettext("{n} h").format(n=rest)
    )
    if not overdue:
        return text
    return gettext("{age} · past {sla}").format(age=text, sla=hours_text(sla_hours))


def _contact(email: object, phone: object) -> str:
    parts = [v.strip() for v in (email, phone) if isinstance(v, str) and v.strip()]
    return " · ".join(parts)


def inbox_table(
    rows: pd.DataFrame,
    *,
    tz: str,
    sla_hours: float,
    labels: Labels,
) -> pd.DataFrame:
    """The inbox as the page shows it (``INBOX_COLUMNS``), in the inbox's order; channels
    and categories by their names in ``labels``."""
    emails = rows["email"] if "email" in rows.columns else pd.Series([None] * len(rows))
    phones = rows["phone"] if "phone" in rows.columns else pd.Series([None] * len(rows))
    return pd.DataFrame(
        {
            "review": rows["id"].astype(str),
            "time": local_time(rows, tz),
            "channel": names_of(rows["channel"], labels.get("channel", {})),
            "category": names_of(rows["category"], labels.get("category", {})),
            "rate": rows["rate"].astype(np.int64),
            "comment": rows["comment"].astype("string"),
            "contact": [_contact(e, p) for e, p in zip(emails, phones, strict=True)],
            "status": rows["status"].map(STATUS_LABELS),
            "owner": rows["owner"].fillna(""),
            "note": rows["note"].fillna(""),
            "age": [
                age_text(h, sla_hours, o)
                for h, o in zip(rows["age_hours"], rows["overdue"], strict=True)
            ],
        },
        columns=list(INBOX_COLUMNS),
    ).reset_index(drop=True)


def inbox_labels(rows: pd.DataFrame, *, tz: str, labels: Labels) -> dict[int, str]:
    """A one-line name of each follow-up, for choosing it: time, rate, segment, comment."""
    times = local_time(rows, tz)
    names = {}
    for moment, row in zip(times, rows.to_dict("records"), strict=True):
        where = segment_label({"channel": row["channel"], "category": row["category"]}, labels)
        comment = row["comment"] if isinstance(row["comment"], str) else ""
        said = f" · “{comment[:40]}{'…' if len(comment) > 40 else ''}”" if comment else ""
        when = format_date_as(moment, "padded day and time")
        names[int(row["id"])] = f"{when} · {row['rate']}/10 · {where}{said}"
    return names


def _utc_text(values: pd.Series, tz: str) -> pd.Series:
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.tz_convert(tz).dt.floor("s").astype("string")


def inbox_csv(rows: pd.DataFrame, *, tz: str, labels: Labels) -> bytes:
    """The inbox as CSV, contacts included (managers only), in the inbox's order.

    UTF-8 with a byte-order mark; times in ``tz`` with their offset; a cell a
    spreadsheet would run as a formula gets a leading apostrophe.
    """
    table = pd.DataFrame(
        {
            "id": rows["id"],
            "created_at": _utc_text(rows["created_at"], tz),
            **review_columns(rows, labels.get("channel", {}), labels.get("category", {})),
            **{c: guard_formulas(rows[c]) for c in _CONTACT_COLUMNS if c in rows.columns},
            "status": rows["status"],
            "owner": guard_formulas(rows["owner"]),
            "note": guard_formulas(rows["note"]),
            "first_contacted_at": _utc_text(rows["first_contacted_at"], tz),
            "age_hours": rows["age_hours"].round(1),
            "past_service_level": rows["overdue"],
        }
    )
    return table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


# --------------------------------------------------------------------------- actions


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime | pd.Timestamp) and not pd.isna(value):
        return pd.Timestamp(value).to_pydatetime()
    return None


def seen_followup(row: Mapping[Hashable, Any]) -> FollowUp:
    """The follow-up as an inbox row showed it to the user (what a save checks against)."""
    return FollowUp(
        review_id=int(str(row["id"])),
        status=str(row.get("status") or "new"),
        owner=_text(row.get("owner")),
        note=_text(row.get("note")),
        first_contacted_at=_moment(row.get("first_contacted_at")),
        updated_at=_moment(row.get("updated_at")),
        updated_by=_text(row.get("updated_by")),
        version=int(str(row.get("version") or 0)),
    )


def assign(
    store: FollowUps, source: str, seen: Sequence[FollowUp], owner: str, actor: str
) -> list[FollowUp | VersionConflict]:
    """Give each follow-up to ``owner`` ("" unassigns); one conflict spares the rest."""
    return store.save_many(source, [(f, Change(owner=owner)) for f in seen], actor)


def change_status(
    store: FollowUps, source: str, seen: FollowUp, status: str, actor: str
) -> FollowUp:
    return store.save(source, seen, Change(status=status), actor)


def set_note(store: FollowUps, source: str, seen: FollowUp, note: str, actor: str) -> FollowUp:
    return store.save(source, seen, Change(note=note.strip()), actor)
