"""Popularity and quality: the baseline engine and the prior every other engine falls back on.

The prior mixes how many people here liked a movie with TMDB's own votes. On a fresh server
with three users, TMDB's votes carry it; on a busy one, local taste does:
prior = (1 − s)·local + s·tmdb with s = trust / (trust + users who rated anything).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from reelmatch.domain import RecommendationFilters
from reelmatch.recommend.base import Pick, Recommender, top_positions
from reelmatch.recommend.data import MovieFeatures, RatingsSnapshot
from reelmatch.recommend.index import ItemIndex
from reelmatch.recommend.profiles import Profile
from reelmatch.recommend.serialization import Arrays

__all__ = ["PopularityConfig", "PopularityPrior", "PopularityRecommender"]

FloatArray = npt.NDArray[np.float64]
MIN_TMDB_VOTES = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class PopularityConfig:
    positive_stars: float = 4.0
    tmdb_trust_users: float = 20.0


class PopularityPrior:
    """Per-movie `prior` in [0, 1], plus the counts its reasons quote."""

    def __init__(self, arrays: Arrays) -> None:
        self.arrays = arrays
        self.liked = arrays["liked"]
        self.prior: FloatArray = arrays["prior"]

    @classmethod
    def fit(
        cls, snapshot: RatingsSnapshot, index: ItemIndex, *, config: PopularityConfig
    ) -> PopularityPrior:
        positive = snapshot.stars >= config.positive_stars
        liked = np.zeros(len(index), dtype=np.float64)
        np.add.at(liked, index.positions(snapshot.movie_ids[positive]), 1.0)
        local = _scaled_log(liked)
        raters = len(np.unique(snapshot.user_ids))
        share = config.tmdb_trust_users / (config.tmdb_trust_users + raters)
        prior = (1.0 - share) * local + share * tmdb_quality(index)
        return cls({"liked": liked, "prior": prior})

    def reasons(self, position: int, index: ItemIndex) -> tuple[str, ...]:
        liked = int(self.liked[position])
        if liked >= 2:
            return (f"Popular with people here: {liked} liked it",)
        movie = index.movies[position]
        if movie and movie.vote_average and (movie.vote_count or 0) >= MIN_TMDB_VOTES:
            votes = f"{movie.vote_count:,}"
            return (f"Well rated on TMDB: {movie.vote_average:.1f}/10 from {votes} votes",)
        if liked == 1:
            return ("Liked by someone here",)
        return ("A pick from the catalog (little is known about it yet)",)


def tmdb_quality(index: ItemIndex) -> FloatArray:
    """Bayesian-average TMDB rating (0–1) times how widely it was voted on (log scale, 0–1)."""
    votes = np.array([(m.vote_count or 0) if m else 0 for m in index.movies], dtype=np.float64)
    average = np.array([(m.vote_average or 0.0) if m else 0.0 for m in index.movies])
    if not (votes > 0).any():
        return np.zeros(len(index))
    mean = float(np.average(average, weights=votes))
    typical = float(np.median(votes[votes > 0]))
    shrunk = (votes * average + typical * mean) / (votes + typical)
    return np.asarray(shrunk / 10.0 * _scaled_log(votes), dtype=np.float64)


def _scaled_log(counts: FloatArray) -> FloatArray:
    top = float(counts.max()) if len(counts) else 0.0
    if top <= 0:
        return np.zeros(len(counts))
    return np.asarray(np.log1p(counts) / np.log1p(top), dtype=np.float64)


class PopularityRecommender(Recommender):
    """The baseline: what people here (and TMDB's voters) like most, the same for everyone."""

    name = "popular"
    source = "popular"
    config_type = PopularityConfig
    default_config = PopularityConfig()

    def _fit(
        self,
        snapshot: RatingsSnapshot,
        features: dict[int, MovieFeatures],
        index: ItemIndex,
        *,
        seed: int,
    ) -> None:
        self._prior = PopularityPrior.fit(snapshot, index, config=self.config)

    def _pick(
        self,
        profile: Profile,
        *,
        filters: RecommendationFilters,
        candidates: npt.NDArray[np.bool_],
        k: int,
    ) -> list[Pick]:
        prior = self._prior
        return [
            Pick(int(p), float(prior.prior[p]), prior.reasons(int(p), self.index))
            for p in top_positions(prior.prior, candidates, k)
        ]

    def _parts_to_arrays(self) -> tuple[Arrays, dict[str, Any]]:
        return self._prior.arrays, {}

    def _parts_from_arrays(self, arrays: Arrays, meta: dict[str, Any]) -> None:
        self._prior = PopularityPrior(arrays)
