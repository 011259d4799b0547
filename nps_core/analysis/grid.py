"""Counting reviews over a grid of codes: segment × period × group, in one bincount.

A segment is a combination of values of the ``by`` columns (channel, category, …). Each
row gets the integer code of its segment; ``count_grid`` then counts the groups over any
product of such codes, so a million reviews cost a few passes over int arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from nps_core.analysis.groups import NOT_ANSWERED, column

__all__ = ["by_list", "count_grid", "segment_codes"]

# Above this many possible combinations, observed segments are found by sorting instead
# of a dense bincount over every combination.
_DENSE_LIMIT = 1 << 22

Decoder = Callable[[np.ndarray], Any]  # codes of one column → its values


def by_list(by: str | Sequence[str] | None) -> list[str]:
    """The ``by`` argument of the segment functions as a list of column names."""
    if by is None:
        return []
    names = [by] if isinstance(by, str) else list(by)
    if len(set(names)) != len(names):
        raise ValueError(f"repeated column in by={names!r}")
    return names


def _column_codes(col: pd.Series) -> tuple[np.ndarray, int, Decoder]:
    """Codes of one column (−1 where missing), how many values it has, and their decoder."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        dtype = col.dtype
        codes = col.cat.codes.to_numpy().astype(np.int64)
        return codes, len(dtype.categories), lambda c: pd.Categorical.from_codes(c, dtype=dtype)
    raw, uniques = pd.factorize(col, sort=True)
    return raw.astype(np.int64), len(uniques), lambda c: np.asarray(uniques.take(c))


def _combined(
    frame: pd.DataFrame, by: list[str]
) -> tuple[np.ndarray, int, list[int], list[Decoder]]:
    """One code per row for its combination of ``by`` values, out of ``total`` possible.

    A row with any value missing gets ``total``: one past every real combination.
    """
    n = len(frame)
    combined = np.zeros(n, dtype=np.int64)
    missing = np.zeros(n, dtype=bool)
    sizes: list[int] = []
    decoders: list[Decoder] = []
    total = 1
    for i, name in enumerate(by):
        codes, size, decode = _column_codes(column(frame, name))
        missing = codes < 0 if i == 0 else missing | (codes < 0)
        combined = codes if i == 0 else combined * size + codes
        sizes.append(size)
        decoders.append(decode)
        total *= size
        if total > 1 << 62:
            raise ValueError(f"too many combinations of {by!r} to segment")
    if missing.any():
        combined = np.where(missing, total, combined)
    return combined, total, sizes, decoders


def _kept(combined: np.ndarray, total: int, observed: bool) -> tuple[np.ndarray, np.ndarray]:
    """(keys, codes): the combinations kept, and each row's index among them."""
    if total == 0:
        # Every row is left out (slot 0 of 0 segments).
        return np.zeros(0, dtype=np.int64), np.zeros(len(combined), dtype=np.int64)
    if not observed:
        return np.arange(total, dtype=np.int64), combined
    if total <= _DENSE_LIMIT:
        keys = np.flatnonzero(np.bincount(combined, minlength=total + 1)[:total])
        remap = np.full(total + 1, len(keys), dtype=np.int64)
        remap[keys] = np.arange(len(keys))
        return keys, remap[combined]
    # A huge space of combinations: sort instead of a dense table.
    keys = np.unique(combined)
    keys = keys[keys < total]
    return keys, np.searchsorted(keys, combined)  # missing (= total) lands on len(keys)


def segment_codes(
    frame: pd.DataFrame, by: list[str], *, observed: bool = True
) -> tuple[np.ndarray, pd.DataFrame]:
    """Code each row by its segment: its combination of ``by`` values.

    Returns (codes, segments): codes index rows of ``segments`` (one column per ``by``
    name, in category / sorted order); a row with any value missing gets len(segments),
    the left-out slot of ``count_grid`` (as pandas' groupby leaves them out).
    ``observed=False`` keeps every combination of categories.
    """
    combined, total, sizes, decoders = _combined(frame, by)
    keys, codes = _kept(combined, total, observed)
    values: dict[str, Any] = {}
    rest = keys.copy()
    for name, size, decode in reversed(list(zip(by, sizes, decoders, strict=True))):
        values[name] = decode(rest % size if size else rest)
        rest = rest // size if size else rest
    return codes, pd.DataFrame({name: values[name] for name in by})


def count_grid(keys: list[tuple[np.ndarray, int]], groups: np.ndarray) -> np.ndarray:
    """Counts over a dense grid of codes: shape (*sizes, 3).

    Each key is (codes, size) with codes in 0..size, where ``size`` itself is a left-out
    slot (missing segment, day out of range); those slots and ``NOT_ANSWERED`` are sliced
    away after one bincount, so no row filtering pass is needed.
    """
    flat: np.ndarray | None = None
    shape = []
    for codes, size in keys:
        flat = codes if flat is None else flat * (size + 1) + codes
        shape.append(size + 1)
    slots = NOT_ANSWERED + 1
    flat = groups if flat is None else flat * slots + groups
    grid = np.bincount(flat, minlength=math.prod(shape) * slots).reshape([*shape, slots])
    return grid[(*(slice(0, s - 1) for s in shape), slice(0, NOT_ANSWERED))]
