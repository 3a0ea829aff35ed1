"""What the Status page and `doctor` say about background jobs, per job: queued, running,
waiting to be retried, failed for good, the last error (with its time) and the last success.

Counts come from the broker's own records (messages not yet acknowledged, the delay queue
holding retries, the dead-letter queue) and from the ledger (running attempts); "queued" is
what is neither running nor done, including messages a live worker has fetched but not started
and those a dead worker held, which go back to the queue after the heartbeat timeout.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

import redis
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import dq_name, xq_name

from reelmatch.jobs.ledger_store import LedgerStore
from reelmatch.services.health import Check

Mode = Literal["redis", "in-process"]


@dataclass(frozen=True, slots=True, kw_only=True)
class JobCounts:
    job: str
    queued: int
    running: int
    retrying: int
    failed: int
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_ok_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class JobsOverview:
    mode: Mode
    jobs: tuple[JobCounts, ...]
    #: Live workers (by heartbeat); in-process: the app itself, once its worker started.
    workers: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def job(self, name: str) -> JobCounts:
        return next(counts for counts in self.jobs if counts.job == name)


class QueueSizes(Protocol):
    def sizes(self, job: str) -> tuple[int, int, int]:
        """(messages not yet acknowledged, delayed for a retry, dead-lettered)."""
        ...


class RedisQueueSizes:
    """dramatiq's keys: `{ns}:{queue}.msgs` (every unacknowledged message), the delay queue's
    `.DQ.msgs`, and the dead letters `.XQ` (kept 7 days)."""

    def __init__(self, client: redis.Redis, *, namespace: str) -> None:
        self._client = client
        self._namespace = namespace

    def sizes(self, job: str) -> tuple[int, int, int]:
        base = f"{self._namespace}:"
        with self._client.pipeline(transaction=False) as pipe:
            pipe.hlen(f"{base}{job}.msgs")
            pipe.hlen(f"{base}{dq_name(job)}.msgs")
            pipe.zcard(f"{base}{xq_name(job)}")
            pending, delayed, dead = pipe.execute()
        return int(pending), int(delayed), int(dead)


class StubQueueSizes:
    """The in-process broker's queues count a message until it is acknowledged."""

    def __init__(self, broker: StubBroker) -> None:
        self._broker = broker

    def sizes(self, job: str) -> tuple[int, int, int]:
        queues = self._broker.queues
        pending = queues[job].unfinished_tasks if job in queues else 0
        delayed = queues[dq_name(job)].unfinished_tasks if dq_name(job) in queues else 0
        return pending, delayed, len(self._broker.dead_letters_by_queue.get(job, []))


class JobBoard:
    def __init__(
        self, *, mode: Mode, jobs: tuple[str, ...], sizes: QueueSizes, ledger: LedgerStore
    ) -> None:
        self.mode: Mode = mode
        self._jobs = jobs
        self._sizes = sizes
        self._ledger = ledger

    def overview(self) -> JobsOverview:
        """Raises `redis.RedisError` when Redis cannot be read."""
        return JobsOverview(
            mode=self.mode,
            jobs=tuple(self._counts(job) for job in self._jobs),
            workers=tuple(self._ledger.workers()),
        )

    def _counts(self, job: str) -> JobCounts:
        pending, delayed, dead = self._sizes.sizes(job)
        running = len(self._ledger.running(job))
        last = self._ledger.last(job)
        return JobCounts(
            job=job,
            queued=max(0, pending - running),
            running=running,
            retrying=delayed,
            failed=dead,
            last_error=last.error,
            last_error_at=last.error_at,
            last_ok_at=last.ok_at,
        )


def check_jobs(board: JobBoard) -> Check:
    """One line for `doctor` and the Status page: workers, and anything failing."""
    try:
        overview = board.overview()
    except (redis.RedisError, OSError) as error:
        return Check("jobs", False, f"job queues unreadable ({type(error).__name__})")
    totals = {
        name: sum(getattr(counts, name) for counts in overview.jobs)
        for name in ("queued", "running", "retrying", "failed")
    }
    counts = ", ".join(f"{value} {name}" for name, value in totals.items())
    if overview.mode == "in-process":
        if not overview.workers:  # not this process's worker: `doctor` cannot see the app's
            return Check("jobs", True, "run by the app process (no REDIS_URL): see Status")
        ok = totals["failed"] == 0
        return Check("jobs", ok, f"run by the app process (no REDIS_URL); {counts}")
    failing = [c.job for c in overview.jobs if c.failed]
    detail = f"{len(overview.workers)} worker(s) alive; {counts}"
    if failing:
        detail += f"; failed for good: {', '.join(failing)}"
    if not overview.workers:
        detail += "; start one with `python -m reelmatch worker`"
    return Check("jobs", bool(overview.workers) and not failing, detail)
