"""What a page or a wall screen says when its figures are not the API's whole truth:
reviews the API sent malformed (left out), and day × channel × category cells where
the API's cap cut reviews off. Plain text; the ui layer shows it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from nps_core.data.fetch import ReviewSet
from nps_core.present.formatting import format_count, format_day
from nps_core.present.i18n import gettext, ngettext

__all__ = ["data_notices", "malformed_details", "malformed_notice", "truncation_notice"]

_SHOWN = 5  # cells or problems named before "and N more"


def _more(text: str, total: int) -> str:
    """``text``, and how many more were not named."""
    if total <= _SHOWN:
        return text
    return gettext("{cells} and {n} more").format(cells=text, n=total - _SHOWN)


def malformed_notice(reviews: ReviewSet) -> str | None:
    """ "3 reviews from the API were malformed and left out", or None when none were."""
    count = sum(rejection.count for rejection in reviews.rejected)
    if not count:
        return None
    return ngettext(
        "{n} review from the API was malformed and left out",
        "{n} reviews from the API were malformed and left out",
        count,
    ).format(n=format_count(count))


def malformed_details(reviews: ReviewSet) -> str:
    """What was wrong with them, most frequent first, with an example of each."""
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for rejection in reviews.rejected:
        counts[rejection.problem] += rejection.count
        examples.setdefault(rejection.problem, rejection.example)
    parts = [  # the problems are the reading's own words, as the log has them
        gettext("{problem} ({n}, e.g. {example})").format(
            problem=problem, n=format_count(count), example=examples[problem]
        )
        for problem, count in counts.most_common(_SHOWN)
    ]
    return _more("; ".join(parts), len(counts))


def truncation_notice(
    reviews: ReviewSet, channel_names: Mapping[str, str], category_names: Mapping[str, str]
) -> str | None:
    """The cells where the API's cap cut reviews off, or None when there are none."""
    cuts = reviews.truncated
    if not cuts:
        return None
    cells = ", ".join(
        f"{format_day(t.day, padded=True)} × {channel_names.get(t.channel or '', t.channel)} × "
        f"{category_names.get(t.category or '', t.category)}"
        for t in cuts[:_SHOWN]
    )
    longest = max(t.returned for t in cuts)
    return ngettext(
        "the API sends at most {n} review per call, and these day × channel × category "
        "cells hit that limit: {cells}",
        "the API sends at most {n} reviews per call, and these day × channel × category "
        "cells hit that limit: {cells}",
        longest,
    ).format(n=format_count(longest), cells=_more(cells, len(cuts)))


def data_notices(reviews: ReviewSet) -> list[str]:
    """Short notices for a wall screen: malformed reviews left out, cells cut off."""
    notices = []
    malformed = malformed_notice(reviews)
    if malformed:
        notices.append(f"{malformed}.")
    if reviews.truncated:
        count = len(reviews.truncated)
        notices.append(
            ngettext(
                "Some reviews are missing: the API's cap cut off {n} day × channel × category "
                "cell.",
                "Some reviews are missing: the API's cap cut off {n} such cells.",
                count,
            ).format(n=count)
        )
    return notices
