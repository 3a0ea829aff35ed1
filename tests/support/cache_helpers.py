"""Small helpers shared by the cache and catalog tests."""

from __future__ import annotations

import threading
import time
from typing import Any

from reelmatch.cache import Cached, TtlPolicy, TwoTierCache, as_json

POLICY = TtlPolicy(ttls={"list": 60, "movie": 600, "search": 10, "reference": 3600}, grace=1000)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Loader:
    """A load function that counts its calls and can be told to fail or dawdle."""

    def __init__(self, value: Any = None, *, delay: float = 0.0) -> None:
        self.value = value if value is not None else {"movies": [1, 2, 3]}
        self.delay = delay
        self.fail: Exception | None = None
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> Any:
        with self._lock:
            self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return self.value


def busiest_second(times: list[float], *, window: float = 1.0) -> int:
    """The most events inside any window of `window` seconds."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def lookup(cache: TwoTierCache, load: Loader, key: str = "movies:popular:1") -> Cached[Any]:
    return cache.get_or_load(key, load, kind="list", decode=as_json)
