"""The in-process tier (L1): a bounded, thread-safe LRU whose entries expire individually.

cachetools' `TLRUCache` gives LRU eviction plus a per-entry expiry; entries live until the end
of their stale grace period, and the two-tier cache decides whether one is still fresh.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from cachetools import TLRUCache

from reelmatch.cache.base import Entry


def _expiry(_key: str, entry: Entry, _now: float) -> float:
    return entry.stale_until


class MemoryStore:
    def __init__(self, *, maxsize: int, clock: Callable[[], float] = time.time) -> None:
        self.maxsize = maxsize
        self._entries: TLRUCache[str, Entry] = TLRUCache(maxsize=maxsize, ttu=_expiry, timer=clock)
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            return self._entries.get(key)

    def set(self, key: str, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def delete_prefix(self, prefix: str) -> int:
        with self._lock:
            doomed = [key for key in self._entries if key.startswith(prefix)]
            for key in doomed:
                del self._entries[key]
        return len(doomed)

    def __len__(self) -> int:
        with self._lock:
            self._entries.expire()
            return len(self._entries)
