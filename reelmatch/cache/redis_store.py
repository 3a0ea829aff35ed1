"""The shared tier (L2): entries in Redis as JSON, plus the short locks that make one process
load a missing key while the others wait for it.

Every method degrades instead of raising when Redis is unreachable (see `RedisLink`): a read
finds nothing, a write is skipped, a lock is "granted" so the caller loads on its own.
"""

from __future__ import annotations

import math
import secrets
import time
from typing import Any

import orjson
import redis

from reelmatch.cache.base import Entry
from reelmatch.cache.redis_link import RedisLink

SCAN_BATCH = 500

# Delete the lock only if it is still ours (it may have expired and been taken by another).
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def encode_entry(entry: Entry) -> bytes:
    return orjson.dumps(
        {"v": entry.value, "t": entry.stored_at, "f": entry.fresh_until, "s": entry.stale_until}
    )


def decode_entry(raw: bytes) -> Entry | None:
    try:
        data = orjson.loads(raw)
        return Entry(data["v"], stored_at=data["t"], fresh_until=data["f"], stale_until=data["s"])
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None  # written by something else: treat as missing


def glob_escape(text: str) -> str:
    """`text` with Redis glob characters escaped, for SCAN MATCH on a literal prefix."""
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


class RedisStore:
    def __init__(self, link: RedisLink) -> None:
        self.link = link
        self._unlock = link.client.register_script(_UNLOCK)

    def get(self, key: str) -> Entry | None:
        raw = self.link.call(lambda r: r.get(self.link.key(key)), None)
        return decode_entry(raw) if isinstance(raw, bytes) else None

    def set(self, key: str, entry: Entry, *, now: float | None = None) -> None:
        remaining = entry.stale_until - (time.time() if now is None else now)
        if remaining <= 0:
            return
        payload = encode_entry(entry)
        millis = max(1, math.ceil(remaining * 1000))
        self.link.call(lambda r: r.set(self.link.key(key), payload, px=millis), None)

    def delete(self, key: str) -> None:
        self.link.call(lambda r: r.delete(self.link.key(key)), None)

    def delete_prefix(self, prefix: str) -> int:
        pattern = glob_escape(self.link.key(prefix)) + "*"

        def remove(client: redis.Redis) -> int:
            removed, batch = 0, []
            for name in client.scan_iter(match=pattern, count=SCAN_BATCH):
                batch.append(name)
                if len(batch) >= SCAN_BATCH:
                    removed += int(client.unlink(*batch))
                    batch = []
            if batch:
                removed += int(client.unlink(*batch))
            return removed

        return self.link.call(remove, 0)

    def count(self, prefix: str = "") -> int | None:
        """How many keys live under the prefix (None when Redis is unreachable)."""
        pattern = glob_escape(self.link.key(prefix)) + "*"
        return self.link.call(
            lambda r: sum(1 for _ in r.scan_iter(match=pattern, count=SCAN_BATCH)), None
        )

    # Cross-process single-flight --------------------------------------------------------------

    def try_lock(self, key: str, *, seconds: float) -> str | None:
        """A token if this process may load `key` now, None if another process holds the
        lock. With Redis down every process may load (its own L1 still de-duplicates)."""
        token = secrets.token_hex(8)
        millis = max(1, int(seconds * 1000))
        got = self.link.call(
            lambda r: bool(r.set(self.link.key(f"lock:{key}"), token, nx=True, px=millis)), True
        )
        return token if got else None

    def unlock(self, key: str, token: str) -> None:
        self.link.call(lambda r: self._unlock(keys=[self.link.key(f"lock:{key}")], args=[token]), 0)

    def is_locked(self, key: str) -> bool:
        return bool(self.link.call(lambda r: r.exists(self.link.key(f"lock:{key}")), 0))

    # Invalidation broadcast -------------------------------------------------------------------

    @property
    def channel(self) -> str:
        return self.link.key("invalidate")

    def publish(self, message: dict[str, Any]) -> None:
        payload = orjson.dumps(message)
        self.link.call(lambda r: r.publish(self.channel, payload), 0)
