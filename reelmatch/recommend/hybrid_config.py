"""The hybrid engine's settings: what training needs, and what scoring reads per request.

The defaults come from the search in `tuning.py` (docs/decisions.md, entry 9); each scoring
field is a term of the blend described in `hybrid.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reelmatch.errors import InvalidInput
from reelmatch.recommend.collaborative import EaseSettings
from reelmatch.recommend.profiles import Weighting

__all__ = ["TRAINING_FIELDS", "HybridConfig"]

TRAINING_FIELDS = frozenset(
    {
        "l2",
        "positive_stars",
        "min_support",
        "max_items",
        "neighbours",
        "sequence_window",
        "tmdb_trust_users",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class HybridConfig:
    # Training (changing these needs `fit` again).
    l2: float = 150.0
    positive_stars: float = 4.0
    min_support: int = 2
    max_items: int = 6000
    neighbours: int = 200
    sequence_window: int = 20
    tmdb_trust_users: float = 20.0
    # Scoring (`reconfigured` applies these to a fitted model).
    collaborative_weight: float = 1.0
    sequence_weight: float = 0.5
    popularity_exponent: float = 0.6
    half_life: float = 2.5
    recency_floor: float = 0.2
    neutral_stars: float = 3.0
    watchlist_weight: float = 0.5
    cf_shrink: float = 5.0
    experience_scale: float = 5.0
    cold_popularity_weight: float = 2.0
    content_weight: float = 0.2
    related_weight: float = 0.2
    popularity_weight: float = 0.1
    favourite_weight: float = 0.25
    diversity: float = 0.3
    pool: int = 50
    max_per_collection: int = 2

    def __post_init__(self) -> None:
        if not 0.0 <= self.diversity <= 1.0 or self.pool < 1 or self.max_per_collection < 1:
            raise InvalidInput("diversity must be within 0–1; pool and max_per_collection ≥ 1.")

    @property
    def weighting(self) -> Weighting:
        return Weighting(
            neutral_stars=self.neutral_stars,
            half_life=self.half_life,
            floor=self.recency_floor,
            watchlist_weight=self.watchlist_weight,
        )

    @property
    def ease(self) -> EaseSettings:
        return EaseSettings(
            l2=self.l2,
            positive_stars=self.positive_stars,
            min_support=self.min_support,
            max_items=self.max_items,
            neighbours=self.neighbours,
        )
