"""The job ledger: a dramatiq middleware that writes down every attempt, so the Status page and
`doctor` can say what is running, what failed and why (see ledger_store.py for where).

Its `after_*` hooks run after dramatiq's `Retries` (it is placed before it: dramatiq calls them
in reverse), so when it sees a finished message it already knows whether the failure will be
retried (`error`) or was the last one (`failed`). Errors are described for
people: a `ReelmatchError`'s message, otherwise only the exception's type (a message or a
traceback may carry a URL with a key). While a worker runs, `start_heartbeat()` pushes its
running attempts' expiry forward, and its own entry among the live workers.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

import redis
from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy
from dramatiq.common import q_name
from dramatiq.errors import Retry
from dramatiq.middleware import TimeLimitExceeded

from reelmatch.errors import ReelmatchError
from reelmatch.jobs.ledger_store import Attempt, LedgerStore, Outcome, running_entry

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def describe(error: BaseException) -> str:
    """A failure in words a person can act on, never a secret."""
    if isinstance(error, ReelmatchError):
        return error.message
    if isinstance(error, TimeLimitExceeded):
        return "it ran longer than its time limit"
    return type(error).__name__


class JobLedger(Middleware):
    def __init__(self, store: LedgerStore, *, heartbeat_timeout: float) -> None:
        self.store = store
        self.worker = worker_name()
        self._timeout = heartbeat_timeout
        self._lock = threading.Lock()
        self._running: dict[str, tuple[str, str, float]] = {}  # message id -> job, entry, start
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    # Middleware hooks -------------------------------------------------------------------------

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        job, entry = q_name(message.queue_name), running_entry(message.message_id, self.worker)
        with self._lock:
            self._running[message.message_id] = (job, entry, time.monotonic())
        self._safely(lambda: self.store.started(job, entry, expires=self._expiry()))

    def after_process_message(
        self,
        broker: Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        outcome: Outcome = "done"
        if isinstance(exception, Retry):
            outcome = "retry"
        elif exception is not None:
            outcome = "failed" if message.failed else "error"
        self._finish(message, outcome, None if outcome in ("done", "retry") else exception)

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        self._finish(message, "done", None)

    # The heartbeat ----------------------------------------------------------------------------

    def start_heartbeat(self) -> None:
        if self._beat is not None:
            return
        self._stop.clear()
        self._beat = threading.Thread(target=self._beat_loop, name="job-ledger", daemon=True)
        self._beat.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
            self._beat = None
        self._safely(lambda: self.store.worker_gone(self.worker))

    def _beat_loop(self) -> None:
        while True:
            self._safely(self._keep_alive)
            if self._stop.wait(self._timeout / 3):
                return

    # Internals --------------------------------------------------------------------------------

    def _keep_alive(self) -> None:
        with self._lock:
            entries = [(job, entry) for job, entry, _ in self._running.values()]
        self.store.keep_alive(entries, self.worker, expires=self._expiry())

    def _finish(self, message: MessageProxy, outcome: Outcome, error: BaseException | None) -> None:
        with self._lock:
            job, entry, started = self._running.pop(
                message.message_id, (q_name(message.queue_name), "", time.monotonic())
            )
        attempt = Attempt(
            job=job,
            message_id=message.message_id,
            worker=self.worker,
            outcome=outcome,
            at=time.time(),
            seconds=round(time.monotonic() - started, 3),
            period=message.kwargs.get("period"),
            error=describe(error) if error is not None else None,
        )
        self._safely(lambda: self.store.finished(job, entry, attempt))
        if error is not None:
            retrying = "; it will be retried" if outcome == "error" else "; no retries left"
            log.warning("job %s failed: %s%s", job, attempt.error, retrying)
        else:
            log.info("job %s %s in %.1f s", job, outcome, attempt.seconds)

    def _expiry(self) -> float:
        return time.time() + self._timeout

    def _safely(self, write: Any) -> None:
        """The ledger is a record: Redis failing must never fail the job it records."""
        try:
            write()
        except (redis.RedisError, OSError) as error:
            log.warning("job ledger: Redis failed (%s)", type(error).__name__)
