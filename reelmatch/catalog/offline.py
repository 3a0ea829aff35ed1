"""The offline catalog: the bundled TMDB 5000 snapshot behind the `Catalog` interface.

Used when no TMDB credentials are set (fresh clones, demos, tests). Lists are derived from the
snapshot's own fields; there are no posters, credits or watch providers offline, and pages say
so through empty fields (the UI draws a placeholder), not errors. The snapshot is English-only:
the `locale` the methods take (the viewer's Language preference) changes nothing here.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from functools import cache, cached_property
from importlib import resources
from typing import Any

from reelmatch.catalog.base import Locale, TrendingWindow, clamp_page
from reelmatch.catalog.release_dates import ReleaseDate
from reelmatch.catalog.title_search import TitleEntry, TitleIndex
from reelmatch.domain import (
    DiscoverFilters,
    Genre,
    ImageConfig,
    Movie,
    MovieDetails,
    MoviePage,
    Provider,
)
from reelmatch.errors import InvalidInput, NotFound

PAGE_SIZE = 20
SNAPSHOT = "tmdb5000.json.gz"
TOP_RATED_MIN_VOTES = 300
NOTICE_NO_PROVIDERS = "Streaming services are not known offline; that filter was skipped."


def load_snapshot() -> list[dict[str, Any]]:
    with resources.files("reelmatch.catalog.data").joinpath(SNAPSHOT).open("rb") as raw:
        movies: list[dict[str, Any]] = json.loads(gzip.decompress(raw.read()))["movies"]
    return movies


def _details(record: dict[str, Any]) -> MovieDetails:
    released = record.get("release_date")
    return MovieDetails(
        id=record["id"],
        title=record["title"],
        release_date=date.fromisoformat(released) if released else None,
        overview=record.get("overview") or "",
        genres=tuple(g["name"] for g in record.get("genres", ())),
        keywords=tuple(record.get("keywords", ())),
        vote_average=record.get("vote_average"),
        vote_count=record.get("vote_count"),
        popularity=record.get("popularity"),
        original_language=record.get("original_language"),
        runtime=record.get("runtime"),
        tagline=record.get("tagline") or "",
    )


class OfflineCatalog:
    mode = "offline"

    def __init__(self, records: Iterable[dict[str, Any]] | None = None) -> None:
        self._records = {r["id"]: r for r in (load_snapshot() if records is None else records)}
        self._movies = {movie_id: _details(r) for movie_id, r in self._records.items()}
        self._genre_ids = {
            movie_id: frozenset(g["id"] for g in r.get("genres", ()))
            for movie_id, r in self._records.items()
        }
        # "Today" for the snapshot: the 20th newest release, so one stray future date does not
        # empty the now-playing and upcoming lists.
        dates = sorted(m.release_date for m in self._movies.values() if m.release_date)
        self._newest = dates[-min(20, len(dates))] if dates else date.today()

    @property
    def snapshot_year(self) -> int:
        """The year the snapshot ends in: its "today" (time-bound lists are relative to it)."""
        return self._newest.year

    # Reference data ---------------------------------------------------------------------------

    def configuration(self) -> ImageConfig:
        return ImageConfig()

    def genres(self) -> list[Genre]:
        names = {g["id"]: g["name"] for r in self._records.values() for g in r.get("genres", ())}
        return sorted((Genre(id=i, name=n) for i, n in names.items()), key=lambda g: g.name)

    # Lists ------------------------------------------------------------------------------------

    def popular(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage:
        return self._page(self._by_popularity, page)

    def top_rated(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage:
        return self._page(self._by_rating, page)

    def now_playing(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage:
        """Released in the snapshot's last year, except its last quarter, most popular first."""
        recent = [m for m in self._by_popularity if self._age_days(m) in range(60, 366)]
        return self._page(recent, page)

    def upcoming(self, page: int = 1, *, locale: Locale | None = None) -> MoviePage:
        """The snapshot's last quarter, then what it lists as not yet released."""
        latest = [m for m in self._by_popularity if self._age_days(m) in range(-400, 60)]
        unreleased = [m for m in self._by_popularity if self._records[m.id]["status"] != "Released"]
        return self._page(latest + [m for m in unreleased if m not in latest], page)

    def trending(
        self, window: TrendingWindow = "day", page: int = 1, *, locale: Locale | None = None
    ) -> MoviePage:
        """Popularity damped by age: a week favours the last few years, a day the last one."""
        if window not in ("day", "week"):
            raise InvalidInput(f"Trending is by 'day' or 'week', not {window!r}.")
        half_life = 1.0 if window == "day" else 3.0

        def heat(movie: Movie) -> float:
            age = (self._newest - (movie.release_date or date(1900, 1, 1))).days / 365.25
            return (movie.popularity or 0) * math.exp(-age / half_life)

        return self._page(sorted(self._movies.values(), key=heat, reverse=True), page)

    # Search and discover ----------------------------------------------------------------------

    def search(
        self, query: str, *, year: int | None = None, page: int = 1, locale: Locale | None = None
    ) -> MoviePage:
        ids = self._title_index.search(query, year=year)
        return self._page([self._movies[i] for i in ids], page)

    def discover(self, filters: DiscoverFilters, *, locale: Locale | None = None) -> MoviePage:
        matches = [m for m in self._movies.values() if self._matches(m, filters)]
        matches.sort(key=_sort_key(filters.sort_by), reverse=filters.sort_by.endswith(".desc"))
        notice = NOTICE_NO_PROVIDERS if filters.watch_providers else None
        return self._page(matches, filters.page, notice=notice)

    # Details ----------------------------------------------------------------------------------

    def movie(self, movie_id: int, *, locale: Locale | None = None) -> MovieDetails:
        found = self._movies.get(movie_id)
        if found is None:
            raise NotFound(f"No movie with TMDB id {movie_id} is in the offline catalog.")
        similar = tuple(self._similar(movie_id, limit=12))
        return replace(found, similar=similar, recommendations=similar[:6])

    def movies(self, movie_ids: list[int]) -> list[MovieDetails]:
        return [self._movies[i] for i in dict.fromkeys(movie_ids) if i in self._movies]

    def all_movies(self) -> list[Movie]:
        """Every movie of the snapshot (what the recommender may suggest beyond the movies
        people here have in their libraries), in id order."""
        return [self._movies[i].summary() for i in sorted(self._movies)]

    def watch_providers(self, region: str) -> list[Provider]:
        return []  # the snapshot knows no streaming services

    def release_dates(self, movie_id: int, region: str) -> list[ReleaseDate]:
        return []  # the snapshot ends in 2017: it has no future release dates

    def find_by_imdb_id(self, imdb_id: str) -> MovieDetails | None:
        return None  # the snapshot carries no IMDb ids; importers fall back to title + year

    # Internals --------------------------------------------------------------------------------

    @cached_property
    def _by_popularity(self) -> list[MovieDetails]:
        return sorted(self._movies.values(), key=lambda m: m.popularity or 0, reverse=True)

    @cached_property
    def _by_rating(self) -> list[MovieDetails]:
        rated = [m for m in self._movies.values() if (m.vote_count or 0) >= TOP_RATED_MIN_VOTES]
        return sorted(rated, key=lambda m: (m.vote_average or 0, m.vote_count or 0), reverse=True)

    def _age_days(self, movie: Movie) -> int:
        """Days between the movie's release and the snapshot's newest release (-1 if unknown)."""
        return (self._newest - movie.release_date).days if movie.release_date else -1

    @cached_property
    def _title_index(self) -> TitleIndex:
        return TitleIndex(
            [TitleEntry(m.id, m.title, m.year, m.popularity or 0) for m in self._movies.values()]
        )

    def _page(
        self, movies: list[MovieDetails] | list[Movie], page: int, *, notice: str | None = None
    ) -> MoviePage:
        page = clamp_page(page)
        start = (page - 1) * PAGE_SIZE
        chosen = tuple(
            m.summary() if isinstance(m, MovieDetails) else m
            for m in movies[start : start + PAGE_SIZE]
        )
        return MoviePage(
            movies=chosen,
            page=page,
            total_pages=max(1, math.ceil(len(movies) / PAGE_SIZE)),
            total_results=len(movies),
            notice=notice,
        )

    def _matches(self, movie: MovieDetails, f: DiscoverFilters) -> bool:
        genres = self._genre_ids[movie.id]
        checks: list[Callable[[], bool]] = [
            lambda: (
                not f.genres
                or (
                    set(f.genres) <= genres
                    if f.genres_mode == "all"
                    else bool(genres & set(f.genres))
                )
            ),
            lambda: not (genres & set(f.without_genres)),
            lambda: (
                f.release_from is None
                or (movie.release_date is not None and movie.release_date >= f.release_from)
            ),
            lambda: (
                f.release_to is None
                or (movie.release_date is not None and movie.release_date <= f.release_to)
            ),
            lambda: f.min_vote_average is None or (movie.vote_average or 0) >= f.min_vote_average,
            lambda: f.min_vote_count is None or (movie.vote_count or 0) >= f.min_vote_count,
            lambda: f.runtime_min is None or (movie.runtime or 0) >= f.runtime_min,
            lambda: (
                f.runtime_max is None
                or (movie.runtime is not None and movie.runtime <= f.runtime_max)
            ),
            lambda: f.original_language is None or movie.original_language == f.original_language,
        ]
        return all(check() for check in checks)

    def _similar(self, movie_id: int, *, limit: int) -> list[Movie]:
        """Movies sharing genres and keywords, weighted toward shared keywords."""
        source = self._movies[movie_id]
        genres, keywords = set(source.genres), set(source.keywords)
        scored = []
        for other in self._movies.values():
            if other.id == movie_id:
                continue
            overlap = 2 * len(keywords.intersection(other.keywords)) + len(
                genres.intersection(other.genres)
            )
            if overlap >= 2:
                scored.append((overlap + math.log1p(other.popularity or 0) / 10, other))
        scored.sort(key=lambda pair: pair[0], reverse=True)
        return [movie.summary() for _, movie in scored[:limit]]


@cache
def bundled_snapshot() -> OfflineCatalog:
    """The bundled snapshot, loaded once per process on first use (about 0.7 s). Live-TMDB
    imports match against it before asking TMDB; it is read-only, so threads may share it."""
    return OfflineCatalog()


def _sort_key(sort_by: str) -> Callable[[Movie], Any]:
    field = sort_by.rsplit(".", 1)[0]
    if field == "primary_release_date":
        return lambda m: m.release_date or date.min
    if field == "title":
        return lambda m: m.title.casefold()
    return lambda m: getattr(m, field) or 0
