"""Review frames for the presentation tests: random but seeded, shaped as ``fetch_reviews``
gives them (the columns the pages read)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from nps_core.analysis.groups import GROUP_DTYPE, groups_of
from nps_core.present.filters import Period

__all__ = ["BEFORE", "PERIOD", "current_reviews", "previous_reviews", "reviews"]

# The period the presentation tests show, and the one they compare it with.
PERIOD = Period(date(2026, 3, 1), date(2026, 3, 28))
BEFORE = Period(date(2026, 2, 1), date(2026, 2, 28))


def reviews(period: Period, n: int, seed: int, tilt: float = 0.0) -> pd.DataFrame:
    """Random reviews over ``period``: three channels (sms rare), two categories."""
    rng = np.random.default_rng(seed)
    channel = rng.choice(["email", "web", "sms"], size=n, p=[0.55, 0.4, 0.05])
    rate = np.clip(rng.normal(7.5 + tilt + (channel == "web"), 2.2, size=n).round(), 0, 10)
    days = [period.start + timedelta(days=int(d)) for d in rng.integers(0, period.days, n)]
    rate = rate.astype(np.int8)
    return pd.DataFrame(
        {
            "day": pd.Series(days, dtype=object),
            "channel": pd.Categorical(channel),
            "category": pd.Categorical(rng.choice(["delivery", "product"], size=n)),
            "rate": rate,
            "group": pd.Categorical(groups_of(rate), dtype=GROUP_DTYPE),
        }
    )


def current_reviews() -> pd.DataFrame:
    """The reviews of ``PERIOD``, a little better than those before."""
    return reviews(PERIOD, 3000, seed=1, tilt=0.4)


def previous_reviews() -> pd.DataFrame:
    """The reviews of ``BEFORE``."""
    return reviews(BEFORE, 2500, seed=2)
