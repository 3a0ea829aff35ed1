"""Turning our inputs into TMDB request parameters: search text, discover filters, ids."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from reelmatch.catalog.base import Locale, clamp_page
from reelmatch.domain import DiscoverFilters

#: What `/movie/{id}` appends, so the movie page needs one request.
APPEND_TO_MOVIE = "credits,videos,keywords,recommendations,similar,watch/providers,release_dates"
MAX_QUERY_LENGTH = 100
MIN_YEAR, MAX_YEAR = 1870, 2200
_IMDB_ID = re.compile(r"^tt\d{5,10}$")


def locale_params(locale: Locale | None, *, regional: bool = False) -> dict[str, str]:
    """TMDB's `language` for the viewer's language, and `region` too where TMDB uses it to
    pick what to list (`regional`: now playing, upcoming). Nothing for TMDB's default, so
    those requests and their cache keys stay as they were."""
    if locale is None:
        return {}
    params = {"language": locale.language} if locale.language else {}
    if regional and locale.region:
        params["region"] = locale.region.upper()
    return params


def clean_query(query: object) -> str:
    """Search text as TMDB should see it: no control characters, single spaces, at most
    100 characters (longer text finds nothing useful and makes huge URLs)."""
    text = query if isinstance(query, str) else ""
    kept = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(kept.split())[:MAX_QUERY_LENGTH].strip()


def usable_year(year: int | None) -> bool:
    return year is None or (isinstance(year, int) and MIN_YEAR <= year <= MAX_YEAR)


def imdb_id(value: object) -> str | None:
    """`tt0137523` for a plausible IMDb id (any case, surrounding spaces), else None."""
    text = value.strip().lower() if isinstance(value, str) else ""
    return text if _IMDB_ID.match(text) else None


def discover_params(filters: DiscoverFilters) -> tuple[dict[str, Any], str | None]:
    """TMDB `discover/movie` parameters, and a notice when a filter had to be dropped."""
    params: dict[str, Any] = {"sort_by": filters.sort_by, "page": clamp_page(filters.page)}
    joiner = "," if filters.genres_mode == "all" else "|"
    optional = {
        "with_genres": joiner.join(map(str, filters.genres)) if filters.genres else None,
        "without_genres": ",".join(map(str, filters.without_genres)) or None,
        "primary_release_date.gte": filters.release_from,
        "primary_release_date.lte": filters.release_to,
        "vote_average.gte": filters.min_vote_average,
        "vote_count.gte": filters.min_vote_count,
        "with_runtime.gte": filters.runtime_min,
        "with_runtime.lte": filters.runtime_max,
        "with_original_language": filters.original_language,
    }
    params.update({k: str(v) for k, v in optional.items() if v is not None})
    notice = None
    if filters.watch_providers and filters.watch_region:
        params["with_watch_providers"] = "|".join(map(str, filters.watch_providers))
        params["watch_region"] = filters.watch_region.upper()
    elif filters.watch_providers:
        notice = "Pick a region to filter by streaming service; that filter was skipped."
    return params, notice
