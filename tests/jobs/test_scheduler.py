"""The scheduler: with workers sharing Redis claims, each period of each schedule is
enqueued once, whichever worker looks first; a period that could not be sent is tried again."""

from __future__ import annotations

import pytest
import redis

from reelmatch.jobs import PRUNE_EVENTS, TRAIN_MODEL
from reelmatch.jobs.claims import MemoryClaims, RedisClaims
from reelmatch.jobs.scheduler import Schedule, Scheduler

pytestmark = pytest.mark.redis


class SharedClock(RedisClaims):
    """Claims in the real Redis, on a clock the test moves."""

    now_value = 1_000_000.0

    def now(self) -> float:
        return SharedClock.now_value


def test_two_schedulers_enqueue_each_period_once(redis_url: str, redis_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    sent: list[tuple[str, int]] = []
    schedulers = [
        Scheduler(
            [Schedule(TRAIN_MODEL, 10.0), Schedule(PRUNE_EVENTS, 30.0)],
            claims=SharedClock(client, namespace=f"{redis_prefix}jobs", holder=name),
            send=lambda job, index: sent.append((job, index)),
        )
        for name in ("one", "two")
    ]
    for step in range(12):  # a minute in 5-second steps, each scheduler ticking twice
        SharedClock.now_value = 1_000_000.0 + 5 * step
        for scheduler in schedulers * 2:
            scheduler.tick()
    client.close()

    assert sorted(sent) == sorted(set(sent))  # no period twice
    assert [i for job, i in sent if job == TRAIN_MODEL] == list(range(100_000, 100_006))
    assert [i for job, i in sent if job == PRUNE_EVENTS] == [33_333, 33_334, 33_335]


def test_a_worker_starting_mid_period_runs_that_period_unless_taken() -> None:
    claims = MemoryClaims()
    sent: list[str] = []
    first = Scheduler([Schedule(TRAIN_MODEL, 3600.0)], claims=claims,
                      send=lambda job, index: sent.append(job))  # fmt: skip
    later = Scheduler([Schedule(TRAIN_MODEL, 3600.0)], claims=claims,
                      send=lambda job, index: sent.append(job))  # fmt: skip
    assert first.tick() == [TRAIN_MODEL]  # a fresh installation trains right away
    assert later.tick() == []
    assert sent == [TRAIN_MODEL]


def test_a_period_whose_job_could_not_be_sent_is_tried_again(
    redis_url: str, redis_prefix: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    attempts: list[int] = []

    def send(job: str, index: int) -> None:
        attempts.append(index)
        if len(attempts) == 1:
            raise redis.ConnectionError("Redis went away")

    scheduler = Scheduler(
        [Schedule(TRAIN_MODEL, 60.0)],
        claims=SharedClock(client, namespace=f"{redis_prefix}jobs", holder="one"),
        send=send,
    )
    SharedClock.now_value = 2_000_000.0
    with pytest.raises(redis.ConnectionError):
        scheduler.tick()
    assert scheduler.tick() == [TRAIN_MODEL]
    assert scheduler.tick() == []
    assert attempts == [33_333, 33_333]
    client.close()
