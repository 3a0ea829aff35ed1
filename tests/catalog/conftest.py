"""Fixtures for catalog tests: the fake TMDB server and live catalogs pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from reelmatch.cache import TtlPolicy, TwoTierCache
from reelmatch.cache.base import DEFAULT_TTLS
from reelmatch.catalog.tmdb import TmdbCatalog
from reelmatch.catalog.tmdb_client import TmdbClient
from tests.support.fake_tmdb import API_KEY, FakeTmdb, fake_tmdb, tmdb_server
from tests.support.redis import private_redis, redis_prefix, redis_url

__all__ = ["fake_tmdb", "private_redis", "redis_prefix", "redis_url", "tmdb_server"]


MakeCatalog = Callable[..., TmdbCatalog]


@pytest.fixture
def make_tmdb_catalog(fake_tmdb: FakeTmdb) -> Iterator[MakeCatalog]:
    """Live catalogs on the fake: quick retries, short timeouts, an in-process cache unless
    one is given."""
    made: list[TmdbCatalog] = []

    def make(*, cache: TwoTierCache | None = None, **options: Any) -> TmdbCatalog:
        settings: dict[str, Any] = {
            "base_url": fake_tmdb.base_url,
            "api_key": API_KEY,
            "retries": 2,
            "timeout": 2.0,
            "backoff": 0.01,
        }
        events = options.pop("events", None)
        settings.update(options)
        client = TmdbClient(events=events, **settings)
        catalog = TmdbCatalog(
            client, cache=cache or TwoTierCache(policy=TtlPolicy(ttls=DEFAULT_TTLS)), events=events
        )
        made.append(catalog)
        return catalog

    yield make
    for catalog in made:
        catalog.close()


@pytest.fixture
def tmdb_catalog(make_tmdb_catalog: MakeCatalog) -> TmdbCatalog:
    return make_tmdb_catalog()
