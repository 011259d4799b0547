"""NPS dashboard core: API client, complete fetching, metrics and comment analysis.

The package is organised by layer, each importing only those below it:
``contract`` (models, errors, validation, wire format) → ``data`` (client, fetch,
cache, settings) → ``analysis`` (metrics, text) → ``present`` (plain data and figures
per page) → ``ui`` (the only Streamlit-importing part). ``server`` (the bundled
PersonaClick-compatible API) stands beside them and imports only the contract.

Names below are loaded on first use, so importing ``nps_core.server`` or one layer
does not pull in pandas, pyarrow or httpx.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nps_core.analysis.metrics import (
        Comparison,
        Decomposition,
        NpsSummary,
        breakdown,
        compare,
        compare_segments,
        decompose,
        distribution,
        groups_of,
        holm_adjust,
        summarize,
        trend,
    )
    from nps_core.analysis.text import (
        DistinctiveTerms,
        Query,
        distinctive_terms,
        normalize,
        normalize_series,
        parse_query,
        search_mask,
        terms_mask,
        tokenize,
    )
    from nps_core.contract.errors import (
        ApiUnavailable,
        AuthError,
        BadRequest,
        NpsApiError,
        RateLimited,
        ShopNotFound,
    )
    from nps_core.contract.models import GROUPS, Category, Channel, Review, group_of
    from nps_core.data.cache import ReviewCache
    from nps_core.data.client import NpsClient
    from nps_core.data.fetch import ReviewSet, Truncation, empty_frame, fetch_reviews
    from nps_core.data.settings import Settings, load_settings
    from nps_core.present.filters import (
        FilterState,
        Period,
        comparison_period,
        parse_filters,
        resolve_period,
    )

# Public name -> the module that defines it.
_HOMES: dict[str, str] = {
    **dict.fromkeys(
        ("ApiUnavailable", "AuthError", "BadRequest", "NpsApiError", "RateLimited", "ShopNotFound"),
        "contract.errors",
    ),
    **dict.fromkeys(("GROUPS", "Category", "Channel", "Review", "group_of"), "contract.models"),
    "ReviewCache": "data.cache",
    "NpsClient": "data.client",
    **dict.fromkeys(("ReviewSet", "Truncation", "empty_frame", "fetch_reviews"), "data.fetch"),
    **dict.fromkeys(("Settings", "load_settings"), "data.settings"),
    **dict.fromkeys(
        (
            "Comparison",
            "Decomposition",
            "NpsSummary",
            "breakdown",
            "compare",
            "compare_segments",
            "decompose",
            "distribution",
            "groups_of",
            "holm_adjust",
            "summarize",
            "trend",
        ),
        "analysis.metrics",
    ),
    **dict.fromkeys(
        (
            "DistinctiveTerms",
            "Query",
            "distinctive_terms",
            "normalize",
            "normalize_series",
            "parse_query",
            "search_mask",
            "terms_mask",
            "tokenize",
        ),
        "analysis.text",
    ),
    **dict.fromkeys(
        ("FilterState", "Period", "comparison_period", "parse_filters", "resolve_period"),
        "present.filters",
    ),
}

__all__ = [
    "GROUPS",
    "ApiUnavailable",
    "AuthError",
    "BadRequest",
    "Category",
    "Channel",
    "Comparison",
    "Decomposition",
    "DistinctiveTerms",
    "FilterState",
    "NpsApiError",
    "NpsClient",
    "NpsSummary",
    "Period",
    "Query",
    "RateLimited",
    "Review",
    "ReviewCache",
    "ReviewSet",
    "Settings",
    "ShopNotFound",
    "Truncation",
    "breakdown",
    "compare",
    "compare_segments",
    "comparison_period",
    "decompose",
    "distinctive_terms",
    "distribution",
    "empty_frame",
    "fetch_reviews",
    "group_of",
    "groups_of",
    "holm_adjust",
    "load_settings",
    "normalize",
    "normalize_series",
    "parse_filters",
    "parse_query",
    "resolve_period",
    "search_mask",
    "summarize",
    "terms_mask",
    "tokenize",
    "trend",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
