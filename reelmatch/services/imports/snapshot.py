"""Snapshot-first matching for imports on live TMDB.

Every title TMDB has to search costs one request, and TMDB allows about 40 a second: a
2,000-row Letterboxd file would take 50 s. The bundled TMDB 5000 snapshot (its ids are TMDB
ids) answers most rows of a real export locally. It only answers where live matching would
pick the same movie:

- a TMDB id the snapshot holds (an id is an id);
- a title + year for which the snapshot has exactly one movie with that very title (or
  original title, normalised) released that very year: the candidate live matching ranks
  first too (same year, same title).

Anything looser (no year, a year off, a leading article, a typo, two same-named films) goes
to TMDB, whose larger catalog may hold a better candidate; so do IMDb ids (the snapshot has
none). Snapshot matches carry no posters: the import stores them marked for the metadata
refresher (see `reelmatch.services.metadata_refresh`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from reelmatch.catalog.title_match import title_closeness
from reelmatch.catalog.title_search import normalise
from reelmatch.domain import Movie, MovieDetails, MoviePage
from reelmatch.services.imports.titles import TitleKey


class SnapshotCatalog(Protocol):
    """The part of the offline catalog snapshot-first matching needs."""

    def movies(self, movie_ids: list[int]) -> Sequence[MovieDetails]: ...

    def search(self, query: str, *, year: int | None = None, page: int = 1) -> MoviePage: ...


class SnapshotMatcher:
    def __init__(self, snapshot: SnapshotCatalog) -> None:
        self._snapshot = snapshot

    def by_ids(self, movie_ids: list[int]) -> dict[int, Movie]:
        """The snapshot's movies among `movie_ids` (unknown ids are left out)."""
        return {movie.id: movie.summary() for movie in self._snapshot.movies(movie_ids)}

    def by_title(self, key: TitleKey) -> Movie | None:
        """The one snapshot movie with exactly this title (or original title) and year, or
        None when there is none, more than one, or the row has no year."""
        if key.year is None:
            return None
        wanted = key.wanted
        exact: dict[int, Movie] = {}
        for query in dict.fromkeys((key.title, key.original_title)):
            if not query or not normalise(query):
                continue
            for movie in self._snapshot.search(query, year=key.year).movies:
                if movie.year == key.year and title_closeness(wanted, normalise(movie.title)) == 2:
                    exact[movie.id] = movie
        return next(iter(exact.values())) if len(exact) == 1 else None
