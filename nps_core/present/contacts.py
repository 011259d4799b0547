"""Customers' contacts (client id, email, phone) taken out of a review frame.

``nps_core.ui.data.load_reviews`` applies ``without_contacts`` for every role that may
not see contacts, before any page gets the frame, so no page, table or export can
show what is no longer there. The Comments table then shows ``MASK`` in the client id
column, saying that a value exists but is withheld; the CSV export leaves the column
out (``export_columns``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from nps_core.contract.wire import REVIEW_CONTACT_FIELDS

__all__ = ["MASK", "contact_column", "export_columns", "has_contacts", "without_contacts"]

MASK = "•••"


def without_contacts(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without its contact columns (the data, not just their display)."""
    return frame.drop(columns=[name for name in REVIEW_CONTACT_FIELDS if name in frame])


def has_contacts(frame: pd.DataFrame) -> bool:
    return all(name in frame for name in REVIEW_CONTACT_FIELDS)


def contact_column(rows: pd.DataFrame, name: str) -> pd.Series:
    """A contact column as text, or ``MASK`` on every row when it was taken out."""
    if name in rows:
        return rows[name].astype("string")
    return pd.Series(MASK, index=rows.index, dtype="string")


def export_columns(columns: Sequence[str], frame: pd.DataFrame) -> list[str]:
    """``columns`` less the contact columns ``frame`` no longer holds."""
    return [name for name in columns if name not in REVIEW_CONTACT_FIELDS or name in frame]
