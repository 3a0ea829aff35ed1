"""`recommend --all-users`: precompute and cache every user's list, a few at a time.

Resumable by construction: a user whose list for their current state (the same fingerprint a
page would ask for) is already cached is skipped, so running again after an interruption only
computes the rest. Concurrency is bounded by `workers` threads; SQLite writes queue on its busy
timeout, PostgreSQL takes them in parallel.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Literal

from reelmatch.domain import User
from reelmatch.errors import ReelmatchError
from reelmatch.services.recommendations.service import RecommendationService

log = logging.getLogger(__name__)

Outcome = Literal["computed", "skipped", "failed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchReport:
    users: int
    computed: int
    skipped: int
    failed: int
    seconds: float
    interrupted: bool = False


def precompute_all(
    service: RecommendationService,
    users: Sequence[User],
    *,
    engine: str = "local",
    k: int = 10,
    workers: int = 4,
    progress: Callable[[Outcome], None] | None = None,
) -> BatchReport:
    """Each user's list, computed unless cached. Ctrl-C stops after the lists in progress.
    The model is loaded (or trained) first, so no list is computed with the fallback."""
    started = time.perf_counter()
    service.ensure_model()
    counts: dict[Outcome, int] = {"computed": 0, "skipped": 0, "failed": 0}
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="reelmatch-batch")
    interrupted = False
    try:
        futures: list[Future[Outcome]] = [
            pool.submit(_one, service, user, engine=engine, k=k) for user in users
        ]
        for future in as_completed(futures):
            outcome = future.result()
            counts[outcome] += 1
            if progress is not None:
                progress(outcome)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return BatchReport(
        users=len(users),
        computed=counts["computed"],
        skipped=counts["skipped"],
        failed=counts["failed"],
        seconds=round(time.perf_counter() - started, 3),
        interrupted=interrupted,
    )


def _one(service: RecommendationService, user: User, *, engine: str, k: int) -> Outcome:
    try:
        return "computed" if service.precompute(user, engine=engine, k=k) else "skipped"
    except ReelmatchError as error:
        log.warning("recommendations for user %d failed: %s", user.id, error.message)
        return "failed"
