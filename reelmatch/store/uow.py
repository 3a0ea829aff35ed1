"""The unit of work: owns one session, exposes the repositories, and is the only thing that
commits. Leaving the `with` block without `commit()` rolls everything back."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from sqlalchemy.exc import OperationalError

from reelmatch.errors import UpstreamUnavailable
from reelmatch.store.database import Database
from reelmatch.store.repositories import (
    LibraryRepository,
    MovieRepository,
    PreferenceRepository,
    RecommendationRepository,
    StoredRunRepository,
    UserRepository,
)
from reelmatch.store.repositories.accounts import (
    AuthFailureRepository,
    IdentityRepository,
    SessionRepository,
)
from reelmatch.store.repositories.analytics import AnalyticsRepository
from reelmatch.store.repositories.analytics_system import SystemAnalyticsRepository
from reelmatch.store.repositories.app_secrets import AppSecretRepository
from reelmatch.store.repositories.events import EventRepository
from reelmatch.store.repositories.lists import ListRepository
from reelmatch.store.repositories.rollups import RollupRepository
from reelmatch.store.repositories.sandboxes import SandboxRepository
from reelmatch.store.repositories.stats import StatsRepository


class UowFactory(Protocol):
    """What services are given instead of the database: each call opens a new unit of work
    (`Database.unit_of_work` in the composition root; a test may pass its own)."""

    def __call__(self, read_only: bool = False) -> UnitOfWork: ...


class UnitOfWork:
    def __init__(self, database: Database, *, read_only: bool = False) -> None:
        self._database = database
        self._read_only = read_only

    def __enter__(self) -> UnitOfWork:
        self.session = self._database.session(read_only=self._read_only)
        self.dialect = self._database.dialect
        self.users = UserRepository(self.session)
        self.preferences = PreferenceRepository(self.session)
        self.movies = MovieRepository(self.session)
        self.library = LibraryRepository(self.session)
        self.recommendations = RecommendationRepository(self.session)
        self.stored_runs = StoredRunRepository(self.session)
        self.auth_failures = AuthFailureRepository(self.session)
        self.sessions = SessionRepository(self.session)
        self.identities = IdentityRepository(self.session)
        self.app_secrets = AppSecretRepository(self.session)
        self.stats = StatsRepository(self.session)
        self.events = EventRepository(self.session)
        self.analytics = AnalyticsRepository(self.session)
        self.system_analytics = SystemAnalyticsRepository(self.session)
        self.lists = ListRepository(self.session)
        self.sandboxes = SandboxRepository(self.session)
        self.rollups = RollupRepository(self.session)
        return self

    def commit(self) -> None:
        try:
            self.session.commit()
        except OperationalError as error:
            self.session.rollback()
            raise UpstreamUnavailable("The database is not available right now.") from error

    def rollback(self) -> None:
        self.session.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if self.session.in_transaction():
                self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, OperationalError):
            raise UpstreamUnavailable("The database is not available right now.") from exc
