"""Builds the services from Settings: the one place that wires the app together.

Pages get the result through `reelmatch.ui.services()` (cached for the process); the CLI builds
its own. Tests build one per temp database with `build_services(settings, ...)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reelmatch.catalog import Catalog
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import Settings, load_settings
from reelmatch.events import EventSink
from reelmatch.observability import configure_logging, init_error_reporting
from reelmatch.services.analytics import AnalyticsService
from reelmatch.services.event_recorder import EventRecorder, QueueHealth
from reelmatch.services.library import LibraryService
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
    analytics: AnalyticsService
    stats: PersonalStatsService

    def event_queue_health(self) -> QueueHealth | None:
        """The recorder's queue health, or None when events go to a sink of the caller's."""
        return self.events.health() if isinstance(self.events, EventRecorder) else None

    def close(self) -> None:
        """Write the queued events, then release the database connections."""
        close_events = getattr(self.events, "close", None)
        if callable(close_events):
            close_events()
        self.database.dispose()


def setup_observability(settings: Settings, *, default_level: str = "INFO") -> None:
    """JSON log lines at `REELMATCH_LOG_LEVEL` (else `default_level`), and Sentry when
    `SENTRY_DSN` is set. Entry points call this once: the app, the CLI."""
    configure_logging(settings.log_level or default_level)
    dsn = settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None
    init_error_reporting(dsn)


def build_catalog(settings: Settings) -> Catalog:
    return OfflineCatalog()


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
    catalog = catalog or build_catalog(settings)
    events = events if events is not None else EventRecorder(database)
    return Services(
        settings=settings,
        database=database,
        catalog=catalog,
        events=events,
        users=UserService(database, bcrypt_rounds=bcrypt_rounds),
        library=LibraryService(database, catalog=catalog, events=events),
        analytics=AnalyticsService(database),
        stats=PersonalStatsService(database),
    )
