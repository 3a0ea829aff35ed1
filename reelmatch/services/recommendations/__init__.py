"""Recommendations for people: the service between the engines (`reelmatch.recommend`), the
AI client (`reelmatch.llm`) and the pages, CLI and batch job.

    service = services.recommendations
    result = service.recommend(user, engine="local" | "ai", k=10, filters=...)
    service.feedback(user, movie_id, "not_interested", run_id=result.run_id)
    service.movie_night(user, ["alice", "bob"])
    precompute_all(service, users, workers=4)      # recommend --all-users
"""

from reelmatch.services.recommendations.ai import AiStatus
from reelmatch.services.recommendations.batch import BatchReport, precompute_all
from reelmatch.services.recommendations.factory import build_recommendation_service
from reelmatch.services.recommendations.keeper import ModelInfo, ModelKeeper
from reelmatch.services.recommendations.model_store import FileModelStore, RedisModelStore
from reelmatch.services.recommendations.requests import RecommendationOptions
from reelmatch.services.recommendations.service import RecommendationService

__all__ = [
    "AiStatus",
    "BatchReport",
    "FileModelStore",
    "ModelInfo",
    "ModelKeeper",
    "RecommendationOptions",
    "RecommendationService",
    "RedisModelStore",
    "build_recommendation_service",
    "precompute_all",
]
