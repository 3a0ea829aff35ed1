"""Builds the services from Settings: the one place that wires the app together.

The app gets them through `reelmatch.ui.state.get_services()` (built once per process, all of
them at start, see `Services.build_all`); the CLI builds its own, and a command builds only
what it touches: `movies search` never imports pandas, OpenAI's SDK or the recommender, so it
answers in a fraction of a second. Heavy modules are imported inside the builders below for
that reason. Tests build one per temp database with `build_services(settings, ...)`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from reelmatch.config import Settings, load_settings
from reelmatch.observability import configure_logging, init_error_reporting

if TYPE_CHECKING:
    from reelmatch.cache import Cache
    from reelmatch.catalog import Catalog
    from reelmatch.events import EventSink
    from reelmatch.jobs import Jobs
    from reelmatch.services.analytics import AnalyticsService
    from reelmatch.services.cookie_key import CookieKey
    from reelmatch.services.demo import DemoAccount
    from reelmatch.services.discovery import DiscoveryService
    from reelmatch.services.event_recorder import QueueHealth
    from reelmatch.services.exports import ExportService
    from reelmatch.services.identities import IdentityService
    from reelmatch.services.imports import ImportService
    from reelmatch.services.library import LibraryService
    from reelmatch.services.lists import ListService
    from reelmatch.services.metadata_refresh import MetadataRefresher
    from reelmatch.services.recommendations import RecommendationService
    from reelmatch.services.release_calendar import ReleaseCalendarService
    from reelmatch.services.sessions import SessionService
    from reelmatch.services.stats import PersonalStatsService
    from reelmatch.services.throttle import AttemptThrottle, Scope
    from reelmatch.services.users import UserService
    from reelmatch.store.database import Database

T = TypeVar("T")


class built(Generic[T]):
    """A member built on first use, once per `Services` (thread-safe: sessions are threads)."""

    def __init__(self, build: Callable[[Services], T]) -> None:
        self._build = build
        self.__doc__ = build.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, services: None, owner: type) -> built[T]: ...
    @overload
    def __get__(self, services: Services, owner: type) -> T: ...
    def __get__(self, services: Services | None, owner: type) -> built[T] | T:
        if services is None:
            return self
        made = services.__dict__
        if self._name not in made:
            with services._building:
                if self._name not in made:
                    made[self._name] = self._build(services)
        return made[self._name]  # type: ignore[no-any-return]


class Services:
    """Everything a page or a command uses, built from one Settings."""

    def __init__(
        self,
        settings: Settings,
        *,
        catalog: Catalog | None = None,
        events: EventSink | None = None,
        bcrypt_rounds: int = 12,
    ) -> None:
        self.settings = settings
        self._given_catalog = catalog
        self._given_events = events
        self._bcrypt_rounds = bcrypt_rounds
        self._building = threading.RLock()
        #: Clean-ups for what was built here (a catalog passed in belongs to the caller).
        self.closers: list[Callable[[], None]] = []

    def build_all(self) -> Services:
        """Build every member now (the app: no page pays for a first use, no session races)."""
        for name, member in vars(type(self)).items():
            if isinstance(member, built):
                getattr(self, name)
        return self

    # Infrastructure --------------------------------------------------------------------------

    @built
    def database(self) -> Database:
        from reelmatch.store.database import Database

        return Database.from_url(self.settings.effective_database_url)

    @built
    def events(self) -> EventSink:
        """The batching recorder, or the sink the caller gave (tests: `DiscardEvents()`)."""
        if self._given_events is not None:
            return self._given_events
        from reelmatch.services.event_recorder import EventRecorder

        return EventRecorder(self.database.unit_of_work)

    @built
    def cache(self) -> Cache:
        from reelmatch.cache import build_cache

        cache = build_cache(self.settings)
        self.closers.append(cache.close)
        return cache

    @built
    def catalog(self) -> Catalog:
        """Live TMDB (through the cache) when TMDB credentials are set, else the snapshot."""
        if self._given_catalog is not None:
            return self._given_catalog
        if not self.settings.tmdb_live:  # the snapshot needs neither the cache nor events
            return build_catalog(self.settings)
        return build_catalog(
            self.settings, cache=self.cache, events=self.events, closers=self.closers
        )

    # Services ----------------------------------------------------------------------------

    @built
    def throttle(self) -> AttemptThrottle:
        """Failed logins and sign-ups: in Redis when set (every replica sees them), else in
        the database (which also stands in while Redis is down)."""
        from reelmatch.cache import TwoTierCache
        from reelmatch.services.throttle import AttemptThrottle, Limit, RedisFailures, SqlFailures

        settings, hour = self.settings, 3600.0
        limits: dict[Scope, Limit] = {
            "user": Limit(settings.login_max_failures, settings.login_window),
            "client": Limit(4 * settings.login_max_failures, settings.login_window),
            "signup": Limit(settings.signups_per_hour, hour, base_delay=600.0, max_delay=hour),
        }
        sql = SqlFailures(self.database.unit_of_work)
        link = self.cache.redis_link if isinstance(self.cache, TwoTierCache) else None
        window = max(limit.window for limit in limits.values())
        store = RedisFailures(link, fallback=sql, window=window) if link is not None else sql
        return AttemptThrottle(store, limits=limits)

    @built
    def cookie_key(self) -> CookieKey:
        """The login cookie's signing key, one per installation (`cookie_key()` gives it)."""
        from reelmatch.services.cookie_key import CookieKey

        return CookieKey(self.settings, self.database.unit_of_work)

    @built
    def sessions(self) -> SessionService:
        """Login sessions behind the cookie (revocable; shared through the database)."""
        from reelmatch.services.sessions import SessionService

        return SessionService(
            self.database.unit_of_work, key=self.cookie_key, days=self.settings.session_days
        )

    @built
    def identities(self) -> IdentityService:
        """Sign-in with an OpenID Connect provider; admins mapped from the settings."""
        from reelmatch.services.identities import AdminRule, IdentityService

        admins = AdminRule(
            emails=self.settings.oidc_admin_emails,
            group=self.settings.oidc_admin_group,
            claim=self.settings.oidc_admin_claim,
        )
        return IdentityService(self.database.unit_of_work, users=self.users, admins=admins)

    @built
    def users(self) -> UserService:
        from reelmatch.services.users import UserService

        return UserService(
            self.database.unit_of_work, bcrypt_rounds=self._bcrypt_rounds, throttle=self.throttle
        )

    @built
    def library(self) -> LibraryService:
        from reelmatch.services.library import LibraryService

        return LibraryService(self.database.unit_of_work, catalog=self.catalog, events=self.events)

    @built
    def lists(self) -> ListService:
        from reelmatch.services.lists import ListService

        return ListService(self.database.unit_of_work, catalog=self.catalog)

    @built
    def discovery(self) -> DiscoveryService:
        from reelmatch.services.discovery import DiscoveryService

        return DiscoveryService(
            self.database.unit_of_work, catalog=self.catalog, events=self.events
        )

    @built
    def demo(self) -> DemoAccount:
        from reelmatch.services.demo import DemoAccount

        return DemoAccount(self.database.unit_of_work, users=self.users, library=self.library)

    @built
    def release_calendar(self) -> ReleaseCalendarService:
        from reelmatch.services.release_calendar import ReleaseCalendarService

        users = self.users
        return ReleaseCalendarService(
            self.catalog, self.library.library, lambda user: users.preferences(user).region
        )

    @built
    def imports(self) -> ImportService:
        from reelmatch.catalog.offline import bundled_snapshot
        from reelmatch.services.imports import ImportLimits, ImportService

        return ImportService(
            self.database.unit_of_work,
            catalog=self.catalog,
            events=self.events,
            limits=ImportLimits.from_megabytes(self.settings.max_upload_mb),
            snapshot=bundled_snapshot if self.catalog.mode == "tmdb" else None,
            on_imported=lambda: self.jobs.request_metadata_refresh(),
        )

    @built
    def exports(self) -> ExportService:
        from reelmatch.services.exports import ExportService

        return ExportService(self.library)

    @built
    def analytics(self) -> AnalyticsService:
        from reelmatch.services.analytics import AnalyticsService

        analytics = AnalyticsService(
            self.database.unit_of_work,
            cache=self.cache,
            read_aside=self.database.connection_per_thread,
        )
        self.closers.append(analytics.close)
        return analytics

    @built
    def stats(self) -> PersonalStatsService:
        from reelmatch.services.stats import PersonalStatsService

        return PersonalStatsService(self.database.unit_of_work)

    @built
    def metadata(self) -> MetadataRefresher:
        """Refreshes stale `movies` rows from the catalog (`movies refresh`; the app's thread).
        Paced to a share of `TMDB_RATE_LIMIT`, so pages keep most of the budget."""
        from datetime import timedelta

        from reelmatch.services.metadata_refresh import RATE_LIMIT_SHARE, MetadataRefresher

        return MetadataRefresher(
            self.database.unit_of_work,
            catalog=self.catalog,
            events=self.events,
            max_age=timedelta(days=self.settings.metadata_max_age_days),
            rate=self.settings.tmdb_rate_limit * RATE_LIMIT_SHARE,
        )

    @built
    def recommendations(self) -> RecommendationService:
        """Local and AI recommendations, feedback, movie night; its model trains in the
        `train_model` job (enqueued once enough ratings changed) or on `recommend --retrain`."""
        from reelmatch.llm import OpenAIClient
        from reelmatch.services.recommendations import build_recommendation_service

        ai_client = OpenAIClient.from_settings(self.settings, events=self.events)
        if ai_client is not None:
            self.closers.append(ai_client.close)
        service = build_recommendation_service(
            self.settings,
            unit_of_work=self.database.unit_of_work,
            catalog=self.catalog,
            cache=self.cache,
            events=self.events,
            library=self.library,
            ai_client=ai_client,
        )
        service.keeper.on_due = lambda: self.jobs.request_training()
        return service

    @built
    def jobs(self) -> Jobs:
        """Background jobs: enqueued here, run by `python -m reelmatch worker` with Redis, or
        by this process after `start_background()` without it; their status (Status page)."""
        from reelmatch.cache import TwoTierCache
        from reelmatch.jobs import JobDeps, Jobs

        deps = JobDeps(
            settings=self.settings,
            metadata=self.metadata,
            recommendations=self.recommendations,
            analytics=self.analytics,
            users=self.users,
            catalog=self.catalog,
            demo=self.demo,
            sessions=self.sessions,
        )
        link = self.cache.redis_link if isinstance(self.cache, TwoTierCache) else None
        return Jobs(self.settings, deps, link=link)

    # Lifecycle ---------------------------------------------------------------------------

    def event_queue_health(self) -> QueueHealth | None:
        """The recorder's queue health, or None when events go to a sink of the caller's."""
        from reelmatch.services.event_recorder import EventRecorder

        return self.events.health() if isinstance(self.events, EventRecorder) else None

    def start_background(self) -> None:
        """The app's background work. Without `REDIS_URL`: this process runs the jobs (model
        training, event pruning, and on live TMDB the metadata refresh and cache warm-up) on
        two threads with their schedules. With it: nothing, the worker role runs them and
        this process only enqueues. The CLI and tests do not call this."""
        self.jobs.start_in_app()

    def close(self) -> None:
        """Stop background work, write the queued events, close what was built here, release
        the database. Members never built are left alone."""
        made: dict[str, Any] = self.__dict__
        if "jobs" in made:
            self.jobs.close()
        close_events = getattr(made.get("events"), "close", None)
        if callable(close_events):
            close_events()
        for close in reversed(self.closers):  # the last built first
            close()
        if "database" in made:
            self.database.dispose()


