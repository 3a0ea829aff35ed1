"""Services wired like the app's, with a small world of users who rated real snapshot movies,
optionally with AI picks from the loopback fake OpenAI server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import Settings, load_settings
from reelmatch.domain import Preferences, User
from reelmatch.store.uow import UnitOfWork
from tests.support.events import RecordingEvents
from tests.support.fake_openai import FakeOpenAI
from tests.support.fake_tmdb import fake_tmdb, tmdb_server
from tests.support.live import live
from tests.support.redis import redis_prefix, redis_url

__all__ = ["fake_tmdb", "live", "redis_prefix", "redis_url", "tmdb_server"]

GODFATHER, PULP, MATRIX, INCEPTION, FIGHT_CLUB, DARK_KNIGHT = 238, 680, 603, 27205, 550, 155
ALIEN, ALIENS, TERMINATOR, CASINO, GOODFELLAS, SHAWSHANK = 348, 679, 218, 524, 769, 278
TITANIC, NOTEBOOK, PRIDE = 597, 11036, 4348

#: Three tastes: crime (alice), science fiction (bob), romance (carol).
TASTES: dict[str, dict[int, float]] = {
    "alice": {GODFATHER: 5.0, PULP: 4.5, CASINO: 4.5, GOODFELLAS: 4.0, TITANIC: 1.5},
    "bob": {MATRIX: 5.0, ALIEN: 4.5, ALIENS: 4.5, TERMINATOR: 4.0, INCEPTION: 4.5, NOTEBOOK: 1.0},
    "carol": {TITANIC: 5.0, NOTEBOOK: 4.5, PRIDE: 4.5, SHAWSHANK: 4.0, ALIEN: 1.5},
}


@dataclass
class World:
    services: Services
    events: RecordingEvents
    users: dict[str, User]

    @property
    def recs(self) -> Any:
        return self.services.recommendations

    def __getitem__(self, name: str) -> User:
        return self.users[name]


def seed(services: Services, *, opt_in: tuple[str, ...] = ()) -> dict[str, User]:
    users = {}
    for name, ratings in TASTES.items():
        user = services.users.create_user(username=name, password=f"{name}-password")
        for movie_id, stars in ratings.items():
            services.library.rate_movie(user, movie_id, stars)
        if name in opt_in:
            services.users.save_preferences(user, Preferences(movie_night_opt_in=True))
        users[name] = user
    return users


@pytest.fixture
def make_services(
    db_url: str, tmp_path: Path, offline_catalog: OfflineCatalog
) -> Iterator[Callable[..., tuple[Services, RecordingEvents]]]:
    """Builds services on the test database; keyword arguments are settings."""
    built: list[Services] = []

    def make(**overrides: Any) -> tuple[Services, RecordingEvents]:
        options: dict[str, Any] = {
            "DATABASE_URL": db_url,
            "REELMATCH_DATA_DIR": str(tmp_path / "var"),
        }
        options.update(overrides)
        settings: Settings = load_settings(**options)
        events = RecordingEvents()
        services = build_services(settings, catalog=offline_catalog, events=events, bcrypt_rounds=4)
        built.append(services)
        return services, events

    yield make
    for services in built:
        services.close()


@pytest.fixture
def world(make_services: Callable[..., tuple[Services, RecordingEvents]]) -> World:
    """Three users with a model trained on their ratings; no OpenAI key."""
    services, events = make_services()
    users = seed(services, opt_in=("alice", "bob"))
    services.recommendations.retrain()
    return World(services, events, users)


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def ai_world(
    make_services: Callable[..., tuple[Services, RecordingEvents]], fake_openai: FakeOpenAI
) -> World:
    """The same world with AI picks from the fake OpenAI server (no retries, 2 s timeout)."""
    services, events = make_services(
        OPENAI_API_KEY="sk-test-0123456789abcdef",
        OPENAI_BASE_URL=fake_openai.base_url,
        OPENAI_MAX_RETRIES=0,
        OPENAI_TIMEOUT=2,
    )
    users = seed(services)
    services.recommendations.retrain()
    return World(services, events, users)


def rows(world: World, query: Any) -> list[Any]:
    """ORM rows of `query`, detached so they can be read after the session ends."""
    with UnitOfWork(world.services.database, read_only=True) as uow:
        found = list(uow.session.scalars(query))
        uow.session.expunge_all()
    return found
