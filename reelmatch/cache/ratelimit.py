"""How many requests may go to TMDB: a rate limit shared by every process, and an optional
daily budget.

The rate limit admits at most `limit` requests in any rolling window of `limit / rate`
seconds (40 per second by default). Unlike a token bucket with a burst, this never lets a
1-second window see more than the limit, yet still admits a 20-request fan-out at once (see
docs/decisions.md). With Redis the window is a sorted set updated by one Lua script, so all
processes share it; without Redis (or while Redis is down) each process keeps its own.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from reelmatch.cache.redis_link import RedisLink
from reelmatch.errors import RateLimited

#: Extra window length that absorbs network jitter between admitting a request here and its
#: arrival at TMDB, so the upstream never counts more than the limit in one second.
JITTER_MARGIN = 0.1
MAX_WAIT = 5.0

# KEYS[1] window set; ARGV: limit, window in microseconds, unique member. Returns 0 when
# admitted, else the microseconds until the oldest request leaves the window.
_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
"""

# KEYS[1] today's counter; ARGV[1] budget. Returns the new count, or -1 when spent.
_BUDGET = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return -1 end
used = redis.call('INCR', KEYS[1])
if used == 1 then redis.call('EXPIRE', KEYS[1], 172800) end
return used
"""


class RateLimiter(Protocol):
    def acquire(self) -> None:
        """Block until one request may go out; raise `RateLimited` when it may not soon."""
        ...

    def stats(self) -> dict[str, Any]: ...


def window_for(rate: float) -> tuple[int, float]:
    """(requests, seconds) for a rate: 40/s -> 40 per 1 s; 0.5/s -> 1 per 2 s."""
    limit = max(1, math.floor(rate))
    return limit, limit / rate


class LocalWindow:
    """The rolling window for one process."""

    def __init__(self, *, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self._admitted: deque[float] = deque()
        self._lock = threading.Lock()

    def try_admit(self) -> float:
        """0 if admitted now, else the seconds to wait before trying again."""
        with self._lock:
            now = time.monotonic()
            while self._admitted and self._admitted[0] <= now - self.seconds:
                self._admitted.popleft()
            if len(self._admitted) < self.limit:
                self._admitted.append(now)
                return 0.0
            return max(1e-4, self._admitted[0] + self.seconds - now)


class TmdbRequestLimiter:
    """The limiter the TMDB client calls before every request (retries included)."""

    def __init__(
        self,
        *,
        rate: float,
        daily_budget: int | None = None,
        link: RedisLink | None = None,
        name: str = "tmdb",
        max_wait: float = MAX_WAIT,
    ) -> None:
        self.rate, self.daily_budget, self.max_wait = rate, daily_budget, max_wait
        self.limit, window = window_for(rate)
        self.window_seconds = window + JITTER_MARGIN
        self._local = LocalWindow(limit=self.limit, seconds=self.window_seconds)
        self._link = link
        self._name = name
        self._budget_lock = threading.Lock()
        self._local_budget: dict[str, int] = {}
        if link is not None:
            self._window_script = link.client.register_script(_WINDOW)
            self._budget_script = link.client.register_script(_BUDGET)

    def acquire(self) -> None:
        self._spend_budget()
        waited = 0.0
        while True:
            wait = self._try_admit()
            if wait <= 0:
                return
            if waited + wait > self.max_wait:
                raise RateLimited(
                    "Too many requests to TMDB right now; try again in a moment.",
                    retry_after=wait,
                )
            time.sleep(wait)
            waited += wait

    def stats(self) -> dict[str, Any]:
        return {
            "rate_per_second": self.rate,
            "window": f"{self.limit} requests per {self.window_seconds:.2f} s",
            "shared": self._link is not None and not self._link.down,
            "daily_budget": self.daily_budget,
            "used_today": self.used_today(),
        }

    def used_today(self) -> int | None:
        day = _today()
        if self._link is not None:
            link = self._link
            key = link.key(f"budget:{self._name}:{day}")
            raw: Any = link.call(lambda r: r.get(key), None)
            if raw is not None:
                return int(raw)
        with self._budget_lock:
            return self._local_budget.get(day, 0)

    # Internals --------------------------------------------------------------------------------

    def _try_admit(self) -> float:
        link = self._link
        if link is None:
            return self._local.try_admit()
        key = link.key(f"ratelimit:{self._name}")
        member = secrets.token_hex(8)
        window_us = int(self.window_seconds * 1_000_000)
        waited = link.call(
            lambda r: int(self._window_script(keys=[key], args=[self.limit, window_us, member])),
            None,
        )
        if waited is None:  # Redis is down: this process limits itself
            return self._local.try_admit()
        return waited / 1_000_000

    def _spend_budget(self) -> None:
        budget = self.daily_budget
        if budget is None:
            return
        day = _today()
        used: int | None = None
        if self._link is not None:
            link = self._link
            key = link.key(f"budget:{self._name}:{day}")
            used = link.call(lambda r: int(self._budget_script(keys=[key], args=[budget])), None)
        if used is None:
            used = self._spend_local_budget(day)
        if used < 0:
            raise RateLimited(
                f"The daily TMDB request budget ({self.daily_budget}, TMDB_DAILY_BUDGET) is "
                "spent; showing saved data until it resets at midnight UTC.",
                retry_after=_seconds_to_midnight(),
            )

    def _spend_local_budget(self, day: str) -> int:
        assert self.daily_budget is not None
        with self._budget_lock:
            used = self._local_budget.get(day, 0)
            if used >= self.daily_budget:
                return -1
            self._local_budget = {day: used + 1}
            return used + 1


def _today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def _seconds_to_midnight() -> float:
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()
