"""Recommendation engines behind one interface, and the evaluation harness.

Pure numpy/scipy; the service layer feeds it data (it never reads the store or the catalog).

    engine = create_recommender("hybrid").fit(snapshot, features)
    engine.recommend(UserHistory(...), 10, filters=RecommendationFilters(...))
    cached = engine.to_bytes(); same = load_recommender(cached)
"""

from reelmatch.recommend.base import MAX_K, FitInfo, Recommender
from reelmatch.recommend.data import MovieFeatures, RatedMovie, RatingsSnapshot, UserHistory
from reelmatch.recommend.engines import (
    ENGINES,
    CollaborativeRecommender,
    ContentRecommender,
    create_recommender,
    load_recommender,
)
from reelmatch.recommend.hybrid import HybridConfig, HybridRecommender
from reelmatch.recommend.popularity import PopularityConfig, PopularityRecommender

__all__ = [
    "ENGINES",
    "MAX_K",
    "CollaborativeRecommender",
    "ContentRecommender",
    "FitInfo",
    "HybridConfig",
    "HybridRecommender",
    "MovieFeatures",
    "PopularityConfig",
    "PopularityRecommender",
    "RatedMovie",
    "RatingsSnapshot",
    "Recommender",
    "UserHistory",
    "create_recommender",
    "load_recommender",
]
