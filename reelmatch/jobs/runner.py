"""A running worker: dramatiq's `Worker` threads, the scheduler and the ledger's heartbeat,
started and stopped together. `python -m reelmatch worker` runs one per process; the app runs
one with two threads when there is no Redis; `recommend --all-users` runs one on the chunk
queue only, so the command helps the workers instead of only waiting for them.
"""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING

from dramatiq import Worker

from reelmatch.jobs.scheduler import Scheduler

if TYPE_CHECKING:
    from reelmatch.jobs.system import Jobs

#: How long an idle consumer waits before asking the broker again (ms); also how often an idle
#: worker heartbeats. In the app (an in-memory broker) shorter, so stopping takes little time.
IDLE_POLL_MS = 1000
IN_APP_POLL_MS = 200
STOP_SECONDS = 30.0


class WorkerRun:
    def __init__(
        self,
        jobs: Jobs,
        *,
        threads: int,
        queues: Set[str] | None = None,
        schedule: bool = True,
        process_boot: bool = False,
        idle_poll_ms: int = IDLE_POLL_MS,
    ) -> None:
        """`process_boot`: this process exists to be a worker (starts dramatiq's time-limit
        watchdog, a thread that lives as long as the process)."""
        self._jobs = jobs
        self._worker = Worker(
            jobs.broker,
            queues=set(queues) if queues else None,
            worker_threads=threads,
            worker_timeout=idle_poll_ms,
        )
        # One message waiting per thread and queue, not two: spreads chunks over workers.
        self._worker.queue_prefetch = threads
        self._scheduler = (
            Scheduler(jobs.schedules, claims=jobs.claims, send=self._send_scheduled)
            if schedule
            else None
        )
        self._process_boot = process_boot
        self.running = False

    def start(self) -> None:
        if self._process_boot:
            self._jobs.broker.emit_after("process_boot")
        self._jobs.stopping.clear()
        self._worker.start()
        self._jobs.ledger.start_heartbeat()
        if self._scheduler is not None:
            self._scheduler.start()
        self.running = True

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Stop scheduling, let running jobs finish (up to `timeout`; a metadata pass ends
        after its batch), put fetched messages back, and leave the live workers."""
        if not self.running:
            return
        self._jobs.stopping.set()
        if self._scheduler is not None:
            self._scheduler.stop()
        self._worker.stop(timeout=int(timeout * 1000))
        self._jobs.ledger.stop_heartbeat()
        self.running = False

    def _send_scheduled(self, job: str, period: int) -> None:
        self._jobs.send(job, period=period)
