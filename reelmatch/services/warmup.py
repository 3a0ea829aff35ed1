"""Filling the cache with what pages open first: `cache warm` and the scheduled warm-up job.

Each list (popular, top rated, now playing, upcoming, trending today and this week) for the
first `pages` pages, TMDB's configuration and genres, and optionally every listed movie's
details, all through the catalog and so through the cache. Running it again only refreshes
what expired; a list TMDB fails on is reported and the rest still load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reelmatch.catalog import Catalog
from reelmatch.domain import MoviePage
from reelmatch.errors import UpstreamUnavailable


def warm_cache(catalog: Catalog, *, pages: int, details: bool) -> dict[str, Any]:
    fetchers: dict[str, Callable[[int], MoviePage]] = {
        "popular": catalog.popular,
        "top_rated": catalog.top_rated,
        "now_playing": catalog.now_playing,
        "upcoming": catalog.upcoming,
        "trending:day": lambda page: catalog.trending("day", page),
        "trending:week": lambda page: catalog.trending("week", page),
    }
    catalog.configuration()
    catalog.genres()
    loaded, stale = 0, 0
    failed: list[str] = []
    movie_ids: list[int] = []
    for name, fetch in fetchers.items():
        for page in range(1, pages + 1):
            try:
                found = fetch(page)
            except UpstreamUnavailable as error:
                failed.append(f"{name} page {page}: {error.message}")
                continue
            loaded += 1
            stale += found.stale
            movie_ids.extend(m.id for m in found.movies)
    movies = 0
    if details:
        try:
            movies = len(catalog.movies(list(dict.fromkeys(movie_ids))))
        except UpstreamUnavailable as error:
            failed.append(f"details: {error.message}")
    return {
        "warmed": True,
        "list_pages": loaded,
        "stale_pages": stale,
        "movies": movies,
        "failed": failed,
    }
