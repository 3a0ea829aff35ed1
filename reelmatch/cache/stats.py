"""Hit, miss, stale-hit and error counters per kind of value.

Counting is a dict increment under a lock. With Redis the counts are also added to one shared
hash every few seconds (and on `flush()`), so `cache stats` run from another process sees the
totals of every process; without Redis only this process's counts exist.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import redis

from reelmatch.cache.redis_link import RedisLink

FIELDS = ("hits", "misses", "stale_hits", "errors")
FLUSH_SECONDS = 5.0


class CacheCounters:
    def __init__(self, link: RedisLink | None = None) -> None:
        self._link = link
        self._lock = threading.Lock()
        self._local: Counter[str] = Counter()
        self._pending: Counter[str] = Counter()
        self._last_flush = time.monotonic()

    def count(self, kind: str, field: str) -> None:
        name = f"{kind}:{field}"
        with self._lock:
            self._local[name] += 1
            self._pending[name] += 1
            due = time.monotonic() - self._last_flush >= FLUSH_SECONDS
        if due and self._link is not None:
            self.flush()

    def flush(self) -> None:
        link = self._link
        if link is None:
            return
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._last_flush = time.monotonic()
        if not pending:
            return

        def add(client: redis.Redis) -> bool:
            pipe = client.pipeline(transaction=False)
            for name, amount in pending.items():
                pipe.hincrby(link.key("stats"), name, amount)
            pipe.execute()
            return True

        if not link.call(add, False):
            with self._lock:
                self._pending.update(pending)  # try again later

    def local(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return _by_kind(dict(self._local))

    def shared(self) -> dict[str, dict[str, int]] | None:
        """Totals of every process sharing this Redis (None without Redis or when it is down)."""
        link = self._link
        if link is None:
            return None
        self.flush()
        raw = link.call(lambda r: r.hgetall(link.key("stats")), None)
        if raw is None:
            return None
        return _by_kind({_text(k): int(v) for k, v in raw.items()})

    def reset_shared(self) -> None:
        link = self._link
        if link is not None:
            link.call(lambda r: r.delete(link.key("stats")), 0)
        with self._lock:
            self._local.clear()
            self._pending.clear()


def _by_kind(flat: dict[str, int]) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for name, value in flat.items():
        kind, _, field = name.rpartition(":")
        result.setdefault(kind, dict.fromkeys(FIELDS, 0))[field] = value
    return result


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def hit_rate(counts: dict[str, int]) -> float | None:
    served = counts["hits"] + counts["misses"] + counts["stale_hits"]
    return None if served == 0 else (counts["hits"] + counts["stale_hits"]) / served


def summary(kinds: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {kind: {**counts, "hit_rate": hit_rate(counts)} for kind, counts in kinds.items()}
