"""What a page or a wall screen says when its figures are not the API's whole truth:
reviews the API sent malformed (left out), and day × channel × category cells where
the API's cap cut reviews off. Plain text; the ui layer shows it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from nps_core.data.fetch import ReviewSet

__all__ = ["data_notices", "malformed_details", "malformed_notice", "truncation_notice"]

_SHOWN = 5  # cells or problems named before "and N more"


def _more(total: int) -> str:
    return f" and {total - _SHOWN} more" if total > _SHOWN else ""


def malformed_notice(reviews: ReviewSet) -> str | None:
    """ "3 reviews from the API were malformed and left out", or None when none were."""
    count = sum(rejection.count for rejection in reviews.rejected)
    if not count:
        return None
    if count == 1:
        return "1 review from the API was malformed and left out"
    return f"{count:,} reviews from the API were malformed and left out"


def malformed_details(reviews: ReviewSet) -> str:
    """What was wrong with them, most frequent first, with an example of each."""
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for rejection in reviews.rejected:
        counts[rejection.problem] += rejection.count
        examples.setdefault(rejection.problem, rejection.example)
    parts = [
        f"{problem} ({count:,}, e.g. {examples[problem]})"
        for problem, count in counts.most_common(_SHOWN)
    ]
    return "; ".join(parts) + _more(len(counts))


def truncation_notice(
    reviews: ReviewSet, channel_names: Mapping[str, str], category_names: Mapping[str, str]
) -> str | None:
    """The cells where the API's cap cut reviews off, or None when there are none."""
    cuts = reviews.truncated
    if not cuts:
        return None
    cells = ", ".join(
        f"{t.day:%d %b %Y} × {channel_names.get(t.channel or '', t.channel)} × "
        f"{category_names.get(t.category or '', t.category)}"
        for t in cuts[:_SHOWN]
    )
    longest = max(t.returned for t in cuts)
    return (
        f"the API sends at most {longest:,} reviews per call, and these day × channel × "
        f"category cells hit that limit: {cells}{_more(len(cuts))}"
    )


def data_notices(reviews: ReviewSet) -> list[str]:
    """Short notices for a wall screen: malformed reviews left out, cells cut off."""
    notices = []
    malformed = malformed_notice(reviews)
    if malformed:
        notices.append(f"{malformed}.")
    if reviews.truncated:
        count = len(reviews.truncated)
        cells = "1 day × channel × category cell" if count == 1 else f"{count} such cells"
        notices.append(f"Some reviews are missing: the API's cap cut off {cells}.")
    return notices
