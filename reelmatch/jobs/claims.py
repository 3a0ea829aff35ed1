"""Claims: "I take this" for one key, once, for a while. The scheduler claims each period of
each schedule (`sched:{job}:{every}:{index}`), so one worker in the whole installation enqueues
it; `Jobs.request` claims `pending:{job}`, so a burst of requests enqueues one job.

In Redis (`SET key worker NX EX seconds`, under the broker's namespace, with Redis `TIME` as
the clock every worker shares) or in this process's memory when there is no Redis.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis


class Claims(Protocol):
    def claim(self, key: str, *, seconds: float) -> bool:
        """True for the one caller that claimed `key` first (until it expires or is released)."""
        ...

    def release(self, key: str) -> None: ...

    def now(self) -> float:
        """Epoch seconds on the clock every claimant shares."""
        ...


class RedisClaims:
    def __init__(self, client: redis.Redis, *, namespace: str, holder: str) -> None:
        self._client = client
        self._prefix = f"{namespace}:"
        self._holder = holder

    def claim(self, key: str, *, seconds: float) -> bool:
        millis = max(1, int(seconds * 1000))
        return bool(self._client.set(self._prefix + key, self._holder, nx=True, px=millis))

    def release(self, key: str) -> None:
        self._client.delete(self._prefix + key)

    def now(self) -> float:
        seconds, micros = self._client.time()
        return float(seconds) + micros / 1_000_000


class MemoryClaims:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}

    def claim(self, key: str, *, seconds: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._until.get(key, 0.0) > now:
                return False
            self._until[key] = now + seconds
            return True

    def release(self, key: str) -> None:
        with self._lock:
            self._until.pop(key, None)

    def now(self) -> float:
        return time.time()
