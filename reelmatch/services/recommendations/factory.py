"""Builds the recommendation service from Settings (called by `reelmatch.bootstrap`)."""

from __future__ import annotations

from reelmatch.cache import Cache, TwoTierCache
from reelmatch.catalog import Catalog
from reelmatch.config import Settings
from reelmatch.events import EventSink
from reelmatch.llm import OpenAIClient
from reelmatch.services.library import LibraryService
from reelmatch.services.recommendations.ai import AiPicker
from reelmatch.services.recommendations.feedback import FeedbackRecorder
from reelmatch.services.recommendations.keeper import ModelKeeper
from reelmatch.services.recommendations.model_store import (
    FileModelStore,
    ModelStore,
    RedisModelStore,
)
from reelmatch.services.recommendations.results import ResultCache
from reelmatch.services.recommendations.service import RecommendationService
from reelmatch.services.recommendations.stored import StoredResults
from reelmatch.services.recommendations.training import TrainingSource
from reelmatch.store.uow import UowFactory

MODELS_FOLDER = "models"


def build_recommendation_service(
    settings: Settings,
    *,
    unit_of_work: UowFactory,
    catalog: Catalog,
    cache: Cache,
    events: EventSink,
    library: LibraryService,
    ai_client: OpenAIClient | None,
) -> RecommendationService:
    """The service, registered as the library's observer (conversions, retrain nudges)."""
    keeper = ModelKeeper(
        source=TrainingSource(unit_of_work, catalog=catalog, cache=cache),
        store=model_store(settings, cache),
        threshold=settings.retrain_after_ratings,
        unit_of_work=unit_of_work,
    )
    results = ResultCache(
        cache,
        ttl=settings.recs_ttl,
        stored=StoredResults(unit_of_work, ttl=settings.recs_ttl),
    )
    service = RecommendationService(
        unit_of_work,
        catalog=catalog,
        events=events,
        keeper=keeper,
        results=results,
        ai=AiPicker(
            client=ai_client,
            catalog=catalog,
            unit_of_work=unit_of_work,
            results=results,
            daily_budget=settings.ai_daily_budget,
            events=events,
        ),
        feedback=FeedbackRecorder(unit_of_work, events=events, library=library),
    )
    library.add_observer(service.library_changed)
    return service


def model_store(settings: Settings, cache: Cache) -> ModelStore:
    """Redis when the cache has it (replicas share one model), else the data directory."""
    link = cache.redis_link if isinstance(cache, TwoTierCache) else None
    if link is not None:
        # A training lock outlives a dead trainer as long as a dead worker's jobs wait.
        return RedisModelStore(link, lock_seconds=settings.worker_heartbeat_timeout)
    return FileModelStore(settings.data_dir / MODELS_FOLDER)
