"""The cache interface: what services and the catalog may ask of any cache.

Values are JSON data (dicts, lists, strings, numbers, booleans, None), never pickles, so every
backend stores the same thing and a value written by one process can be read by any other.
Each entry is fresh for its kind's TTL, then kept for a grace period during which it is only
served when loading a fresh value fails (`Cached.source == "stale"`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from reelmatch.errors import ReelmatchError

T = TypeVar("T")

#: The kinds of value the app caches; each has its own TTL (see `TtlPolicy`).
KINDS = ("list", "movie", "search", "reference")

Source = Literal["hit", "miss", "stale"]


class Entry:
    """One cached value with its lifetimes (epoch seconds). `decoded` memoises the domain
    object built from `value` in this process, so a warm read does not re-validate JSON."""

    __slots__ = ("decoded", "fresh_until", "stale_until", "stored_at", "value")

    def __init__(
        self, value: Any, *, stored_at: float, fresh_until: float, stale_until: float
    ) -> None:
        self.value = value
        self.stored_at = stored_at
        self.fresh_until = fresh_until
        self.stale_until = stale_until
        self.decoded: tuple[Callable[[Any], Any], Any] | None = None

    def is_fresh(self, now: float) -> bool:
        return now < self.fresh_until

    def decode(self, decoder: Callable[[Any], T]) -> T:
        memo = self.decoded
        if memo is not None and memo[0] is decoder:
            result: T = memo[1]
            return result
        decoded = decoder(self.value)
        self.decoded = (decoder, decoded)
        return decoded


@dataclass(frozen=True, slots=True)
class Cached(Generic[T]):
    """A value from `Cache.get_or_load` and where it came from.

    `source` is "hit" (fresh from a cache tier), "miss" (just loaded) or "stale" (loading
    failed with `error`, so an expired entry stands in; `age` says how old it is).
    """

    value: T
    source: Source
    age: float = 0.0
    error: ReelmatchError | None = None

    @property
    def stale(self) -> bool:
        return self.source == "stale"


@dataclass(frozen=True, slots=True, kw_only=True)
class TtlPolicy:
    """Seconds a value stays fresh, per kind, and how long it may stand in after that."""

    ttls: Mapping[str, float]
    grace: float = 7 * 86400

    def ttl(self, kind: str) -> float:
        try:
            return self.ttls[kind]
        except KeyError:
            raise ValueError(f"unknown cache kind {kind!r}; pass ttl= for it") from None


DEFAULT_TTLS: dict[str, float] = {
    "list": 3600,
    "movie": 86400,
    "search": 600,
    "reference": 7 * 86400,
}


class Cache(Protocol):
    """What the app needs from a cache. Backend failures never reach the caller: a cache
    that cannot reach Redis keeps working in-process."""

    def get_or_load(
        self,
        key: str,
        load: Callable[[], Any],
        *,
        kind: str,
        decode: Callable[[Any], T],
        ttl: float | None = None,
    ) -> Cached[T]:
        """The value for `key`: fresh from the cache, or from `load()` (called once however
        many threads or processes miss together), or stale when `load` raises
        `UpstreamUnavailable` and an entry within its grace period exists."""
        ...

    def get(self, key: str) -> Any | None:
        """The fresh JSON value for `key`, or None."""
        ...

    def set(self, key: str, value: Any, *, kind: str, ttl: float | None = None) -> None: ...

    def invalidate(self, key: str) -> None:
        """Drop `key` here, in Redis and (through pub/sub) in every other process."""
        ...

    def invalidate_prefix(self, prefix: str) -> int:
        """Drop every key starting with `prefix` everywhere; "" clears the whole cache.
        Returns how many shared (Redis) keys were removed."""
        ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
