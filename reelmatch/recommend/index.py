"""The movies a fitted model knows, with the per-movie arrays filters need.

Positions are shared by every part of a model: item `p` is `ids[p]` everywhere (CF matrix rows,
content rows, popularity). Movies that were rated but have no features take part in training
but are never recommended (there is nothing to show for them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import MAXYEAR, MINYEAR, date
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from reelmatch.domain import Movie, RecommendationFilters, from_data, to_data
from reelmatch.recommend.data import MovieFeatures
from reelmatch.recommend.profiles import Profile
from reelmatch.recommend.serialization import Arrays

BoolArray = npt.NDArray[np.bool_]
NO_DATE = -1


class ItemIndex:
    """Movie ids ↔ positions, the displayable movies and what filters look at."""

    def __init__(
        self,
        *,
        ids: npt.NDArray[np.int64],
        movies: Sequence[Movie | None],
        genres: Sequence[str],
        collections: Sequence[str | None] | None = None,
    ) -> None:
        self.ids = ids
        self.movies = tuple(movies)
        self.genre_names = tuple(genres)
        named = list(collections or [None] * len(ids))
        self.collection_names = sorted({c for c in named if c})
        code = {name: i for i, name in enumerate(self.collection_names)}
        self.collections = np.array([code.get(c, -1) if c else -1 for c in named], np.int64)
        self.recommendable = np.array([m is not None for m in self.movies], dtype=bool)
        self.release_day = np.array(
            [m.release_date.toordinal() if m and m.release_date else NO_DATE for m in movies],
            dtype=np.int64,
        )
        self.adult = np.array([bool(m and m.adult) for m in self.movies], dtype=bool)
        self.genre_matrix = _genre_matrix(self.movies, self.genre_names)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, features: Iterable[MovieFeatures], rated_ids: Iterable[int]) -> ItemIndex:
        by_id = {f.movie.id: f for f in features}
        ids = np.array(sorted(set(by_id) | {int(i) for i in rated_ids}), dtype=np.int64)
        genres = sorted({g for known in by_id.values() for g in known.movie.genres})
        known = [by_id.get(int(i)) for i in ids.tolist()]
        return cls(
            ids=ids,
            movies=[f.movie if f else None for f in known],
            genres=genres,
            collections=[f.collection if f else None for f in known],
        )

    def positions(self, movie_ids: Iterable[int] | npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Positions of the known ids among `movie_ids`, in their order (unknown ones skipped)."""
        wanted = np.asarray(
            list(movie_ids) if isinstance(movie_ids, set | frozenset) else movie_ids,
            dtype=np.int64,
        ).ravel()
        return self.lookup(wanted)[0]

    def lookup(self, movie_ids: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], BoolArray]:
        """Positions of the known ids, and which of `movie_ids` were known."""
        if not len(self.ids):
            return np.zeros(0, dtype=np.int64), np.zeros(len(movie_ids), dtype=bool)
        found = np.minimum(np.searchsorted(self.ids, movie_ids), len(self.ids) - 1)
        known = self.ids[found] == movie_ids
        return found[known].astype(np.int64), known

    def candidates(self, profile: Profile, filters: RecommendationFilters) -> BoolArray:
        """Which items may be recommended to this user under these filters."""
        mask = self.recommendable.copy()
        mask[self.positions(profile.dismissed)] = False
        if not filters.include_seen:
            mask[self.positions(profile.movie_ids)] = False
            mask[self.positions(profile.watched)] = False
        if not filters.include_watchlist:
            mask[self.positions(profile.watchlist)] = False
        if filters.allowed_movie_ids is not None:
            allowed = np.zeros(len(self), dtype=bool)
            allowed[self.positions(filters.allowed_movie_ids)] = True
            mask &= allowed
        if filters.hide_adult:
            mask &= ~self.adult
        mask &= self._date_mask(filters)
        return mask & self._genre_mask(filters)

    def has_genres(self, names: Iterable[str]) -> BoolArray:
        columns = [i for i, g in enumerate(self.genre_names) if g in set(names)]
        if not columns:
            return np.zeros(len(self), dtype=bool)
        return np.asarray(self.genre_matrix[:, columns].sum(axis=1)).ravel() > 0

    def _genre_mask(self, filters: RecommendationFilters) -> BoolArray:
        mask = np.ones(len(self), dtype=bool)
        if filters.genres:
            mask &= self.has_genres(filters.genres)
        avoided = set(filters.avoided_genres) - set(filters.genres)
        if avoided:
            mask &= ~self.has_genres(avoided)
        return mask

    def _date_mask(self, filters: RecommendationFilters) -> BoolArray:
        """Release-date bounds; a movie with no known date fails any bound."""
        lowest, highest = [], []
        if filters.year_from is not None:
            lowest.append(_first_day(filters.year_from))
        if filters.year_to is not None:
            highest.append(_first_day(filters.year_to + 1) - 1)
        if filters.release_to is not None:
            highest.append(filters.release_to.toordinal())
        mask = np.ones(len(self), dtype=bool)
        if lowest or highest:
            mask &= self.release_day != NO_DATE
        if lowest:
            mask &= self.release_day >= max(lowest)
        if highest:
            mask &= self.release_day <= min(highest)
        return mask

    def to_arrays(self) -> tuple[Arrays, dict[str, Any]]:
        present = np.flatnonzero(self.recommendable)
        meta = {
            "genres": list(self.genre_names),
            "movies": [to_data(self.movies[p]) for p in present],
            "collections": [self._collection(int(p)) for p in present],
        }
        return {"ids": self.ids, "movie_positions": present}, meta

    @classmethod
    def from_arrays(cls, arrays: Arrays, meta: dict[str, Any]) -> ItemIndex:
        movies: list[Movie | None] = [None] * len(arrays["ids"])
        collections: list[str | None] = [None] * len(arrays["ids"])
        present = arrays["movie_positions"].tolist()
        for position, data, collection in zip(
            present, meta["movies"], meta["collections"], strict=True
        ):
            movies[position] = from_data(Movie, data)
            collections[position] = collection
        return cls(
            ids=arrays["ids"].astype(np.int64),
            movies=movies,
            genres=meta["genres"],
            collections=collections,
        )

    def _collection(self, position: int) -> str | None:
        code = int(self.collections[position])
        return self.collection_names[code] if code >= 0 else None


def _first_day(year: int) -> int:
    """Ordinal of 1 January of `year`, clamped to the years `date` can represent."""
    return date(min(max(year, MINYEAR), MAXYEAR), 1, 1).toordinal()


def _genre_matrix(movies: Sequence[Movie | None], names: Sequence[str]) -> sp.csr_matrix:
    column = {name: i for i, name in enumerate(names)}
    rows, cols = [], []
    for p, movie in enumerate(movies):
        for genre in movie.genres if movie else ():
            if genre in column:
                rows.append(p)
                cols.append(column[genre])
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(movies), len(names)))
