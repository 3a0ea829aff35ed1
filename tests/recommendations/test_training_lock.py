"""The training lock in Redis: one holder at a time, kept while the holder works however long
that takes, freed soon after a holder dies, and never released by a holder that lost it."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from reelmatch.cache import RedisLink
from reelmatch.services.recommendations import RedisModelStore

pytestmark = pytest.mark.redis


def store(redis_url: str, prefix: str, *, lock_seconds: float) -> RedisModelStore:
    return RedisModelStore(RedisLink(redis_url, prefix=prefix), lock_seconds=lock_seconds)


def test_the_lock_is_extended_while_its_holder_works(redis_url: str, redis_prefix: str) -> None:
    trainer = store(redis_url, redis_prefix, lock_seconds=0.3)
    other = store(redis_url, redis_prefix, lock_seconds=0.3)
    with trainer.training_lock() as held:
        assert held
        time.sleep(1.0)  # three times the timeout: only extension keeps it
        with other.training_lock() as also:
            assert not also
    with other.training_lock() as after:
        assert after


def test_a_dead_holders_lock_expires(redis_url: str, redis_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    name = f"{redis_prefix}model:hybrid:lock"
    # What a killed trainer leaves behind: a token lock nobody extends any more.
    assert client.lock(name, timeout=0.3, blocking=False).acquire()
    survivor = store(redis_url, redis_prefix, lock_seconds=0.3)
    with survivor.training_lock() as held:
        assert not held
    time.sleep(0.4)
    with survivor.training_lock() as held:
        assert held
    client.close()


def test_a_holder_that_lost_the_lock_leaves_the_new_holders_alone(
    redis_url: str, redis_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = redis.Redis.from_url(redis_url)
    name = f"{redis_prefix}model:hybrid:lock"
    trainer = store(redis_url, redis_prefix, lock_seconds=30)
    with trainer.training_lock() as held:
        assert held
        # Its lock expired (a long pause) and another process took it since.
        client.set(name, "someone-else", px=30_000)
    assert client.get(name) == b"someone-else"  # the old holder's release checked the token
    assert "expired before it was released" in caplog.text
    client.close()


def test_concurrent_attempts_let_exactly_one_in(redis_url: str, redis_prefix: str) -> None:
    stores = [store(redis_url, redis_prefix, lock_seconds=5) for _ in range(8)]
    inside: list[bool] = []
    start = threading.Barrier(len(stores))

    def attempt(one: RedisModelStore) -> None:
        start.wait()
        with one.training_lock() as held:
            inside.append(held)
            time.sleep(0.2)

    threads = [threading.Thread(target=attempt, args=(one,)) for one in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(inside) == [False] * 7 + [True]
