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

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ loads on first use
    from nps_core.analysis.groups import groups_of as groups_of
    from nps_core.analysis.nps import Comparison as Comparison
    from nps_core.analysis.nps import NpsSummary as NpsSummary
    from nps_core.analysis.nps import compare as compare
    from nps_core.analysis.nps import holm_adjust as holm_adjust
    from nps_core.analysis.nps import summarize as summarize
    from nps_core.analysis.search import Query as Query
    from nps_core.analysis.search import parse_query as parse_query
    from nps_core.analysis.search import search_mask as search_mask
    from nps_core.analysis.search import terms_mask as terms_mask
    from nps_core.analysis.segments import Decomposition as Decomposition
    from nps_core.analysis.segments import breakdown as breakdown
    from nps_core.analysis.segments import compare_segments as compare_segments
    from nps_core.analysis.segments import decompose as decompose
    from nps_core.analysis.segments import distribution as distribution
    from nps_core.analysis.terms import DistinctiveTerms as DistinctiveTerms
    from nps_core.analysis.terms import distinctive_terms as distinctive_terms
    from nps_core.analysis.themes import Themes as Themes
    from nps_core.analysis.themes import find_themes as find_themes
    from nps_core.analysis.tokens import normalize as normalize
    from nps_core.analysis.tokens import normalize_series as normalize_series
    from nps_core.analysis.tokens import tokenize as tokenize
    from nps_core.analysis.trend import trend as trend
    from nps_core.contract.errors import ApiUnavailable as ApiUnavailable
    from nps_core.contract.errors import AuthError as AuthError
    from nps_core.contract.errors import BadRequest as BadRequest
    from nps_core.contract.errors import NpsApiError as NpsApiError
    from nps_core.contract.errors import RateLimited as RateLimited
    from nps_core.contract.errors import ShopNotFound as ShopNotFound
    from nps_core.contract.models import GROUPS as GROUPS
    from nps_core.contract.models import Category as Category
    from nps_core.contract.models import Channel as Channel
    from nps_core.contract.models import Review as Review
    from nps_core.contract.models import group_of as group_of
    from nps_core.contract.pinned import PinnedTheme as PinnedTheme
    from nps_core.data.cache import ReviewCache as ReviewCache
    from nps_core.data.client import NpsClient as NpsClient
    from nps_core.data.fetch import ReviewSet as ReviewSet
    from nps_core.data.fetch import fetch_reviews as fetch_reviews
    from nps_core.data.frame import empty_frame as empty_frame
    from nps_core.data.frame import table_to_frame as table_to_frame
    from nps_core.data.planner import Truncation as Truncation
    from nps_core.data.settings import Settings as Settings
    from nps_core.data.settings import load_settings as load_settings
    from nps_core.data.wire_table import rows_to_table as rows_to_table
    from nps_core.present.filters import FilterState as FilterState
    from nps_core.present.filters import Period as Period
    from nps_core.present.filters import comparison_period as comparison_period
    from nps_core.present.filters import parse_filters as parse_filters
    from nps_core.present.filters import resolve_period as resolve_period

# Module (under nps_core) -> the public names it defines.
_EXPORTS: dict[str, str] = {
    "contract.errors": "ApiUnavailable AuthError BadRequest NpsApiError RateLimited ShopNotFound",
    "contract.models": "GROUPS Category Channel Review group_of",
    "contract.pinned": "PinnedTheme",
    "data.cache": "ReviewCache",
    "data.client": "NpsClient",
    "data.fetch": "ReviewSet fetch_reviews",
    "data.frame": "empty_frame table_to_frame",
    "data.wire_table": "rows_to_table",
    "data.planner": "Truncation",
    "data.settings": "Settings load_settings",
    "analysis.groups": "groups_of",
    "analysis.nps": "Comparison NpsSummary compare holm_adjust summarize",
    "analysis.segments": "Decomposition breakdown compare_segments decompose distribution",
    "analysis.trend": "trend",
    "analysis.tokens": "normalize normalize_series tokenize",
    "analysis.search": "Query parse_query search_mask terms_mask",
    "analysis.terms": "DistinctiveTerms distinctive_terms",
    "analysis.themes": "Themes find_themes",
    "present.filters": "FilterState Period comparison_period parse_filters resolve_period",
}
_HOMES: dict[str, str] = {name: home for home, names in _EXPORTS.items() for name in names.split()}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
