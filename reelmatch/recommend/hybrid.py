"""The default local engine: collaborative filtering + content + a popularity prior, blended.

total = trust·(collaborative_weight·ease + sequence_weight·sequence)
        + content_weight·content + related_weight·related
        + (popularity_weight + cold_popularity_weight·(1 − experience))·prior
        + favourite_weight·[has a favourite genre]·(best score so far)
with each signal scaled so its best candidate scores 1, trust = n / (n + cf_shrink) and
experience = n / (n + experience_scale) for the n liked movies the CF models know: a user with
two ratings leans on content and the prior. CF scores are divided by support^popularity_exponent
so a well-matched lesser-known movie can beat the blockbuster everyone has seen.
Then diversity re-ranking. The single-signal engines in `engines.py` are this same blend with
other weights, so every engine shares one scoring, filtering and explaining path.

Defaults were chosen by a grid search on a validation split (docs/decisions.md, entry 9; rerun
with `bench/recommend.py --tune`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from reelmatch.domain import RecommendationFilters
from reelmatch.errors import InvalidInput
from reelmatch.recommend.base import Pick, Recommender, top_positions
from reelmatch.recommend.collaborative import EaseModel
from reelmatch.recommend.content import ContentModel, ContentSettings
from reelmatch.recommend.data import MovieFeatures, RatingsSnapshot
from reelmatch.recommend.diversity import rerank
from reelmatch.recommend.hybrid_config import TRAINING_FIELDS, HybridConfig
from reelmatch.recommend.index import ItemIndex
from reelmatch.recommend.popularity import PopularityConfig, PopularityPrior
from reelmatch.recommend.profiles import Profile
from reelmatch.recommend.query import Query, build_query
from reelmatch.recommend.sequence import SequenceModel
from reelmatch.recommend.serialization import Arrays, prefixed, unprefixed

__all__ = ["TRAINING_FIELDS", "HybridConfig", "HybridRecommender"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
MAX_REASONS = 3


@dataclass(frozen=True, slots=True)
class Blend:
    """Each signal's weighted contribution per item, and their sum."""

    parts: dict[str, FloatArray]
    total: FloatArray


