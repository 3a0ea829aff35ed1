"""The jobs as dramatiq actors, one queue each (so the Status page can count per job). Thin:
each calls its function in tasks.py; `TryLater` becomes dramatiq's `Retry` with its delay.

| job | what | retries (back-off from REELMATCH_JOB_RETRY_SECONDS, doubling up to) | time limit |
|---|---|---|---|
| metadata_refresh | one refresh pass; asks for the next when rows are left | 8 (15 min) | 30 min |
| train_model | train and publish when due | 10 (1 h) | 1 h |
| prune_events | roll old events into daily rows | 5 (1 h) | 1 h |
| prune_sandboxes | delete demo sandboxes idle for 24 h, expired sessions | 5 (1 h) | 30 min |
| rollup_events | roll completed hours into the analytics rollups | 5 (10 min) | 30 min |
| warm_cache | load the first page of every list | 3 (15 min) | 10 min |
| recommend_chunk | precompute a chunk of users (`recommend --all-users`) | 5 (5 min) | 30 min |

Message arguments are JSON (dramatiq's default encoder; never pickle). Scheduled runs carry
their `period` (for the ledger's history).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dramatiq
from dramatiq import Actor, Broker
from dramatiq.errors import Retry

from reelmatch.jobs import tasks
from reelmatch.jobs.tasks import ChunkOutcome, JobDeps, TryLater

METADATA_REFRESH = "metadata_refresh"
TRAIN_MODEL = "train_model"
PRUNE_EVENTS = "prune_events"
PRUNE_SANDBOXES = "prune_sandboxes"
ROLLUP_EVENTS = "rollup_events"
WARM_CACHE = "warm_cache"
RECOMMEND_CHUNK = "recommend_chunk"
#: Runs when a chunk is out of retries, on the chunk's queue: its users count as failed.
CHUNK_GAVE_UP = "recommend_chunk_gave_up"


@dataclass(frozen=True, slots=True)
class JobSpec:
    max_retries: int
    max_backoff: float  # seconds
    time_limit: float  # seconds

    def options(self) -> dict[str, Any]:
        return {
            "max_retries": self.max_retries,
            "max_backoff": int(self.max_backoff * 1000),
            "time_limit": int(self.time_limit * 1000),
        }


SPECS: dict[str, JobSpec] = {
    METADATA_REFRESH: JobSpec(8, 900, 1800),
    TRAIN_MODEL: JobSpec(10, 3600, 3600),
    PRUNE_EVENTS: JobSpec(5, 3600, 3600),
    PRUNE_SANDBOXES: JobSpec(5, 3600, 1800),
    ROLLUP_EVENTS: JobSpec(5, 600, 1800),
    WARM_CACHE: JobSpec(3, 900, 600),
    RECOMMEND_CHUNK: JobSpec(5, 300, 1800),
}
JOBS = tuple(SPECS)

ChunkCounts = dict[ChunkOutcome, int]


@dataclass(frozen=True, kw_only=True)
class Work:
    """What the actors need besides the services: how to ask for a job (deduplicated), to
    clear a pending request, to record a chunk, and the event that says "shutting down"."""

    deps: JobDeps
    request: Callable[[str], bool]
    started: Callable[[str], None]
    record_chunk: Callable[[str, int, ChunkCounts], None]
    stopping: threading.Event
    #: When a training lock may have expired (a dead holder's): retry a busy training then.
    retry_training_after: float


def declare_actors(broker: Broker, work: Work) -> dict[str, Actor[Any, Any]]:
    """The actors bound to `broker` (one set per broker: tests build many)."""

    def metadata_refresh(period: int | None = None) -> None:
        work.started(METADATA_REFRESH)
        report = tasks.refresh_metadata(work.deps, stop=work.stopping)
        if report.progressed and report.remaining and not work.stopping.is_set():
            work.request(METADATA_REFRESH)  # the next pass at once (the refresher paces itself)

    def train_model(period: int | None = None) -> None:
        work.started(TRAIN_MODEL)
        tasks.train_model(work.deps, retry_after=work.retry_training_after)

    def prune_events(period: int | None = None) -> None:
        tasks.prune_events(work.deps)

    def prune_sandboxes(period: int | None = None) -> None:
        tasks.prune_sandboxes(work.deps)

    def rollup_events(period: int | None = None) -> None:
        tasks.rollup_events(work.deps)

    def warm_cache(period: int | None = None) -> None:
        tasks.warm_lists(work.deps)

    def recommend_chunk(run: str, chunk: int, usernames: list[str], engine: str, k: int) -> None:
        counts = tasks.recommend_users(work.deps, usernames, engine=engine, k=k)
        work.record_chunk(run, chunk, counts)

    def recommend_chunk_gave_up(message: dict[str, Any], retries: dict[str, Any]) -> None:
        kwargs = message.get("kwargs", {})
        failed: ChunkCounts = {"computed": 0, "skipped": 0, "failed": len(kwargs["usernames"])}
        work.record_chunk(kwargs["run"], kwargs["chunk"], failed)

    bodies: dict[str, Callable[..., None]] = {
        METADATA_REFRESH: metadata_refresh,
        TRAIN_MODEL: train_model,
        PRUNE_EVENTS: prune_events,
        PRUNE_SANDBOXES: prune_sandboxes,
        ROLLUP_EVENTS: rollup_events,
        WARM_CACHE: warm_cache,
        RECOMMEND_CHUNK: recommend_chunk,
    }
    extra: dict[str, dict[str, Any]] = {RECOMMEND_CHUNK: {"on_retry_exhausted": CHUNK_GAVE_UP}}
    actors = {
        name: _actor(broker, name, body, queue=name, **SPECS[name].options(), **extra.get(name, {}))
        for name, body in bodies.items()
    }
    actors[CHUNK_GAVE_UP] = _actor(
        broker, CHUNK_GAVE_UP, recommend_chunk_gave_up, queue=RECOMMEND_CHUNK
    )
    return actors


def _actor(
    broker: Broker, name: str, body: Callable[..., None], *, queue: str, **options: Any
) -> Actor[Any, Any]:
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            body(*args, **kwargs)
        except TryLater as later:
            raise Retry(later.message, delay=max(1, int(later.delay * 1000))) from None

    run.__name__ = run.__qualname__ = name
    run.__module__ = __name__
    declare = dramatiq.actor(broker=broker, actor_name=name, queue_name=queue, **options)
    return declare(run)
