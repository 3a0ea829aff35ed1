"""The single-signal engines and the registry of every engine by name.

`CollaborativeRecommender` (EASE alone) and `ContentRecommender` (metadata alone) are the
hybrid blend with one signal switched on: same filters, same reasons, same serialisation, and
the evaluation can compare each signal against the blend honestly.
"""

from __future__ import annotations

from reelmatch.errors import InvalidInput
from reelmatch.recommend.base import Recommender
from reelmatch.recommend.hybrid import HybridConfig, HybridRecommender
from reelmatch.recommend.popularity import PopularityRecommender
from reelmatch.recommend.serialization import unpack

__all__ = [
    "ENGINES",
    "CollaborativeRecommender",
    "ContentRecommender",
    "create_recommender",
    "load_recommender",
]

# EASE alone, its λ, popularity exponent and recency chosen by the same validation search
# (`tune_hybrid(..., base=COLLABORATIVE_ONLY)`, steps 1–2, no coverage floor): 0.142 there.
COLLABORATIVE_ONLY = HybridConfig(
    l2=250.0,
    popularity_exponent=0.2,
    half_life=2.5,
    recency_floor=0.1,
    sequence_weight=0.0,
    content_weight=0.0,
    related_weight=0.0,
    favourite_weight=0.0,
    popularity_weight=1e-3,  # only orders what CF cannot tell apart (e.g. an empty history)
    cold_popularity_weight=0.0,
    cf_shrink=0.0,
    diversity=0.0,
)
CONTENT_ONLY = HybridConfig(
    collaborative_weight=0.0,
    sequence_weight=0.0,
    content_weight=1.0,
    related_weight=0.5,
    popularity_weight=0.05,
    cold_popularity_weight=0.0,
    diversity=0.0,
)


class CollaborativeRecommender(HybridRecommender):
    """EASE collaborative filtering alone: "people here who liked what you liked"."""

    name = "collaborative"
    source = "collaborative"
    default_config = COLLABORATIVE_ONLY


class ContentRecommender(HybridRecommender):
    """Genres, keywords, director, cast and TMDB's related lists alone: works with no users."""

    name = "content"
    source = "content"
    default_config = CONTENT_ONLY


ENGINES: dict[str, type[Recommender]] = {
    engine.name: engine
    for engine in (
        HybridRecommender,
        CollaborativeRecommender,
        ContentRecommender,
        PopularityRecommender,
    )
}


def create_recommender(name: str = "hybrid", config: object | None = None) -> Recommender:
    """A new, untrained engine by name ("hybrid", "collaborative", "content", "popular")."""
    engine = ENGINES.get(name)
    if engine is None:
        raise InvalidInput(f"No recommendation engine is called {name!r}; try {sorted(ENGINES)}.")
    return engine(config)


def load_recommender(data: bytes) -> Recommender:
    """A fitted engine from `Recommender.to_bytes()` output, whichever engine it was."""
    meta, arrays = unpack(data)
    name = meta.get("engine")
    engine = ENGINES.get(name) if isinstance(name, str) else None
    if engine is None:
        raise InvalidInput(f"This saved model names an unknown engine ({name!r}).")
    return engine.restore(meta, arrays)