class HybridRecommender(Recommender):
    name = "hybrid"
    source = "local"
    config_type = HybridConfig
    default_config = HybridConfig()

    def _fit(
        self,
        snapshot: RatingsSnapshot,
        features: dict[int, MovieFeatures],
        index: ItemIndex,
        *,
        seed: int,
    ) -> None:
        config = self.config
        popularity = PopularityConfig(
            positive_stars=config.positive_stars, tmdb_trust_users=config.tmdb_trust_users
        )
        self._prior = PopularityPrior.fit(snapshot, index, config=popularity)
        collaborative = _collaborative(config)
        self._ease = (
            EaseModel.fit(snapshot, index, settings=config.ease)
            if collaborative
            else EaseModel.empty(len(index))
        )
        self._sequence = (
            SequenceModel.fit(
                snapshot,
                index,
                positive_stars=config.positive_stars,
                window=config.sequence_window,
                neighbours=config.neighbours,
            )
            if config.sequence_weight > 0 and config.sequence_window > 0
            else SequenceModel.empty(len(index))
        )
        self._content = ContentModel.fit(features, index, settings=ContentSettings())

    def reconfigured(self, config: HybridConfig) -> HybridRecommender:
        """The fitted model with other scoring settings (for tuning), without retraining."""
        retrain = [n for n in TRAINING_FIELDS if getattr(config, n) != getattr(self.config, n)]
        switched_on = (_collaborative(config) and not _collaborative(self.config)) or (
            config.sequence_weight > 0 >= self.config.sequence_weight
        )
        if retrain or switched_on:
            raise InvalidInput("Those settings change training; call fit() instead.")
        engine = type(self)(config)
        engine._index, engine._users, engine.info = self._index, self._users, self.info
        engine._prior, engine._ease, engine._content = self._prior, self._ease, self._content
        engine._sequence = self._sequence
        return engine

    # Scoring -----------------------------------------------------------------------------

    def _pick(
        self,
        profile: Profile,
        *,
        filters: RecommendationFilters,
        candidates: BoolArray,
        k: int,
    ) -> list[Pick]:
        config = self.config
        query = build_query(profile, self.index, config.weighting)
        blend = self.blend(query, filters=filters, candidates=candidates)
        if config.diversity > 0:
            pool = top_positions(blend.total, candidates, max(config.pool, k))
            order = rerank(
                pool,
                blend.total[pool],
                self._content.similarity(pool),
                k=k,
                diversity=config.diversity,
                collections=self.index.collections[pool],
                max_per_collection=config.max_per_collection,
            )
            chosen = pool[order]
        else:
            chosen = top_positions(blend.total, candidates, k)
        reasons = self._reasons(query, blend, chosen, filters)
        return [
            Pick(int(p), float(blend.total[p]), why)
            for p, why in zip(chosen.tolist(), reasons, strict=True)
        ]

    def blend(
        self, query: Query, *, filters: RecommendationFilters, candidates: BoolArray
    ) -> Blend:
        config = self.config
        known = self._ease.known(query)
        trust = known / (known + config.cf_shrink) if known else 0.0
        # Newcomers' tastes are closer to the crowd's: lean on the prior until the user has
        # rated enough to say otherwise.
        experience = known / (known + config.experience_scale) if known else 0.0
        exponent = config.popularity_exponent
        prior_weight = config.popularity_weight + config.cold_popularity_weight * (1 - experience)
        collaborative = self._ease.scores(query, popularity_exponent=exponent)
        sequence = self._sequence.scores(
            query, support=self._ease.support, popularity_exponent=exponent
        )
        favourite = self.index.has_genres(filters.favourite_genres).astype(np.float64)
        parts = {
            "collaborative": config.collaborative_weight * trust * _unit(collaborative, candidates),
            "sequence": config.sequence_weight * trust * _unit(sequence, candidates),
            "content": config.content_weight * _unit(self._content.scores(query), candidates),
            "related": config.related_weight
            * _unit(self._content.related_scores(query), candidates),
            "popularity": prior_weight * self._prior.prior,
        }
        total = np.sum(list(parts.values()), axis=0)
        # Favourite genres lift a movie by a share of the best candidate's score, so they
        # matter as much for a newcomer (prior-heavy scores) as for a regular.
        best = float(np.abs(total[candidates]).max()) if candidates.any() else 0.0
        parts["favourite"] = config.favourite_weight * best * favourite
        total = total + parts["favourite"]
        return Blend(parts=parts, total=total)

    # Reasons -----------------------------------------------------------------------------

    def _reasons(
        self, query: Query, blend: Blend, picks: IntArray, filters: RecommendationFilters
    ) -> list[tuple[str, ...]]:
        index = self.index
        sentences: dict[str, list[tuple[str, ...]]] = {
            "collaborative": self._ease.reasons(query, picks, index),
            "sequence": self._sequence.reasons(query, picks, index),
            "content": [
                (r,) if r else () for r in self._content.similar_reasons(query, picks, index)
            ],
            "related": [
                (r,) if r else () for r in self._content.related_reasons(query, picks, index)
            ],
            "favourite": [_favourite_reason(index, int(p), filters) for p in picks.tolist()],
            "popularity": [self._prior.reasons(int(p), index) for p in picks.tolist()],
        }
        result = []
        for column, position in enumerate(picks.tolist()):
            # Personal reasons first (strongest signal first), the crowd's last: "Because you
            # rated Heat 5★" says more to a person than "Popular with people here". The
            # favourite-genre line comes after the movie-specific ones whatever its weight:
            # it reads the same on every card, "Shares … with Inception" does not (issue 14).
            personal = sorted(
                (name for name in blend.parts if name != "popularity"),
                key=lambda name: (name == "favourite", -blend.parts[name][position], name),
            )
            reasons = [
                sentence
                for name in [*personal, "popularity"]
                if blend.parts[name][position] > 0 or name == "popularity"
                for sentence in sentences[name][column]
            ]
            result.append(tuple(dict.fromkeys(reasons))[:MAX_REASONS])
        return result

    # Serialisation -----------------------------------------------------------------------

    def _parts_to_arrays(self) -> tuple[Arrays, dict[str, Any]]:
        arrays = {
            **prefixed("prior", self._prior.arrays),
            **prefixed("ease", self._ease.arrays),
            **prefixed("sequence", self._sequence.arrays),
            **prefixed("content", self._content.arrays),
        }
        return arrays, {"content": self._content.meta()}

    def _parts_from_arrays(self, arrays: Arrays, meta: dict[str, Any]) -> None:
        self._prior = PopularityPrior(unprefixed("prior", arrays))
        self._ease = EaseModel(unprefixed("ease", arrays))
        self._sequence = SequenceModel(unprefixed("sequence", arrays))
        self._content = ContentModel(unprefixed("content", arrays), meta["content"]["vocabulary"])


def _collaborative(config: HybridConfig) -> bool:
    return config.collaborative_weight > 0 or config.sequence_weight > 0


def _unit(scores: FloatArray, candidates: BoolArray) -> FloatArray:
    """`scores` divided by the best candidate's score (by magnitude if none is positive)."""
    if not candidates.any():
        return scores
    top = float(scores[candidates].max())
    if top <= 0:
        top = float(np.abs(scores[candidates]).max())
    return scores / top if top > 0 else np.zeros_like(scores)


def _favourite_reason(
    index: ItemIndex, position: int, filters: RecommendationFilters
) -> tuple[str, ...]:
    movie = index.movies[position]
    genre = next((g for g in filters.favourite_genres if movie and g in movie.genres), None)
    return (f"Matches your favourite genre: {genre}",) if genre else ()
