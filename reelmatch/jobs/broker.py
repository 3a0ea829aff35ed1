"""The dramatiq broker: Redis when `REDIS_URL` is set, else an in-process stub.

Redis keys live under `{REELMATCH_CACHE_PREFIX}jobs` (`rm:jobs:…`): queues, their messages,
acks, heartbeats and dead letters (dramatiq's), plus our ledger, claims and batch progress.
A worker that stops heartbeating for `REELMATCH_WORKER_HEARTBEAT_TIMEOUT` seconds is dead:
the next command on a queue (maintenance runs on every one; see decisions) moves its
unacknowledged messages back to that queue, so another worker runs them.

Middleware: dramatiq's defaults, with `Retries` set from `REELMATCH_JOB_RETRY_SECONDS` (each
job also sets its own `max_retries` and `max_backoff`, see actors.py).
"""

from __future__ import annotations

import redis
from dramatiq import Broker, Middleware
from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from reelmatch.config import Settings

#: Retries of a job that does not set its own.
DEFAULT_MAX_RETRIES = 5
DEFAULT_MAX_BACKOFF_SECONDS = 900.0
CONNECT_TIMEOUT = 2.0
COMMAND_TIMEOUT = 5.0


def namespace(settings: Settings) -> str:
    return f"{settings.cache_prefix}jobs"


def build_broker(settings: Settings) -> Broker:
    if settings.redis_url is None:
        return StubBroker(middleware=middleware(settings))
    client = redis.Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=COMMAND_TIMEOUT,
        health_check_interval=30,
    )
    return RedisBroker(  # type: ignore[no-untyped-call]
        client=client,
        namespace=namespace(settings),
        middleware=middleware(settings),
        heartbeat_timeout=int(settings.worker_heartbeat_timeout * 1000),
        # Look for dead workers' messages on every command, not one in a thousand: a killed
        # worker's jobs then run elsewhere within about the heartbeat timeout.
        maintenance_chance=MAINTENANCE_SCALE,
    )


def redis_client(broker: Broker) -> redis.Redis | None:
    return broker.client if isinstance(broker, RedisBroker) else None


def middleware(settings: Settings) -> list[Middleware]:
    return [
        AgeLimit(),
        TimeLimit(),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(
            max_retries=DEFAULT_MAX_RETRIES,
            min_backoff=_millis(settings.job_retry_seconds),
            max_backoff=_millis(DEFAULT_MAX_BACKOFF_SECONDS),
        ),
    ]


def _millis(seconds: float) -> int:
    return max(1, int(seconds * 1000))
