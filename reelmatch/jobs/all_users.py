"""The command's side of `recommend --all-users` with Redis: open (or rejoin) the run, send
its chunks, help with `threads` threads of its own, and follow the progress to the end.

Ctrl-C stops this command's threads after their chunks; the chunks left stay queued for the
workers, and the same command started again follows the same run. If the run's messages were
lost (Redis restarted without persistence) the command notices that nothing is queued or
running while chunks are missing, and sends those again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from reelmatch.jobs.actors import RECOMMEND_CHUNK
from reelmatch.jobs.batch import BatchPlan, BatchStore
from reelmatch.services.recommendations import BatchReport

if TYPE_CHECKING:
    from reelmatch.jobs.system import Jobs

POLL_SECONDS = 0.25
#: No chunk finished for this long and none queued or running: the missing ones are re-sent.
STALL_SECONDS = 30.0

Progress = Callable[[int], None]


def precompute_with_workers(
    jobs: Jobs,
    usernames: Sequence[str],
    *,
    engine: str,
    k: int,
    chunk_size: int,
    threads: int,
    progress: Progress | None = None,
    on_resume: Callable[[BatchPlan], None] | None = None,
) -> BatchReport:
    """Every user's list computed unless cached, shared with the workers; see the module."""
    store = _store(jobs)
    ordered = sorted(usernames)
    chunks = [ordered[i : i + chunk_size] for i in range(0, len(ordered), chunk_size)]
    plan, resumed = store.open(chunks, engine=engine, k=k)
    if resumed and on_resume is not None:
        on_resume(plan)
    _send_unsent(jobs, store, plan)
    helper = jobs.worker(threads=threads, queues={RECOMMEND_CHUNK}, schedule=False)
    if threads:
        helper.start()
    interrupted = False
    try:
        done = _follow(jobs, store, plan, progress or (lambda _users: None))
    except KeyboardInterrupt:
        interrupted, done = True, store.done(plan)
    finally:
        helper.stop()
    if not interrupted:
        store.close(plan)
    totals = {name: sum(c.get(name, 0) for c in done.values()) for name in _OUTCOMES}
    return BatchReport(
        users=plan.users,
        seconds=round(time.time() - plan.started_at, 3),
        interrupted=interrupted,
        **totals,
    )


_OUTCOMES = ("computed", "skipped", "failed")


def _store(jobs: Jobs) -> BatchStore:
    if jobs.batches is None:
        raise RuntimeError("precompute_with_workers needs REDIS_URL")  # the CLI checks first
    return jobs.batches


def _send_unsent(jobs: Jobs, store: BatchStore, plan: BatchPlan) -> None:
    """Send each chunk nobody has sent yet (all of them for a new run; for a rejoined run,
    any its first command did not get to before it was stopped)."""
    for index in range(plan.chunks):
        if store.claim_send(plan, index):
            _send(jobs, store, plan, index)


def _send(jobs: Jobs, store: BatchStore, plan: BatchPlan, index: int) -> None:
    jobs.send(
        RECOMMEND_CHUNK,
        run=plan.run,
        chunk=index,
        usernames=store.chunk(plan, index),
        engine=plan.engine,
        k=plan.k,
    )


def _follow(
    jobs: Jobs, store: BatchStore, plan: BatchPlan, progress: Progress
) -> dict[int, dict[str, int]]:
    seen: dict[int, dict[str, int]] = {}
    moved = time.monotonic()
    while True:
        done = store.done(plan)
        for chunk in sorted(set(done) - set(seen)):
            seen[chunk] = done[chunk]
            progress(sum(done[chunk].values()))
            moved = time.monotonic()
        if len(seen) >= plan.chunks:
            return seen
        if time.monotonic() - moved > STALL_SECONDS and _chunk_queue_idle(jobs):
            for index in sorted(set(range(plan.chunks)) - set(seen)):
                _send(jobs, store, plan, index)
            moved = time.monotonic()
        time.sleep(POLL_SECONDS)


def _chunk_queue_idle(jobs: Jobs) -> bool:
    counts = jobs.overview().job(RECOMMEND_CHUNK)
    return counts.queued + counts.running + counts.retrying == 0
