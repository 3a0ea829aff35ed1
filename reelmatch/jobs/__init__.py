"""Background work as jobs on dramatiq: metadata refresh, model training, event pruning and
rollups, cache warm-up, demo sandbox pruning (scheduled, once per period across all workers)
and `recommend --all-users` chunks.

With `REDIS_URL` the web processes only enqueue and `python -m reelmatch worker` runs the jobs;
without it the app runs them itself on an in-process broker. Wired by `reelmatch.bootstrap`
(`services.jobs`); the actors call plain functions in `tasks.py` over the services.
"""

from reelmatch.jobs.actors import (
    JOBS,
    METADATA_REFRESH,
    PRUNE_EVENTS,
    PRUNE_SANDBOXES,
    RECOMMEND_CHUNK,
    ROLLUP_EVENTS,
    TRAIN_MODEL,
    WARM_CACHE,
)
from reelmatch.jobs.status import JobCounts, JobsOverview, check_jobs
from reelmatch.jobs.system import Jobs
from reelmatch.jobs.tasks import JobDeps, TryLater

__all__ = [
    "JOBS",
    "METADATA_REFRESH",
    "PRUNE_EVENTS",
    "PRUNE_SANDBOXES",
    "RECOMMEND_CHUNK",
    "ROLLUP_EVENTS",
    "TRAIN_MODEL",
    "WARM_CACHE",
    "JobCounts",
    "JobDeps",
    "Jobs",
    "JobsOverview",
    "TryLater",
    "check_jobs",
]
