"""The batching `EventSink`: `record()` appends to a bounded in-memory queue; a background
thread writes the queue to the `events` table every second or every 100 events.

Recording must never slow down or break a page, so `record()` only takes a timestamp and
appends (a few microseconds), never raises and never waits. When the database is away the
events wait in the queue and the writer retries with backoff; when the queue is full, new
events are dropped and counted. `close()` (also run at exit) writes what is left.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from reelmatch.errors import UpstreamUnavailable
from reelmatch.store.repositories.events import QueuedEvent, event_values
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0


@dataclass(frozen=True)
class QueueHealth:
    """What `doctor` and the status page show about the recorder."""

    queued: int
    capacity: int
    dropped: int
    written: int
    last_flush_at: datetime | None
    last_error: str | None
    running: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class EventRecorder:
    def __init__(
        self,
        unit_of_work: UowFactory,
        *,
        capacity: int = 10_000,
        batch_size: int = 100,
        flush_interval: float = 1.0,
        start: bool = True,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._capacity = capacity
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._queue: deque[QueuedEvent] = deque()
        self._lock = threading.Lock()  # guards the bound check and the counters
        self._write_lock = threading.Lock()  # one writer at a time (thread or close())
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._dropped = 0
        self._written = 0
        self._failures = 0
        self._in_flight = 0
        self._last_flush_at: datetime | None = None
        self._last_error: str | None = None
        self._thread: threading.Thread | None = None
        self._at_exit: Callable[[], None] | None = None
        if start:
            self.start()

    # The hot path ------------------------------------------------------------------------------

    def record(
        self,
        kind: str,
        *,
        user_id: int | None = None,
        duration_ms: float | None = None,
        **properties: Any,
    ) -> None:
        try:
            event = QueuedEvent(utcnow(), kind, user_id, duration_ms, properties)
            with self._lock:
                if len(self._queue) >= self._capacity:
                    self._dropped += 1
                    return
                self._queue.append(event)
                full_batch = len(self._queue) >= self._batch_size
            if full_batch:
                self._wake.set()
        except Exception:  # recording must never break the caller
            self._dropped += 1

    # Lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="event-recorder", daemon=True)
        self._thread.start()
        self._at_exit = _close_at_exit(self)

    def close(self, *, timeout: float = 5.0) -> None:
        """Stop the writer and write what is queued (one attempt: a database that is down at
        shutdown loses the queue, which is counted as dropped)."""
        self._stopping.set()
        self._wake.set()
        if self._at_exit is not None:
            atexit.unregister(self._at_exit)
            self._at_exit = None
        deadline = time.monotonic() + timeout
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self.flush(timeout=max(0.0, deadline - time.monotonic()))
        with self._lock:
            left = len(self._queue)
            if left:
                self._dropped += left
                self._queue.clear()

    def flush(self, *, timeout: float | None = None) -> int:
        """Write everything queued now; returns how many events were written. Failures are
        remembered in `health()` and the events stay queued. Waits at most `timeout` seconds
        for a write already in progress (None: as long as it takes)."""
        if not self._write_lock.acquire(timeout=-1 if timeout is None else timeout):
            return 0
        written = 0
        try:
            while batch := self._take(500):
                if not self._write(batch):
                    break
                written += len(batch)
        finally:
            self._write_lock.release()
        return written

    def health(self) -> QueueHealth:
        with self._lock:
            return QueueHealth(
                queued=len(self._queue) + self._in_flight,
                capacity=self._capacity,
                dropped=self._dropped,
                written=self._written,
                last_flush_at=self._last_flush_at,
                last_error=self._last_error,
                running=self._thread is not None and self._thread.is_alive(),
            )

    # The writer --------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self._delay())
            self._wake.clear()
            if self._stopping.is_set():
                return
            try:
                self.flush()
            except Exception:  # pragma: no cover - flush already catches database errors
                log.exception("event recorder: unexpected error")

    def _delay(self) -> float:
        if not self._failures:
            return self._flush_interval
        return min(MAX_BACKOFF_SECONDS, self._flush_interval * float(2 ** min(self._failures, 8)))

    def _take(self, limit: int) -> list[QueuedEvent]:
        with self._lock:
            count = min(limit, len(self._queue))
            self._in_flight = count
            return [self._queue.popleft() for _ in range(count)]

    def _write(self, batch: list[QueuedEvent]) -> bool:
        try:
            rows = [event_values(event) for event in batch]
            self._insert(rows)
        except (SQLAlchemyError, UpstreamUnavailable) as error:
            cause = error.__cause__ or error  # the unit of work wraps a lost database
            self._requeue(batch)
            self._failures += 1
            self._last_error = f"{type(cause).__name__} at {utcnow():%Y-%m-%d %H:%M:%S} UTC"
            if self._failures == 1:
                log.warning("event recorder: database unavailable (%s)", type(cause).__name__)
            return False
        except Exception as error:  # not the database's fault: retrying would fail forever
            with self._lock:
                self._in_flight = 0
                self._dropped += len(batch)
                self._last_error = f"{type(error).__name__}: batch of {len(batch)} dropped"
            log.exception("event recorder: could not write a batch")
            return False
        with self._lock:
            self._in_flight = 0
            self._written += len(rows)
            self._failures = 0
            self._last_flush_at = utcnow()
            self._last_error = None
        return True

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        with self._unit_of_work() as uow:
            try:
                uow.events.insert_many(rows)
                uow.commit()
            except IntegrityError:
                # A user deleted since the event was queued: their events go with them.
                uow.rollback()
                known = uow.events.existing_user_ids(r["user_id"] for r in rows if r["user_id"])
                kept = [r for r in rows if r["user_id"] is None or r["user_id"] in known]
                with self._lock:
                    self._dropped += len(rows) - len(kept)
                uow.events.insert_many(kept)
                uow.commit()

    def _requeue(self, batch: list[QueuedEvent]) -> None:
        """Put a failed batch back in front, oldest first; what no longer fits is dropped."""
        with self._lock:
            room = max(0, self._capacity - len(self._queue))
            kept = batch[:room]
            self._dropped += len(batch) - len(kept)
            self._queue.extendleft(reversed(kept))
            self._in_flight = 0


def _close_at_exit(recorder: EventRecorder) -> Callable[[], None]:
    """Register a weak closer at exit (a recorder that was garbage-collected is skipped)."""
    reference = weakref.ref(recorder)

    def close() -> None:
        alive = reference()
        if alive is not None:
            alive.close(timeout=2.0)

    atexit.register(close)
    return close
