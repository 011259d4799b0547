"""The group of every review in a frame, as integer codes.

Everything in ``nps_core.analysis`` counts reviews by group with one ``np.bincount`` over
these codes: 0 detractor, 1 passive, 2 promoter (the order of ``GROUPS``), and
``NOT_ANSWERED`` for a missing or invalid rate, so bad rows fall out of a count without a
separate filtering pass.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from nps_core.contract.models import GROUPS, RATE_GROUP

__all__ = [
    "GROUP_DTYPE",
    "NOT_ANSWERED",
    "RATE_TO_GROUP",
    "column",
    "frame_groups",
    "group_counts",
    "groups_of",
    "rate_values",
]

GROUP_DTYPE = pd.CategoricalDtype(list(GROUPS), ordered=True)
NOT_ANSWERED = 3  # the code after the groups': a "trash" slot of every count
RATE_TO_GROUP = np.array(RATE_GROUP, dtype=np.int8)  # index = rate 0..10


def groups_of(rate: Any) -> Any:
    """The vendor's groups: 0–6 detractor, 7–8 passive, 9–10 promoter.

    A scalar gives the group name (None for a missing or invalid rate); an array gives an
    ordered Categorical, a Series a Series of it on the same index.
    """
    if np.ndim(rate) == 0:
        code = int(_rate_groups(pd.Series([rate], dtype=object))[0])
        return None if code == NOT_ANSWERED else GROUPS[code]
    series = rate if isinstance(rate, pd.Series) else pd.Series(np.asarray(rate))
    codes = _rate_groups(series)
    cat = pd.Categorical.from_codes(np.where(codes == NOT_ANSWERED, -1, codes), dtype=GROUP_DTYPE)
    if isinstance(rate, pd.Series):
        return pd.Series(cat, index=rate.index, name="group")
    return cat


def rate_values(rate: pd.Series) -> np.ndarray:
    """Rates as int64 in 0..10, or -1 where missing, fractional or out of range."""
    if isinstance(rate.dtype, np.dtype) and rate.dtype.kind in "iu":
        values = rate.to_numpy()
        # Fast path (the review frame's int8): no float round trip when all are valid.
        if len(values) == 0 or (values.min() >= 0 and values.max() <= 10):
            return values.astype(np.int64, copy=False)
    r = pd.to_numeric(rate, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = (r >= 0) & (r <= 10) & (r == np.floor(r))
    return np.where(ok, np.nan_to_num(r), -1).astype(np.int64)


def _rate_groups(rate: pd.Series) -> np.ndarray:
    lut = np.append(RATE_TO_GROUP, np.int8(NOT_ANSWERED))  # index -1 → not answered
    return lut[rate_values(rate)]


def frame_groups(frame: pd.DataFrame) -> np.ndarray:
    """Group code per row (0..2, or NOT_ANSWERED): `group` if present, else `rate`."""
    if "group" not in frame.columns:
        return _rate_groups(column(frame, "rate"))
    group = frame["group"]
    if isinstance(group.dtype, pd.CategoricalDtype):
        # Map the column's own categories onto ours once; codes −1 hit the trailing slot.
        cats = [str(c) for c in group.dtype.categories]
        remap = [GROUPS.index(c) if c in GROUPS else NOT_ANSWERED for c in cats]
        lut = np.array([*remap, NOT_ANSWERED], dtype=np.int8)
        codes = lut[group.cat.codes.to_numpy()]
    else:
        raw = pd.Categorical(group.astype(object), categories=list(GROUPS)).codes
        codes = np.where(raw < 0, NOT_ANSWERED, raw).astype(np.int8)
    if "rate" in frame.columns:
        holes = codes == NOT_ANSWERED
        if holes.any():
            codes = np.where(holes, _rate_groups(frame["rate"]), codes)
    return codes


def group_counts(frame: pd.DataFrame) -> np.ndarray:
    """Detractors, passives and promoters among the frame's answered reviews."""
    return np.bincount(frame_groups(frame), minlength=NOT_ANSWERED + 1)[:NOT_ANSWERED]


def column(frame: pd.DataFrame, name: Hashable) -> pd.Series:
    """A column of the review frame; a bare empty frame has every column, empty."""
    if name in frame.columns:
        return frame[name]
    if len(frame) == 0:  # a bare empty frame is still "no reviews", not an error
        return pd.Series([], dtype=object)
    raise KeyError(f"review frame has no {name!r} column")
