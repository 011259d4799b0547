"""NPS dashboard core: API client, complete fetching, metrics and comment analysis.

Everything here is free of Streamlit (only ``nps_core.ui`` imports it). The bundled
PersonaClick-compatible server lives in ``nps_core.server``.
"""

from __future__ import annotations

from nps_core.cache import ReviewCache
from nps_core.client import NpsClient
from nps_core.config import Settings, load_settings
from nps_core.errors import (
    ApiUnavailable,
    AuthError,
    BadRequest,
    NpsApiError,
    RateLimited,
    ShopNotFound,
)
from nps_core.fetch import ReviewSet, Truncation, empty_frame, fetch_reviews
from nps_core.filters import FilterState, Period, comparison_period, parse_filters, resolve_period
from nps_core.metrics import (
    Comparison,
    Decomposition,
    NpsSummary,
    band_of,
    breakdown,
    compare,
    compare_segments,
    decompose,
    distribution,
    holm_adjust,
    summarize,
    trend,
)
from nps_core.models import GROUPS, Category, Channel, Review, band
from nps_core.text import (
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
    "band",
    "band_of",
    "breakdown",
    "compare",
    "compare_segments",
    "comparison_period",
    "decompose",
    "distinctive_terms",
    "distribution",
    "empty_frame",
    "fetch_reviews",
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
