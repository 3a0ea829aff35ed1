"""A daemon thread that repeats one step: the app's background work (the metadata refresher,
the recommendation model's trainer) without each owner managing a thread of its own.

`step()` runs, then the thread waits the seconds it returned, or less when `wake()` is called;
`stop()` ends the loop after the current step. A step must not raise (the owners catch, log
and back off), so nothing here can reach a page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Repeater:
    def __init__(self, step: Callable[[], float], *, name: str, first_delay: float = 0.0) -> None:
        self._step = step
        self._name = name
        self._first_delay = first_delay
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def sleep(self, seconds: float) -> bool:
        """Wait `seconds` inside a step (pacing); True when the thread is being stopped."""
        return self._stop.wait(seconds)

    def start(self) -> None:
        """Start the thread (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Run the next step now rather than after the wait (no-op if not started)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to finish (the current step completes) and wait up to `timeout`."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        self._wake.wait(self._first_delay)
        while not self._stop.is_set():
            self._wake.clear()
            pause = self._step()
            if self._stop.is_set():
                return
            self._wake.wait(pause)
