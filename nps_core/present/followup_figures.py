"""The figures at the top of the Follow-up page, from an inbox (``present.followup``).

* **Open follow-ups**: inbox items still "new" or "contacted"; of them, how many are
  still "new" past the service level.
* **Contacted within the service level**: of the items whose outcome is known — first
  contacted, or still "new" past the service level — the share first contacted within
  it. First contact is the first move out of "new" (contacted, resolved or unreachable:
  someone tried), timed from the review.
* **Median time to first contact**, over the items contacted.
* **NPS after a call back**: a customer is identified by ``client_id``, else by e-mail
  (trimmed, lower case), else by phone (digits only); reviews with none of them are left
  out. For each inbox customer, their earliest inbox review decides the side: *called
  back* when its follow-up is "contacted" or "resolved" (reached), *not* otherwise; the
  customer's next review after it (in ``later``) is their later answer. Each side's NPS
  is over those later answers, one per customer; without any it says "no later reviews
  yet" rather than a number nobody can vouch for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nps_core.analysis.nps import SMALL_N, NpsSummary, summarize
from nps_core.present.followup import OPEN_STATUSES, hours_text
from nps_core.present.formatting import (
    NO_DATA,
    format_count,
    format_nps,
    format_number,
    format_share,
)
from nps_core.present.i18n import gettext
from nps_core.present.overview import Kpi

__all__ = [
    "CallbackEffect",
    "FollowupFigures",
    "customer_keys",
    "figure_cards",
    "followup_figures",
]

REACHED = ("contacted", "resolved")


@dataclass(frozen=True)
class CallbackEffect:
    """One side of the call-back comparison: its customers and their later answers."""

    customers: int
    summary: NpsSummary  # of the later answers (n = customers who answered again)


@dataclass(frozen=True)
class FollowupFigures:
    open: int
    overdue: int
    due: int  # items whose service-level outcome is known
    within: int  # of those, first contacted within the service level
    contacted: int
    median_hours: float  # NaN when nobody was contacted
    called_back: CallbackEffect
    not_called_back: CallbackEffect

    @property
    def within_share(self) -> float:
        return self.within / self.due if self.due else math.nan


def customer_keys(frame: pd.DataFrame) -> pd.Series:
    """Who wrote each review: "id:…", else "email:…", else "phone:…", else NA."""
    keys = pd.Series(pd.NA, index=frame.index, dtype="string")
    if "phone" in frame.columns:
        digits = frame["phone"].astype("string").str.replace(r"\D", "", regex=True)
        keys = keys.mask(digits.fillna("").str.len() > 0, "phone:" + digits)
    if "email" in frame.columns:
        email = frame["email"].astype("string").str.strip().str.lower()
        keys = keys.mask(email.fillna("").str.len() > 0, "email:" + email)
    if "client_id" in frame.columns:
        ids = frame["client_id"].astype("string")
        keys = keys.mask(ids.notna(), "id:" + ids)
    return keys


def _callback_effects(
    inbox: pd.DataFrame, later: pd.DataFrame
) -> tuple[CallbackEffect, CallbackEffect]:
    items = inbox.assign(customer=customer_keys(inbox)).dropna(subset=["customer"])
    first = items.sort_values(["created_at", "id"]).drop_duplicates("customer")
    answers = later.assign(customer=customer_keys(later)).dropna(subset=["customer"])
    joined = answers.merge(
        first[["customer", "created_at", "status"]], on="customer", suffixes=("", "_inbox")
    )
    after = joined[(joined["created_at"] > joined["created_at_inbox"]).to_numpy()]
    nexts = after.sort_values(["created_at", "id"]).drop_duplicates("customer")
    effects = []
    for reached in (True, False):
        side = first["status"].isin(REACHED) == reached
        customers = set(first.loc[side.to_numpy(), "customer"])
        answered = nexts[nexts["customer"].isin(customers).to_numpy()]
        effects.append(CallbackEffect(len(customers), summarize(answered)))
    return effects[0], effects[1]


def followup_figures(inbox: pd.DataFrame, later: pd.DataFrame, sla_hours: float) -> FollowupFigures:
    """The page's figures; ``later`` holds reviews after the inbox's (its period to today)."""
    status = inbox["status"]
    contacted_at = pd.to_datetime(inbox["first_contacted_at"], utc=True)
    contacted = contacted_at.notna().to_numpy()
    hours = ((contacted_at - inbox["created_at"]).dt.total_seconds() / 3600.0).to_numpy()
    overdue = inbox["overdue"].to_numpy(bool)
    called, not_called = _callback_effects(inbox, later)
    return FollowupFigures(
        open=int(status.isin(OPEN_STATUSES).sum()),
        overdue=int(overdue.sum()),
        due=int((contacted | overdue).sum()),
        within=int((contacted & (hours <= sla_hours)).sum()),
        contacted=int(contacted.sum()),
        median_hours=float(np.median(hours[contacted])) if contacted.any() else math.nan,
        called_back=called,
        not_called_back=not_called,
    )


def _hours_text(hours: float) -> str:
    if math.isnan(hours):
        return "–"
    if hours < 48:
        return gettext("{n} h").format(n=format_number(hours, 1))
    return gettext("{n} d").format(n=format_number(hours / 24, 1))


def _effect_text(effect: CallbackEffect) -> str:
    n = effect.summary.n
    if n == 0:
        return gettext("no later reviews yet")
    text = (
        gettext("NPS {nps} from {n} (rough: fewer than {small})")
        if n < SMALL_N
        else gettext("NPS {nps} from {n}")
    )
    return text.format(
        nps=format_nps(effect.summary.nps), n=format_count(n), small=format_count(SMALL_N)
    )


def figure_cards(figures: FollowupFigures, sla_hours: float) -> list[Kpi]:
    """The four cards: open, within the service level, time to first contact, call-backs."""
    sla = hours_text(sla_hours)
    called, not_called = figures.called_back, figures.not_called_back
    return [
        Kpi(
            gettext("Open follow-ups"),
            format_count(figures.open),
            gettext("{n} new past the {sla} service level").format(
                n=format_count(figures.overdue), sla=sla
            ),
            gettext(
                "Detractors (and passives, when shown) still new or contacted, not yet "
                "resolved or marked unreachable."
            ),
        ),
        Kpi(
            gettext("Contacted within {sla}").format(sla=sla),
            format_share(figures.within_share),
            gettext("of {n} due").format(n=format_count(figures.due)),
            gettext(
                "Of the follow-ups first contacted, or still new past the service level: the "
                "share first contacted (contacted, resolved or unreachable) within it."
            ),
        ),
        Kpi(
            gettext("Median time to first contact"),
            _hours_text(figures.median_hours),
            gettext("over {n} contacted").format(n=format_count(figures.contacted)),
            gettext('From the review to the first move out of "new".'),
        ),
        Kpi(
            gettext("NPS after a call back"),
            format_nps(called.summary.nps) if called.summary.n else NO_DATA,
            gettext("called back: {called} · not called back: {not_called}").format(
                called=_effect_text(called), not_called=_effect_text(not_called)
            ),
            gettext(
                "The next review of each customer after their inbox review (a customer: "
                "client id, else e-mail, else phone). Called back: reached (contacted or "
                "resolved)."
            ),
        ),
    ]
