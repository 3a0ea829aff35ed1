"""Fixtures shared by the whole suite: isolated settings, databases on SQLite and PostgreSQL,
services wired the way the app wires them."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import Settings, load_settings
from reelmatch.store.migrate import upgrade
from tests.support.services import postgres_url_for_schema, reachable_postgres, require_services

ROOT = Path(__file__).resolve().parent.parent

# Settings come from the environment; a developer's own keys and databases must not leak in.
_SCRUBBED = (
    "DATABASE_URL",
    "REDIS_URL",
    "TMDB_API_KEY",
    "TMDB_READ_ACCESS_TOKEN",
    "TMDB_API_BASE",
    "TMDB_RATE_LIMIT",
    "TMDB_DAILY_BUDGET",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_MODEL",
    "OPENAI_TIMEOUT",
    "OPENAI_MAX_RETRIES",
    "OPENAI_PRICES",
    "REELMATCH_COOKIE_KEY",
    "REELMATCH_DATA_DIR",
    "REELMATCH_ALLOW_SIGNUP",
    "REELMATCH_HOST",
    "REELMATCH_PORT",
    "REELMATCH_LOGIN_MAX_FAILURES",
    "REELMATCH_LOGIN_WINDOW",
    "REELMATCH_SIGNUPS_PER_HOUR",
    "REELMATCH_SESSION_DAYS",
    "REELMATCH_CACHE_PREFIX",
    "REELMATCH_CACHE_L1_SIZE",
    "REELMATCH_CACHE_TTL_LISTS",
    "REELMATCH_CACHE_TTL_MOVIES",
    "REELMATCH_CACHE_TTL_REFERENCE",
    "REELMATCH_CACHE_TTL_SEARCH",
    "REELMATCH_CACHE_STALE_GRACE",
    "REELMATCH_TMDB_TIMEOUT",
    "REELMATCH_TMDB_RETRIES",
    "REELMATCH_TMDB_CONCURRENCY",
    "REELMATCH_MAX_UPLOAD_MB",
    "REELMATCH_LOG_LEVEL",
    "SENTRY_DSN",
    "REELMATCH_METADATA_REFRESH",
    "REELMATCH_METADATA_MAX_AGE_DAYS",
    "REELMATCH_AI_DAILY_BUDGET",
    "REELMATCH_RECS_TTL",
    "REELMATCH_RETRAIN_AFTER_RATINGS",
    "REELMATCH_RETRAIN_CHECK_SECONDS",
    "REELMATCH_WORKER_THREADS",
    "REELMATCH_WORKER_PROCESSES",
    "REELMATCH_WORKER_HEARTBEAT_TIMEOUT",
    "REELMATCH_JOB_RETRY_SECONDS",
    "REELMATCH_EVENTS_RETENTION_DAYS",
)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REELMATCH_SECRETS_FILE", str(tmp_path / "no-secrets.toml"))
    monkeypatch.setenv("REELMATCH_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def offline_catalog() -> OfflineCatalog:
    """The bundled snapshot, loaded once (it is read-only)."""
    return OfflineCatalog()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; each test gets a copy (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for this test run, migrated once, dropped at the end."""
    base = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    if not reachable_postgres(base):
        require_services("PostgreSQL", base)
        pytest.skip(f"PostgreSQL is not reachable at TEST_DATABASE_URL ({base})")
    schema = f"rm_test_{uuid.uuid4().hex[:10]}"
    url, drop = postgres_url_for_schema(base, schema)
    upgrade(url)
    try:
        yield url
    finally:
        drop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A migrated, empty database: a SQLite copy, or the run's PostgreSQL schema emptied
    after the test."""
    if request.param == "sqlite":
        path = tmp_path / "reelmatch.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_schema_url")
    yield url
    from tests.support.services import truncate_all

    truncate_all(url)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return load_settings(DATABASE_URL=db_url, REELMATCH_DATA_DIR=str(tmp_path / "var"))


@pytest.fixture
def services(settings: Settings, offline_catalog: OfflineCatalog) -> Iterator[Services]:
    built = build_services(settings, catalog=offline_catalog, bcrypt_rounds=4)
    yield built
    built.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Expose each phase's report on the test item (browser tests screenshot failures)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """`configure_logging` (run by the CLI and the app) sets the `reelmatch` logger's level and
    handler for the whole process; put them back so one test cannot mute another's logs."""
    logger = logging.getLogger("reelmatch")
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers
