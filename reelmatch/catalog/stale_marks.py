"""Stale marks: `stale` and `notice` on a `MoviePage` or `MovieDetails` served from an expired
cache entry because TMDB failed (or the daily budget is spent).

The marks describe one answer, not the data, so they are added as a value leaves the cache
and stripped on the way in and on the way out: an answer that once stood in stale never
makes a later fresh read of the same entry look stale.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, TypeVar

from reelmatch.cache import Cached
from reelmatch.domain import MovieDetails, MoviePage, from_data, to_data

Markable = TypeVar("Markable", MoviePage, MovieDetails)

#: Fields that describe one answer (served stale or not), not the data itself.
STALE_MARKS = ("stale", "notice")


def unmarked(data: Any) -> Any:
    """JSON data without the stale marks."""
    if isinstance(data, dict) and any(mark in data for mark in STALE_MARKS):
        return {name: value for name, value in data.items() if name not in STALE_MARKS}
    return data


def cacheable(value: MoviePage | MovieDetails) -> Any:
    """The JSON data to cache for `value`."""
    return unmarked(to_data(value))


def decode_page(data: Any) -> MoviePage:
    return from_data(MoviePage, unmarked(data))


def decode_details(data: Any) -> MovieDetails:
    return from_data(MovieDetails, unmarked(data))


def marked(cached: Cached[Markable], *, what: str) -> Markable:
    """The cached value, marked stale with a notice when an expired entry stood in."""
    if not cached.stale:
        return cached.value
    return replace(cached.value, stale=True, notice=stale_notice(cached, what=what))


def stale_notice(cached: Cached[Any], *, what: str = "results") -> str:
    why = cached.error.message if cached.error is not None else "TMDB is unavailable."
    return f"Showing {what} saved {_age(cached.age)}. {why}"


def _age(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
