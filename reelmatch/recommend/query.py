"""A profile mapped onto a model's item positions with a weight per movie: what scoring reads."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reelmatch.recommend.index import ItemIndex
from reelmatch.recommend.profiles import Profile, Weighting, rating_weights

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class Query:
    """The user's known movies (positions), how much each counts, and their stars
    (NaN for a watchlisted movie the user has not rated)."""

    positions: IntArray
    weights: FloatArray
    stars: FloatArray
    row_of: IntArray  # position → row in this query, −1 if not the user's

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def likes(self) -> FloatArray:
        """Weights with dislikes at zero (for signals that only spread taste)."""
        return np.maximum(self.weights, 0.0)


def build_query(profile: Profile, index: ItemIndex, weighting: Weighting) -> Query:
    weights = rating_weights(profile, weighting)
    positions, known = index.lookup(profile.movie_ids)
    weights, stars = weights[known], profile.stars[known]
    watch_positions = np.setdiff1d(index.positions(profile.watchlist), positions)
    if len(watch_positions) and weighting.watchlist_weight:
        positions = np.concatenate([positions, watch_positions])
        weights = np.concatenate(
            [weights, np.full(len(watch_positions), weighting.watchlist_weight)]
        )
        stars = np.concatenate([stars, np.full(len(watch_positions), np.nan)])
    row_of = np.full(len(index), -1, dtype=np.int64)
    row_of[positions] = np.arange(len(positions))
    return Query(positions=positions, weights=weights, stars=stars, row_of=row_of)


def because_reason(query: Query, row: int, index: ItemIndex, *, people: bool = False) -> str | None:
    """ "Because you rated Heat 4.5★" (or the watchlist / people-here variants) for query row."""
    movie = index.movies[int(query.positions[row])]
    if movie is None:
        return None
    stars = query.stars[row]
    if people:
        return f"Popular with people here who liked {movie.title}"
    if np.isnan(stars):
        return f"Because {movie.title} is on your watchlist"
    return f"Because you rated {movie.title} {stars:g}★"


def title_of(index: ItemIndex, position: int) -> str | None:
    movie = index.movies[position]
    return movie.title if movie else None
