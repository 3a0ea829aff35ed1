"""One Redis connection pool for the cache, the rate limiter and invalidation, with a circuit
breaker: when Redis stops answering, callers get their fallback at once instead of waiting on
timeouts, the outage is logged once, and Redis is tried again every `retry_interval` seconds
until it answers (then logged once more)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from reelmatch.config import masked_url

log = logging.getLogger("reelmatch.cache")
T = TypeVar("T")

CONNECT_TIMEOUT = 0.25
COMMAND_TIMEOUT = 0.5


class RedisLink:
    def __init__(
        self,
        url: str,
        *,
        prefix: str,
        retry_interval: float = 1.0,
        client: redis.Redis | None = None,
    ) -> None:
        self.url = url
        self.prefix = prefix
        self.retry_interval = retry_interval
        # No client-side retries: a failed command falls back to L1 instead of blocking.
        self.client = client or redis.Redis.from_url(
            url,
            socket_connect_timeout=CONNECT_TIMEOUT,
            socket_timeout=COMMAND_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=30,
        )
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0
        self.errors = 0

    def key(self, logical: str) -> str:
        return self.prefix + logical

    @property
    def available(self) -> bool:
        """False while Redis is known to be down and it is not yet time to try again."""
        return self._down_since is None or time.monotonic() >= self._next_try

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def call(self, operation: Callable[[redis.Redis], T], fallback: T) -> T:
        """`operation(client)`, or `fallback` when Redis is down or fails."""
        if not self.available:
            return fallback
        try:
            result = operation(self.client)
        except (redis.RedisError, OSError) as error:
            self.mark_down(error)
            return fallback
        self.mark_up()
        return result

    def mark_down(self, error: BaseException) -> None:
        with self._lock:
            self.errors += 1
            self._next_try = time.monotonic() + self.retry_interval
            if self._down_since is not None:
                return
            self._down_since = time.monotonic()
        log.warning(
            "Redis at %s is unreachable (%s); using the in-process cache until it returns",
            masked_url(self.url),
            type(error).__name__,
        )

    def mark_up(self) -> None:
        if self._down_since is None:
            return
        since = self._take_down_since()
        if since is not None:
            outage = time.monotonic() - since
            log.warning("Redis at %s is back after %.1f s", masked_url(self.url), outage)

    def _take_down_since(self) -> float | None:
        with self._lock:
            since, self._down_since = self._down_since, None
        return since

    def close(self) -> None:
        self.client.close()
