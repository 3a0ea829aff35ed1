"""The two-tier cache on its own: TTLs, stale-on-error, single-flight, bounds, invalidation."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pytest

from reelmatch.cache import Cached, TwoTierCache
from reelmatch.errors import RateLimited, UpstreamUnavailable
from tests.support.cache_helpers import POLICY, FakeClock, Loader, lookup


def test_miss_then_hit_loads_once_and_counts() -> None:
    cache, load = TwoTierCache(policy=POLICY), Loader()
    first, second = lookup(cache, load), lookup(cache, load)
    assert (first.source, second.source) == ("miss", "hit")
    assert first.value == second.value == {"movies": [1, 2, 3]}
    assert load.calls == 1
    counts = cache.stats()["kinds"]["list"]
    assert (counts["hits"], counts["misses"], counts["stale_hits"], counts["errors"]) == (
        1,
        1,
        0,
        0,
    )
    assert counts["hit_rate"] == 0.5


def test_values_must_be_json_data() -> None:
    @dataclass
    class NotJson:
        x: int

    cache = TwoTierCache(policy=POLICY)
    with pytest.raises(TypeError, match="JSON"):
        cache.set("k", NotJson(1), kind="list")
    with pytest.raises(TypeError, match="JSON"):
        cache.set("k", {1: "int keys are not JSON"}, kind="list")
    cache.set("k", {"tuple": (1, 2)}, kind="list")
    assert cache.get("k") == {"tuple": [1, 2]}  # stored as JSON, read back as JSON


def test_each_kind_has_its_own_ttl() -> None:
    clock = FakeClock()
    cache = TwoTierCache(policy=POLICY, clock=clock)
    cache.set("search", 1, kind="search")
    cache.set("list", 2, kind="list")
    clock.advance(11)
    assert cache.get("search") is None
    assert cache.get("list") == 2
    clock.advance(50)
    assert cache.get("list") is None
    with pytest.raises(ValueError, match="unknown cache kind"):
        cache.set("x", 1, kind="nonsense")
    cache.set("x", 1, kind="recs", ttl=5)
    assert cache.get("x") == 1


def test_expired_entry_is_served_stale_when_loading_fails() -> None:
    clock, load = FakeClock(), Loader()
    cache = TwoTierCache(policy=POLICY, clock=clock)
    lookup(cache, load)
    clock.advance(61 + 120)
    load.fail = UpstreamUnavailable("TMDB is having trouble (HTTP 503).")
    stale = lookup(cache, load)
    assert stale.stale
    assert stale.source == "stale"
    assert stale.value == {"movies": [1, 2, 3]}
    assert stale.age == pytest.approx(181)
    assert stale.error is load.fail
    assert cache.stats()["kinds"]["list"]["stale_hits"] == 1

    clock.advance(1000)  # past the grace period: nothing can stand in any more
    with pytest.raises(UpstreamUnavailable):
        lookup(cache, load)
    assert cache.stats()["kinds"]["list"]["errors"] == 1


def test_rate_limits_also_fall_back_to_stale_but_bugs_do_not() -> None:
    clock, load = FakeClock(), Loader()
    cache = TwoTierCache(policy=POLICY, clock=clock)
    lookup(cache, load)
    clock.advance(100)
    load.fail = RateLimited("budget spent")
    assert lookup(cache, load).stale
    load.fail = KeyError("a bug")
    with pytest.raises(KeyError):
        lookup(cache, load)


def test_a_fresh_load_replaces_the_stale_entry() -> None:
    clock, load = FakeClock(), Loader()
    cache = TwoTierCache(policy=POLICY, clock=clock)
    lookup(cache, load)
    clock.advance(100)
    load.value = {"movies": [9]}
    fresh = lookup(cache, load)
    assert (fresh.source, fresh.value) == ("miss", {"movies": [9]})


def test_fifty_threads_missing_one_key_load_it_once() -> None:
    cache, load = TwoTierCache(policy=POLICY), Loader(delay=0.2)
    start = threading.Barrier(50)
    results: list[Cached[Any]] = []

    def worker() -> None:
        start.wait()
        results.append(lookup(cache, load))

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert load.calls == 1
    assert len(results) == 50
    assert all(r.value == {"movies": [1, 2, 3]} for r in results)
    assert sorted(r.source for r in results).count("miss") == 1
    counts = cache.stats()["kinds"]["list"]
    assert (counts["misses"], counts["hits"]) == (1, 49)


def test_a_failed_single_flight_fails_every_waiter() -> None:
    cache, load = TwoTierCache(policy=POLICY), Loader(delay=0.1)
    load.fail = UpstreamUnavailable("down")
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            lookup(cache, load)
        except UpstreamUnavailable as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 10
    assert load.calls < 10


def test_l1_is_bounded() -> None:
    cache = TwoTierCache(policy=POLICY, l1_size=10)
    for i in range(25):
        cache.set(f"movie:{i}", i, kind="movie")
    assert cache.stats()["l1"]["entries"] == 10
    assert cache.get("movie:24") == 24
    assert cache.get("movie:0") is None


def test_invalidate_a_key_and_a_prefix() -> None:
    cache = TwoTierCache(policy=POLICY)
    for key in ("movie:1", "movie:2", "movies:popular:1"):
        cache.set(key, key, kind="list")
    cache.invalidate("movies:popular:1")
    assert cache.get("movies:popular:1") is None
    cache.invalidate_prefix("movie:")
    assert cache.get("movie:1") is None
    assert cache.get("movie:2") is None
    cache.set("movie:3", 3, kind="movie")
    cache.invalidate_prefix("")
    assert cache.stats()["l1"]["entries"] == 0


def test_decoded_values_are_memoised_per_entry() -> None:
    cache, load = TwoTierCache(policy=POLICY), Loader()
    calls: list[Any] = []

    def decode(value: Any) -> tuple[int, ...]:
        calls.append(value)
        return tuple(value["movies"])

    for _ in range(5):
        assert cache.get_or_load("k", load, kind="list", decode=decode).value == (1, 2, 3)
    assert len(calls) == 1
