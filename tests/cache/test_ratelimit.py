"""The TMDB request limiter: a rolling window per process or shared through Redis, and the
optional daily budget."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from reelmatch.cache import RedisLink, TmdbRequestLimiter
from reelmatch.cache.ratelimit import window_for
from reelmatch.errors import RateLimited
from tests.support.cache_helpers import busiest_second


def admit_from_threads(limiters: list[TmdbRequestLimiter], *, total: int) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()
    per_thread = total // 6

    def worker(limiter: TmdbRequestLimiter) -> None:
        for _ in range(per_thread):
            limiter.acquire()
            with lock:
                times.append(time.monotonic())

    threads = [
        threading.Thread(target=worker, args=(limiters[i % len(limiters)],)) for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


@pytest.mark.parametrize(("rate", "window"), [(40, (40, 1.0)), (10, (10, 1.0)), (0.5, (1, 2.0))])
def test_window_for_rate(rate: float, window: tuple[int, float]) -> None:
    assert window_for(rate) == window


def test_a_burst_up_to_the_limit_is_admitted_at_once() -> None:
    limiter = TmdbRequestLimiter(rate=20)
    waits = [limiter._try_admit() for _ in range(21)]
    assert waits[:20] == [0.0] * 20
    assert waits[20] > 0.9


def test_never_more_than_the_limit_in_any_second() -> None:
    limiter = TmdbRequestLimiter(rate=10)
    times = admit_from_threads([limiter], total=24)
    assert len(times) == 24
    assert busiest_second(times) == 10


def test_too_long_a_wait_is_a_rate_limited_error() -> None:
    limiter = TmdbRequestLimiter(rate=1, max_wait=0.1)
    limiter.acquire()
    with pytest.raises(RateLimited) as caught:
        limiter.acquire()
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 0.5


def test_daily_budget_in_process() -> None:
    limiter = TmdbRequestLimiter(rate=100, daily_budget=3)
    for _ in range(3):
        limiter.acquire()
    with pytest.raises(RateLimited, match="TMDB_DAILY_BUDGET") as caught:
        limiter.acquire()
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= 86400
    assert limiter.stats()["used_today"] == 3


@pytest.fixture
def shared_limiters(redis_url: str, redis_prefix: str) -> Callable[..., list[TmdbRequestLimiter]]:
    def make(count: int, **options: float) -> list[TmdbRequestLimiter]:
        rate = options.pop("rate", 10)
        budget = options.pop("daily_budget", None)
        return [
            TmdbRequestLimiter(
                rate=rate,
                daily_budget=int(budget) if budget else None,
                link=RedisLink(redis_url, prefix=redis_prefix),
            )
            for _ in range(count)
        ]

    return make


@pytest.mark.redis
def test_limiters_sharing_redis_share_one_window(
    shared_limiters: Callable[..., list[TmdbRequestLimiter]],
) -> None:
    limiters = shared_limiters(2, rate=10)
    assert all(limiter.stats()["shared"] for limiter in limiters)
    times = admit_from_threads(limiters, total=24)
    assert len(times) == 24
    assert busiest_second(times) == 10


@pytest.mark.redis
def test_daily_budget_is_shared_through_redis(
    shared_limiters: Callable[..., list[TmdbRequestLimiter]],
) -> None:
    first, second = shared_limiters(2, rate=100, daily_budget=3)
    first.acquire()
    second.acquire()
    first.acquire()
    with pytest.raises(RateLimited, match="budget"):
        second.acquire()
    assert second.used_today() == 3


def test_without_redis_each_process_limits_itself() -> None:
    link = RedisLink("redis://127.0.0.1:1/0", prefix="rm:nowhere:")  # nothing listens there
    limiter = TmdbRequestLimiter(rate=5, link=link)
    for _ in range(5):
        limiter.acquire()
    assert limiter._try_admit() > 0
    assert limiter.stats()["shared"] is False
