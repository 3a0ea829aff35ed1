"""The cache with Redis: sharing between processes, cross-process single-flight, pub/sub
invalidation, shared counters, and surviving Redis going away and coming back."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from reelmatch.cache import RedisLink, TwoTierCache
from tests.support.cache_helpers import POLICY, Loader, lookup
from tests.support.redis import PrivateRedis

pytestmark = pytest.mark.redis


@pytest.fixture
def make_cache(redis_url: str, redis_prefix: str) -> Iterator[Callable[..., TwoTierCache]]:
    """Builds caches that share one Redis prefix, each as if in its own process."""
    made: list[TwoTierCache] = []

    def make(url: str = redis_url, **options: Any) -> TwoTierCache:
        link = RedisLink(url, prefix=redis_prefix, retry_interval=0.2)
        cache = TwoTierCache(policy=POLICY, redis=link, **options)
        made.append(cache)
        return cache

    yield make
    for cache in made:
        cache.close()


def wait_until(condition: Callable[[], bool], *, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_value_loaded_by_one_process_is_a_hit_in_another(
    make_cache: Callable[..., TwoTierCache], redis_url: str, redis_prefix: str
) -> None:
    first, second, load = make_cache(), make_cache(), Loader()
    assert lookup(first, load).source == "miss"
    assert lookup(second, load).source == "hit"
    assert load.calls == 1
    raw = redis.Redis.from_url(redis_url).get(f"{redis_prefix}movies:popular:1")
    assert raw is not None
    assert b'"movies":[1,2,3]' in raw


def test_many_threads_in_two_processes_load_once(
    make_cache: Callable[..., TwoTierCache],
) -> None:
    caches, load = [make_cache(), make_cache()], Loader(delay=0.3)
    start = threading.Barrier(40)
    sources: list[str] = []

    def worker(cache: TwoTierCache) -> None:
        start.wait()
        sources.append(lookup(cache, load).source)

    threads = [threading.Thread(target=worker, args=(caches[i % 2],)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert load.calls == 1
    assert sorted(sources) == ["hit"] * 39 + ["miss"]


def test_invalidation_reaches_the_other_process_l1(
    make_cache: Callable[..., TwoTierCache],
) -> None:
    writer, reader = make_cache(), make_cache()
    writer.set("movie:550", {"title": "old"}, kind="movie")
    assert lookup(reader, Loader(), "movie:550").value == {"title": "old"}  # now in reader's L1
    assert reader._listener is not None
    assert reader._listener.subscribed.wait(5)

    writer.invalidate("movie:550")
    writer.set("movie:550", {"title": "new"}, kind="movie")
    assert wait_until(lambda: reader.get("movie:550") == {"title": "new"})

    writer.set("movie:1", 1, kind="movie")
    assert reader.get("movie:1") == 1
    assert writer.invalidate_prefix("movie:") == 2
    assert wait_until(lambda: reader.get("movie:1") is None)


def test_counters_are_shared_through_redis(make_cache: Callable[..., TwoTierCache]) -> None:
    app, cli = make_cache(), make_cache()
    load = Loader()
    lookup(app, load)
    lookup(app, load)
    app.counters.flush()
    stats = cli.stats()
    assert stats["scope"] == "all processes"
    assert stats["kinds"]["list"]["hits"] == 1
    assert stats["kinds"]["list"]["misses"] == 1
    assert stats["this_process"] == {}
    assert stats["redis"]["available"] is True


def test_redis_going_away_falls_back_to_l1_and_recovers(
    make_cache: Callable[..., TwoTierCache],
    private_redis: PrivateRedis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache, load = make_cache(private_redis.url), Loader()
    lookup(cache, load, "movies:popular:1")
    private_redis.stop()

    with caplog.at_level(logging.WARNING, logger="reelmatch.cache"):
        assert lookup(cache, load, "movies:popular:1").source == "hit"  # from L1
        for page in range(2, 6):  # new keys load and are served from L1
            assert lookup(cache, load, f"movies:popular:{page}").source == "miss"
            assert lookup(cache, load, f"movies:popular:{page}").source == "hit"
        cache.invalidate("movies:popular:2")
        assert cache.stats()["redis"]["available"] is False
    unreachable = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(unreachable) == 1
    assert load.calls == 5

    private_redis.start()  # same port, empty
    time.sleep(0.3)  # past the retry interval
    with caplog.at_level(logging.WARNING, logger="reelmatch.cache"):
        assert lookup(cache, load, "movies:popular:9").source == "miss"
    assert any("is back" in r.getMessage() for r in caplog.records)
    direct = redis.Redis.from_url(private_redis.url)
    assert wait_until(lambda: bool(direct.keys("*movies:popular:9")))
    assert cache.stats()["redis"]["available"] is True
