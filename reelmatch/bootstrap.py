"""Builds the services from Settings: the one place that wires the app together.

Pages get the result through `reelmatch.ui.get_services()` (cached for the process); the CLI
builds its own. Tests build one per temp database with `build_services(settings, ...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from reelmatch.cache import Cache, TwoTierCache, build_cache, build_rate_limiter
from reelmatch.catalog import Catalog
from reelmatch.catalog.offline import OfflineCatalog, bundled_snapshot
from reelmatch.catalog.tmdb import TmdbCatalog
from reelmatch.catalog.tmdb_client import TmdbClient
from reelmatch.config import Settings, load_settings
from reelmatch.events import EventSink
from reelmatch.llm import OpenAIClient
from reelmatch.observability import configure_logging, init_error_reporting
from reelmatch.services.analytics import AnalyticsService
from reelmatch.services.background_refresh import BackgroundRefresher
from reelmatch.services.demo import DemoAccount
from reelmatch.services.discovery import DiscoveryService
from reelmatch.services.event_recorder import EventRecorder, QueueHealth
from reelmatch.services.exports import ExportService
from reelmatch.services.imports import ImportLimits, ImportService
from reelmatch.services.library import LibraryService
from reelmatch.services.metadata_refresh import RATE_LIMIT_SHARE, MetadataRefresher
from reelmatch.services.recommendations import (
    RecommendationService,
    build_recommendation_service,
)
from reelmatch.services.stats import PersonalStatsService
from reelmatch.services.users import UserService
from reelmatch.store.database import Database


@dataclass
class Services:
    settings: Settings
    database: Database
    catalog: Catalog
    events: EventSink
    users: UserService
    library: LibraryService
    discovery: DiscoveryService
    demo: DemoAccount
    imports: ImportService
    exports: ExportService
    analytics: AnalyticsService
    stats: PersonalStatsService
    cache: Cache
    #: Refreshes stale `movies` rows from the catalog (`movies refresh`; the app's thread).
    metadata: MetadataRefresher
    #: The app's daemon thread around `metadata`; started by `start_background()` only.
    metadata_thread: BackgroundRefresher
    #: Local and AI recommendations, feedback, movie night; its model trains in the
    #: background (`start_background()`) or on `recommend --retrain`.
    recommendations: RecommendationService
    #: Clean-ups for what `build_services` created (a catalog passed in belongs to the caller).
    closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def event_queue_health(self) -> QueueHealth | None:
        """The recorder's queue health, or None when events go to a sink of the caller's."""
        return self.events.health() if isinstance(self.events, EventRecorder) else None

    def start_background(self) -> None:
        """Start the app's background work: the metadata refresher, on live TMDB when
        `REELMATCH_METADATA_REFRESH` is on, and the recommendation model's trainer. The CLI
        and tests do not call this."""
        if self.metadata.live and self.settings.metadata_refresh:
            self.metadata_thread.start()
        self.recommendations.start_background()

    def close(self) -> None:
        """Stop background work, write the queued events, close what was built here, release
        the database."""
        self.metadata_thread.stop()
        self.recommendations.close()
        close_events = getattr(self.events, "close", None)
        if callable(close_events):
            close_events()
        for close in self.closers:
            close()
        self.database.dispose()


def setup_observability(settings: Settings, *, default_level: str = "INFO") -> None:
    """JSON log lines at `REELMATCH_LOG_LEVEL` (else `default_level`), and Sentry when
    `SENTRY_DSN` is set. Entry points call this once: the app, the CLI."""
    configure_logging(settings.log_level or default_level)
    dsn = settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None
    init_error_reporting(dsn)


def build_catalog(
    settings: Settings, *, cache: Cache | None = None, events: EventSink | None = None
) -> Catalog:
    """Live TMDB (through the cache) when TMDB credentials are set, else the offline snapshot."""
    if not settings.tmdb_live:
        return OfflineCatalog()
    cache = cache if cache is not None else build_cache(settings)
    link = cache.redis_link if isinstance(cache, TwoTierCache) else None
    key, token = settings.tmdb_api_key, settings.tmdb_read_access_token
    client = TmdbClient(
        base_url=settings.tmdb_api_base,
        api_key=key.get_secret_value() if key else None,
        read_token=token.get_secret_value() if token else None,
        limiter=build_rate_limiter(settings, link=link),
        events=events,
        timeout=settings.tmdb_timeout,
        retries=settings.tmdb_retries,
        concurrency=settings.tmdb_concurrency,
    )
    return TmdbCatalog(client, cache=cache, events=events)


def build_services(
    settings: Settings | None = None,
    *,
    catalog: Catalog | None = None,
    events: EventSink | None = None,
    bcrypt_rounds: int = 12,
) -> Services:
    """`events` replaces the batching recorder (tests, benchmarks: e.g. `DiscardEvents()`)."""
    settings = settings or load_settings()
    database = Database.from_url(settings.effective_database_url)
    events = events if events is not None else EventRecorder(database)
    cache = build_cache(settings)
    closers: list[Callable[[], None]] = []
    if catalog is None:
        catalog = build_catalog(settings, cache=cache, events=events)
        if isinstance(catalog, TmdbCatalog):
            closers.append(catalog.close)
    closers.append(cache.close)
    users = UserService(database, bcrypt_rounds=bcrypt_rounds)
    library = LibraryService(database, catalog=catalog, events=events)
    ai_client = OpenAIClient.from_settings(settings, events=events)
    if ai_client is not None:
        closers.append(ai_client.close)
    metadata = build_metadata_refresher(settings, database=database, catalog=catalog, events=events)
    metadata_thread = BackgroundRefresher(metadata)
    return Services(
        settings=settings,
        database=database,
        catalog=catalog,
        events=events,
        users=users,
        library=library,
        discovery=DiscoveryService(database, catalog=catalog, events=events),
        demo=DemoAccount(users=users, library=library),
        imports=ImportService(
            database,
            catalog=catalog,
            events=events,
            limits=ImportLimits.from_megabytes(settings.max_upload_mb),
            snapshot=bundled_snapshot if catalog.mode == "tmdb" else None,
            on_imported=metadata_thread.wake,
        ),
        exports=ExportService(library),
        analytics=AnalyticsService(database, cache=cache),
        stats=PersonalStatsService(database),
        cache=cache,
        metadata=metadata,
        metadata_thread=metadata_thread,
        recommendations=build_recommendation_service(
            settings,
            database=database,
            catalog=catalog,
            cache=cache,
            events=events,
            library=library,
            ai_client=ai_client,
        ),
        closers=closers,
    )


def build_metadata_refresher(
    settings: Settings, *, database: Database, catalog: Catalog, events: EventSink
) -> MetadataRefresher:
    """Paced to a share of `TMDB_RATE_LIMIT`, so pages keep most of the budget."""
    return MetadataRefresher(
        database,
        catalog=catalog,
        events=events,
        max_age=timedelta(days=settings.metadata_max_age_days),
        rate=settings.tmdb_rate_limit * RATE_LIMIT_SHARE,
    )
