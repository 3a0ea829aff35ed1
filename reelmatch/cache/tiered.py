"""The app's cache: an in-process L1 in front of an optional Redis L2.

Reads try L1, then L2 (copying a fresh L2 entry into L1). A miss loads once per key: threads
of this process queue on an in-process single-flight, other processes on a short Redis lock
(they poll L2 for the value the lock holder writes). When loading fails with
`UpstreamUnavailable`, an expired entry still inside its grace period is served, marked stale.
Without Redis, or while it is down, the same code runs on L1 alone.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import orjson

from reelmatch.cache.base import DEFAULT_TTLS, Cached, Entry, TtlPolicy
from reelmatch.cache.invalidation import InvalidationListener
from reelmatch.cache.memory import MemoryStore
from reelmatch.cache.redis_link import RedisLink
from reelmatch.cache.redis_store import RedisStore
from reelmatch.cache.singleflight import SingleFlight
from reelmatch.cache.stats import CacheCounters, summary
from reelmatch.config import masked_url
from reelmatch.errors import UpstreamUnavailable

T = TypeVar("T")

LOCK_SECONDS = 10.0
POLL_SECONDS = 0.02
_STRICT_JSON = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def as_json(value: Any) -> Any:
    """The `decode` for callers that want the cached JSON data itself."""
    return value


class TwoTierCache:
    def __init__(
        self,
        *,
        policy: TtlPolicy | None = None,
        l1_size: int = 5000,
        redis: RedisLink | None = None,
        clock: Callable[[], float] = time.time,
        lock_seconds: float = LOCK_SECONDS,
    ) -> None:
        self.policy = policy or TtlPolicy(ttls=DEFAULT_TTLS)
        self._clock = clock
        self._l1 = MemoryStore(maxsize=l1_size, clock=clock)
        self._redis = redis
        self._l2 = RedisStore(redis) if redis is not None else None
        self._flight = SingleFlight()
        self._lock_seconds = lock_seconds
        self._origin = secrets.token_hex(8)
        self.counters = CacheCounters(redis)
        self._listener = (
            InvalidationListener(
                redis.client, channel=self._l2.channel, on_message=self._on_invalidation
            )
            if redis is not None and self._l2 is not None
            else None
        )

    @property
    def redis_link(self) -> RedisLink | None:
        """The Redis connection this cache uses, for others that share it (rate limiter)."""
        return self._redis

    @property
    def shared(self) -> bool:
        """True when values are shared with other processes through Redis."""
        return self._l2 is not None

    # Reads ------------------------------------------------------------------------------------

    def get_or_load(
        self,
        key: str,
        load: Callable[[], Any],
        *,
        kind: str,
        decode: Callable[[Any], T],
        ttl: float | None = None,
    ) -> Cached[T]:
        entry = self._l1.get(key)
        if entry is not None and entry.is_fresh(self._clock()):
            self.counters.count(kind, "hits")
            return Cached(entry.decode(decode), "hit")
        result, ran = self._flight.run(
            key, lambda: self._load_once(key, load, kind=kind, decode=decode, ttl=ttl)
        )
        if not ran:  # another thread loaded it for us
            self.counters.count(kind, "stale_hits" if result.stale else "hits")
            return result if result.stale else replace(result, source="hit")
        return result

    def get(self, key: str) -> Any | None:
        entry = self._fresh_entry(key, self._clock())
        return None if entry is None else entry.value

    # Writes -----------------------------------------------------------------------------------

    def set(self, key: str, value: Any, *, kind: str, ttl: float | None = None) -> None:
        self._store(key, value, kind=kind, ttl=ttl)

    def invalidate(self, key: str) -> None:
        self._l1.delete(key)
        if self._l2 is not None:
            self._l2.delete(key)
            self._l2.publish({"key": key, "origin": self._origin})

    def invalidate_prefix(self, prefix: str) -> int:
        self._l1.delete_prefix(prefix)
        if self._l2 is None:
            return 0
        removed = self._l2.delete_prefix(prefix)
        self._l2.publish({"prefix": prefix, "origin": self._origin})
        return removed

    # Reporting --------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        local = self.counters.local()
        shared = self.counters.shared()
        data: dict[str, Any] = {
            "backend": "redis" if self._redis is not None else "memory",
            "scope": "all processes" if shared is not None else "this process",
            "l1": {"entries": len(self._l1), "maxsize": self._l1.maxsize},
            "kinds": summary(shared if shared is not None else local),
            "this_process": summary(local),
            "ttl_seconds": dict(self.policy.ttls),
            "stale_grace_seconds": self.policy.grace,
        }
        if self._redis is not None and self._l2 is not None:
            data["redis"] = {
                "url": masked_url(self._redis.url),
                "prefix": self._redis.prefix,
                "available": not self._redis.down,
                "keys": self._l2.count(),
            }
        return data

    def close(self) -> None:
        self.counters.flush()
        if self._listener is not None:
            self._listener.stop()
        if self._redis is not None:
            self._redis.close()

    # Internals --------------------------------------------------------------------------------

    def _load_once(
        self,
        key: str,
        load: Callable[[], Any],
        *,
        kind: str,
        decode: Callable[[Any], T],
        ttl: float | None,
    ) -> Cached[T]:
        """Runs once per key per process at a time (single-flight leader)."""
        now = self._clock()
        entry = self._fresh_entry(key, now)
        if entry is not None:
            self.counters.count(kind, "hits")
            return Cached(entry.decode(decode), "hit")
        token = self._l2.try_lock(key, seconds=self._lock_seconds) if self._l2 else None
        if self._l2 is not None and token is None:
            entry = self._wait_for_other_process(key)
            if entry is not None:
                self.counters.count(kind, "hits")
                return Cached(entry.decode(decode), "hit")
            token = self._l2.try_lock(key, seconds=self._lock_seconds)
        try:
            return self._load(key, load, kind=kind, decode=decode, ttl=ttl)
        finally:
            if self._l2 is not None and token is not None:
                self._l2.unlock(key, token)

    def _load(
        self,
        key: str,
        load: Callable[[], Any],
        *,
        kind: str,
        decode: Callable[[Any], T],
        ttl: float | None,
    ) -> Cached[T]:
        try:
            value = load()
        except UpstreamUnavailable as error:
            fallback = self._stale_entry(key)
            if fallback is None:
                self.counters.count(kind, "errors")
                raise
            self.counters.count(kind, "stale_hits")
            age = max(0.0, self._clock() - fallback.stored_at)
            return Cached(fallback.decode(decode), "stale", age=age, error=error)
        entry = self._store(key, value, kind=kind, ttl=ttl)
        self.counters.count(kind, "misses")
        return Cached(entry.decode(decode), "miss")

    def _fresh_entry(self, key: str, now: float) -> Entry | None:
        entry = self._l1.get(key)
        if entry is not None and entry.is_fresh(now):
            return entry
        if self._l2 is None:
            return None
        shared = self._l2.get(key)
        if shared is not None and shared.is_fresh(now):
            self._remember(key, shared)
            return shared
        return None

    def _stale_entry(self, key: str) -> Entry | None:
        """The newest entry for `key` still inside its grace period, from either tier."""
        now = self._clock()
        candidates = [self._l1.get(key), self._l2.get(key) if self._l2 is not None else None]
        usable = [e for e in candidates if e is not None and e.stale_until > now]
        return max(usable, key=lambda e: e.stored_at, default=None)

    def _wait_for_other_process(self, key: str) -> Entry | None:
        """Poll L2 while another process holds the load lock for `key`."""
        assert self._l2 is not None
        deadline = time.monotonic() + self._lock_seconds
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            entry = self._fresh_entry(key, self._clock())
            if entry is not None:
                return entry
            if not self._l2.is_locked(key):
                return None
        return None

    def _store(self, key: str, value: Any, *, kind: str, ttl: float | None) -> Entry:
        try:
            payload = orjson.dumps(value, option=_STRICT_JSON)
        except TypeError as error:
            raise TypeError(f"cache values must be JSON data ({key}): {error}") from None
        now = self._clock()
        fresh_until = now + (self.policy.ttl(kind) if ttl is None else ttl)
        entry = Entry(
            orjson.loads(payload),
            stored_at=now,
            fresh_until=fresh_until,
            stale_until=fresh_until + self.policy.grace,
        )
        self._remember(key, entry)
        if self._l2 is not None:
            self._l2.set(key, entry, now=now)
        return entry

    def _remember(self, key: str, entry: Entry) -> None:
        self._l1.set(key, entry)
        if self._listener is not None:
            self._listener.start()

    def _on_invalidation(self, message: dict[str, Any]) -> None:
        if message.get("origin") == self._origin:
            return
        if isinstance(message.get("key"), str):
            self._l1.delete(message["key"])
        elif isinstance(message.get("prefix"), str):
            self._l1.delete_prefix(message["prefix"])
