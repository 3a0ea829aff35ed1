"""What the local engine is trained on: this server's ratings and what we know about movies.

Ratings come from one SQL query over `user_movies`. Movies are the bundled TMDB 5000
snapshot (so a fresh server with three users still has thousands of movies to suggest) with
the local `movies` table on top (newer data, posters, and every movie someone here rated). On
live TMDB, movies whose details are already in the cache add their credits and TMDB's
"recommendations"/"similar" lists; nothing is requested from TMDB for this.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from reelmatch.cache import Cache
from reelmatch.cache.keys import movie_key
from reelmatch.catalog import Catalog
from reelmatch.catalog.offline import OfflineCatalog, bundled_snapshot
from reelmatch.domain import Movie, MovieDetails, from_data
from reelmatch.recommend import MovieFeatures, RatingsSnapshot
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class TrainingData:
    snapshot: RatingsSnapshot
    features: tuple[MovieFeatures, ...]
    #: When the ratings were read: rows changed after it count towards the next retrain.
    taken_at: datetime
    ratings: int


class TrainingSource:
    def __init__(self, unit_of_work: UowFactory, *, catalog: Catalog, cache: Cache | None) -> None:
        self._unit_of_work = unit_of_work
        self._catalog = catalog
        self._cache = cache

    def read(self) -> TrainingData:
        taken_at = utcnow()
        with self._unit_of_work(read_only=True) as uow:
            rows = uow.recommendations.rating_rows()
        snapshot = RatingsSnapshot.from_rows(rows)
        return TrainingData(
            snapshot=snapshot, features=self.features(), taken_at=taken_at, ratings=len(rows)
        )

    def features(self) -> tuple[MovieFeatures, ...]:
        started = time.perf_counter()
        with self._unit_of_work(read_only=True) as uow:
            stored = uow.movies.all()
        movies: dict[int, Movie] = {movie.id: movie for movie in self._snapshot().all_movies()}
        movies.update((movie.id, movie) for movie in stored)
        details = self._cached_details([movie.id for movie in stored])
        features = tuple(
            MovieFeatures.from_details(details[movie_id])
            if movie_id in details
            else MovieFeatures(movie=movie)
            for movie_id, movie in sorted(movies.items())
        )
        log.debug(
            "recommendation features: %d movies (%d with TMDB details) in %.0f ms",
            len(features),
            len(details),
            (time.perf_counter() - started) * 1000,
        )
        return features

    def _snapshot(self) -> OfflineCatalog:
        catalog = self._catalog
        return catalog if isinstance(catalog, OfflineCatalog) else bundled_snapshot()

    def _cached_details(self, movie_ids: list[int]) -> dict[int, MovieDetails]:
        """Details already in the cache (live TMDB only); never a TMDB request."""
        if self._catalog.mode == "offline" or self._cache is None:
            return {}
        found: dict[int, MovieDetails] = {}
        for movie_id in movie_ids:
            data = self._cache.get(movie_key(movie_id))
            if data is None:
                continue
            try:
                found[movie_id] = from_data(MovieDetails, data)
            except ValueError:
                continue  # an entry of another version: its movie keeps the stored data
        return found
