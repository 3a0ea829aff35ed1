"""Keep the process's long-lived objects out of Streamlit's collection after every run.

Streamlit runs a full `gc.collect(2)` after every script run (`runner.postScriptGC`). A full
collection walks every tracked object, and this app keeps ~270,000 of them for the life of the
process: the catalog, the recommendation model, the services, Streamlit's own modules. That
walk cost 115-150 ms per click, more than the page itself.

`settle()` moves what is alive now into the permanent generation (`gc.freeze()`) after a
collection, so garbage is never frozen. Every `thaw_every`-th settle (and the first) also
`unfreeze`s first, so frozen objects that have since become cyclic garbage are reclaimed; the
others only walk what is not frozen yet (~10 ms instead of ~150). Collection itself stays on:
the post-run collection and Python's own generational collections still run, over the objects
made since the last settle only.

`after_run()` is called at the end of every run. It settles when the objects that survived the
last full collection (counted by a `gc.callbacks` hook, so a run's own temporaries never count)
have grown past `threshold` (the first runs, a model swap, a filled cache), so the post-run
collection stays a few milliseconds. Frozen objects that later become cyclic garbage wait for
the next thawing settle: memory is bounded by what was alive at the last few settles.
"""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass

#: Unfrozen old objects that trigger a settle: ~0.45 µs each in a full collection, so about
#: 10 ms per run at most between settles.
DEFAULT_THRESHOLD = 20_000
#: One settle in this many thaws the frozen objects and collects everything.
DEFAULT_THAW_EVERY = 8


@dataclass
class HeapStats:
    settles: int = 0
    thaws: int = 0
    frozen: int = 0
    last_settle_ms: float = 0.0


class HeapKeeper:
    def __init__(
        self, *, threshold: int = DEFAULT_THRESHOLD, thaw_every: int = DEFAULT_THAW_EVERY
    ) -> None:
        self._threshold = threshold
        self._thaw_every = thaw_every
        self._lock = threading.Lock()
        self._pending = True  # the first run settles: services, catalog, Streamlit's modules
        self._survivors = 0  # unfrozen objects alive after the last full collection
        self.stats = HeapStats()
        gc.callbacks.append(self._count_survivors)

    def close(self) -> None:
        """Stop counting (tests make keepers of their own)."""
        if self._count_survivors in gc.callbacks:
            gc.callbacks.remove(self._count_survivors)

    def after_run(self) -> None:
        if self._pending or self._survivors > self._threshold:
            self.settle()

    def _count_survivors(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            self._survivors = len(gc.get_objects(generation=2))

    def settle(self, *, thaw: bool | None = None) -> None:
        """Collect, then freeze what survived. `thaw` (default: every `thaw_every`-th settle)
        collects the frozen objects too: one ~150 ms pause instead of ~10 ms."""
        if not self._lock.acquire(blocking=False):
            return  # another session's run is settling right now
        try:
            self._pending = False
            started = time.perf_counter()
            if thaw if thaw is not None else self.stats.settles % self._thaw_every == 0:
                gc.unfreeze()
                self.stats.thaws += 1
            gc.collect()
            gc.freeze()
            self._survivors = 0
            self.stats.settles += 1
            self.stats.frozen = gc.get_freeze_count()
            self.stats.last_settle_ms = (time.perf_counter() - started) * 1000
        finally:
            self._lock.release()


#: The process's keeper: every session's runs share one heap.
HEAP = HeapKeeper()