def setup_observability(settings: Settings, *, default_level: str = "INFO") -> None:
    """JSON log lines at `REELMATCH_LOG_LEVEL` (else `default_level`), and Sentry when
    `SENTRY_DSN` is set. Entry points call this once: the app, the CLI."""
    configure_logging(settings.log_level or default_level)
    dsn = settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None
    init_error_reporting(dsn)


def build_catalog(
    settings: Settings,
    *,
    cache: Cache | None = None,
    events: EventSink | None = None,
    closers: list[Callable[[], None]] | None = None,
) -> Catalog:
    """Live TMDB (through the cache) when TMDB credentials are set, else the offline snapshot.
    A live catalog's `close` is added to `closers` when given."""
    if not settings.tmdb_live:
        from reelmatch.catalog.offline import OfflineCatalog

        return OfflineCatalog()
    from reelmatch.cache import TwoTierCache, build_cache, build_rate_limiter
    from reelmatch.catalog.tmdb import TmdbCatalog
    from reelmatch.catalog.tmdb_client import TmdbClient

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
    catalog = TmdbCatalog(client, cache=cache, events=events)
    if closers is not None:
        closers.append(catalog.close)
    return catalog


def build_services(
    settings: Settings | None = None,
    *,
    catalog: Catalog | None = None,
    events: EventSink | None = None,
    bcrypt_rounds: int = 12,
) -> Services:
    """`events` replaces the batching recorder (tests, benchmarks: e.g. `DiscardEvents()`).
    Members are built on first use; `build_all()` builds them all."""
    return Services(
        settings or load_settings(), catalog=catalog, events=events, bcrypt_rounds=bcrypt_rounds
    )
