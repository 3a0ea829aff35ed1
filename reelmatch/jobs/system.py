"""`Jobs`: the broker, the actors, the ledger, the claims and the schedules of one process,
built by `reelmatch.bootstrap` next to the services the jobs call.

With `REDIS_URL`, web processes only enqueue (`request`), and `python -m reelmatch worker`
processes run the jobs and the scheduler. Without it the app runs the same actors itself on a
two-thread worker (`start_in_app()`, an in-process broker), so `make run` stays one command.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import redis
from dramatiq.brokers.stub import StubBroker
from dramatiq.errors import BrokerError
from dramatiq.middleware import Retries

from reelmatch.cache import RedisLink
from reelmatch.config import Settings
from reelmatch.jobs.actors import (
    JOBS,
    METADATA_REFRESH,
    PRUNE_EVENTS,
    PRUNE_SANDBOXES,
    ROLLUP_EVENTS,
    TRAIN_MODEL,
    WARM_CACHE,
    ChunkCounts,
    Work,
    declare_actors,
)
from reelmatch.jobs.batch import BatchStore
from reelmatch.jobs.broker import build_broker, namespace, redis_client
from reelmatch.jobs.claims import Claims, MemoryClaims, RedisClaims
from reelmatch.jobs.ledger import JobLedger
from reelmatch.jobs.ledger_store import MemoryLedgerStore, RedisLedgerStore
from reelmatch.jobs.runner import IDLE_POLL_MS, IN_APP_POLL_MS, WorkerRun
from reelmatch.jobs.scheduler import Schedule
from reelmatch.jobs.status import (
    JobBoard,
    JobsOverview,
    Mode,
    RedisQueueSizes,
    StubQueueSizes,
    check_jobs,
)
from reelmatch.jobs.tasks import JobDeps
from reelmatch.services.health import Check

log = logging.getLogger(__name__)

METADATA_EVERY = 300.0
PRUNE_EVERY = 86400.0
#: Demo sandboxes expire after 24 h idle; an hourly look deletes them within the hour.
SANDBOX_PRUNE_EVERY = 3600.0
#: The analytics rollups catch up with the hours completed since (decision 82).
ROLLUP_EVERY = 600.0
#: A request waits this long at most for its job to start before another one may be sent.
PENDING_SECONDS = 900.0
IN_APP_THREADS = 2
#: How long closing the app's services waits for a running job (a refresh pass stops after
#: its batch; a training cannot be cut short).
IN_APP_STOP_SECONDS = 10.0


def schedules_for(settings: Settings, *, live: bool) -> list[Schedule]:
    found = [Schedule(TRAIN_MODEL, settings.retrain_check_seconds)]
    if live and settings.metadata_refresh:
        found.append(Schedule(METADATA_REFRESH, METADATA_EVERY))
    if settings.events_retention_days:
        found.append(Schedule(PRUNE_EVENTS, PRUNE_EVERY))
    found.append(Schedule(PRUNE_SANDBOXES, SANDBOX_PRUNE_EVERY))
    found.append(Schedule(ROLLUP_EVENTS, ROLLUP_EVERY))
    if live:  # half the lists' TTL, so an expired list is reloaded before many visitors ask
        found.append(Schedule(WARM_CACHE, max(60.0, settings.cache_ttl_lists / 2)))
    return found


class Jobs:
    def __init__(self, settings: Settings, deps: JobDeps, *, link: RedisLink | None) -> None:
        self.broker = build_broker(settings)
        client = redis_client(self.broker)
        self.shared = client is not None
        self._link = link
        self._live = deps.catalog.mode == "tmdb"
        self._refresh_on = self._live and settings.metadata_refresh
        ns = namespace(settings)
        store = RedisLedgerStore(client, namespace=ns) if client else MemoryLedgerStore()
        self.ledger = JobLedger(store, heartbeat_timeout=settings.worker_heartbeat_timeout)
        # Before Retries in the list: `after_*` hooks run in reverse, so Retries has already
        # decided whether a failure is retried or final when the ledger writes it down.
        self.broker.add_middleware(self.ledger, before=Retries)
        self.claims: Claims = (
            RedisClaims(client, namespace=ns, holder=self.ledger.worker)
            if client
            else MemoryClaims()
        )
        self.batches = BatchStore(client, namespace=ns) if client else None
        self.stopping = threading.Event()
        self.actors = declare_actors(self.broker, self._work(deps, settings))
        sizes = RedisQueueSizes(client, namespace=ns) if client else StubQueueSizes(self._stub())
        mode: Mode = "redis" if client else "in-process"
        self.board = JobBoard(mode=mode, jobs=JOBS, sizes=sizes, ledger=store)
        self.schedules = schedules_for(settings, live=self._live)
        self._in_app: WorkerRun | None = None

    # Enqueueing ------------------------------------------------------------------------------

    def send(self, job: str, **kwargs: Any) -> None:
        self.actors[job].send_with_options(kwargs=kwargs)

    def request(self, job: str) -> bool:
        """Enqueue `job` unless a request for it is still waiting to start (a burst of
        ratings or imports sends one). Never raises: a page is not to fail over this, and
        the job's schedule catches up."""
        if self._link is not None and not self._link.available:
            return False  # Redis is known to be down: do not wait on it
        try:
            if not self.claims.claim(f"pending:{job}", seconds=PENDING_SECONDS):
                return False
            self.send(job)
        except (redis.RedisError, OSError, BrokerError) as error:
            log.warning("could not enqueue job %s (%s)", job, type(error).__name__)
            if self._link is not None:
                self._link.mark_down(error)
            return False
        return True

    def request_training(self) -> None:
        self.request(TRAIN_MODEL)

    def request_metadata_refresh(self) -> None:
        """After an import: its movies' posters and details, soon (live TMDB only)."""
        if self._refresh_on:
            self.request(METADATA_REFRESH)

    # Reading ---------------------------------------------------------------------------------

    def overview(self) -> JobsOverview:
        return self.board.overview()

    def check(self) -> Check:
        return check_jobs(self.board)

    # Running ---------------------------------------------------------------------------------

    def start_in_app(self) -> None:
        """Without Redis, run the jobs and the schedules in this (the app's) process, on two
        threads (a long refresh pass does not hold up a training). With Redis this does
        nothing: the worker role runs them."""
        if self.shared or self._in_app is not None:
            return
        self._in_app = WorkerRun(self, threads=IN_APP_THREADS, idle_poll_ms=IN_APP_POLL_MS)
        self._in_app.start()

    def worker(
        self,
        *,
        threads: int,
        queues: set[str] | None = None,
        schedule: bool = True,
        process_boot: bool = False,
        idle_poll_ms: int = IDLE_POLL_MS,
    ) -> WorkerRun:
        """A worker on this process's broker (not started)."""
        return WorkerRun(
            self,
            threads=threads,
            queues=queues,
            schedule=schedule,
            process_boot=process_boot,
            idle_poll_ms=idle_poll_ms,
        )

    def close(self) -> None:
        if self._in_app is not None:
            self._in_app.stop(timeout=IN_APP_STOP_SECONDS)
            self._in_app = None
        client = redis_client(self.broker)
        if client is not None:
            client.close()

    # Internals -------------------------------------------------------------------------------

    def _work(self, deps: JobDeps, settings: Settings) -> Work:
        return Work(
            deps=deps,
            request=self.request,
            started=self._started,
            record_chunk=self._record_chunk,
            stopping=self.stopping,
            retry_training_after=settings.worker_heartbeat_timeout / 2,
        )

    def _started(self, job: str) -> None:
        """A requested job started: later requests send a new one."""
        try:
            self.claims.release(f"pending:{job}")
        except (redis.RedisError, OSError) as error:
            log.warning("could not clear the request for job %s (%s)", job, type(error).__name__)

    def _record_chunk(self, run: str, chunk: int, counts: ChunkCounts) -> None:
        if self.batches is not None:
            self.batches.record(run, chunk, counts)

    def _stub(self) -> StubBroker:
        assert isinstance(self.broker, StubBroker)
        return self.broker
