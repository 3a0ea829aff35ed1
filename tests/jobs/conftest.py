"""Services with their job system, offline or on the loopback fake TMDB, with or without the
test Redis (under a prefix of the test's own, so no test sees another's queues)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import load_settings
from tests.support.fake_tmdb import API_KEY, FakeTmdb, fake_tmdb, tmdb_server
from tests.support.redis import redis_prefix, redis_url

__all__ = ["fake_tmdb", "redis_prefix", "redis_url", "tmdb_server"]

Make = Callable[..., Services]


def eventually(condition: Callable[[], bool], *, within: float = 20.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def make(db_url: str, tmp_path: Path, offline_catalog: OfflineCatalog) -> Iterator[Make]:
    """`make(live=fake_tmdb, **settings)` builds services (closed after the test); offline
    unless given the fake TMDB. Retries of failed jobs start at 50 ms."""
    built: list[Services] = []

    def build(*, live: FakeTmdb | None = None, **overrides: Any) -> Services:
        options: dict[str, Any] = {
            "DATABASE_URL": db_url,
            "REELMATCH_DATA_DIR": str(tmp_path / "var"),
            "REELMATCH_JOB_RETRY_SECONDS": 0.05,
        }
        if live is not None:
            options.update(
                TMDB_API_KEY=API_KEY, TMDB_API_BASE=live.base_url, REELMATCH_TMDB_RETRIES=0
            )
        options.update(overrides)
        catalog = None if live is not None else offline_catalog
        services = build_services(load_settings(**options), catalog=catalog, bcrypt_rounds=4)
        built.append(services)
        return services

    yield build
    for services in reversed(built):
        services.close()
