"""What each job does, as plain functions over the services: no task engine in here, so they
run and are tested without one. Each is idempotent (running it twice does the work once) and
raises when it should be retried later: an `UpstreamUnavailable` for TMDB or the database
failing, `TryLater` for "not now" (another process is training).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.exc import SQLAlchemyError

from reelmatch.catalog import Catalog
from reelmatch.config import Settings
from reelmatch.errors import NotFound, ReelmatchError, UpstreamUnavailable
from reelmatch.services.analytics import OPERATOR, AnalyticsService, PruneResult, RollupResult
from reelmatch.services.demo import DemoAccount
from reelmatch.services.metadata_refresh import MetadataRefresher, RefreshReport
from reelmatch.services.recommendations import RecommendationService
from reelmatch.services.sessions import SessionService
from reelmatch.services.users import UserService
from reelmatch.services.warmup import warm_cache

log = logging.getLogger(__name__)

#: Movies one metadata job refreshes at most; a job that leaves rows behind asks for the next.
PASS_LIMIT = 500
#: Pages of each list the warm-up job loads (the ones visitors open first).
WARM_PAGES = 1

ChunkOutcome = Literal["computed", "skipped", "failed"]


class TryLater(ReelmatchError):
    """Not an error: the job cannot do its work now and asks to run again after `delay`."""

    def __init__(self, message: str, *, delay: float) -> None:
        super().__init__(message)
        self.delay = delay


@dataclass(frozen=True, slots=True, kw_only=True)
class JobDeps:
    """The services the jobs call; built once per process by `reelmatch.bootstrap`."""

    settings: Settings
    metadata: MetadataRefresher
    recommendations: RecommendationService
    analytics: AnalyticsService
    users: UserService
    catalog: Catalog
    demo: DemoAccount
    sessions: SessionService


def refresh_metadata(deps: JobDeps, *, stop: threading.Event | None = None) -> RefreshReport:
    """One pass over at most `PASS_LIMIT` stale `movies` rows, paced; `stop` ends it early
    (a worker shutting down). TMDB or the database failing raises, to be retried."""
    stop = stop or threading.Event()
    report = deps.metadata.refresh(limit=PASS_LIMIT, wait=stop.wait)
    if report.failed:
        raise UpstreamUnavailable(report.error or "The metadata refresh failed.")
    return report


def train_model(deps: JobDeps, *, retry_after: float) -> str:
    """Train and publish when due ("trained"), else "fresh"; another process training now
    means `TryLater` (by then it has published, or died and its lock has expired)."""
    outcome = deps.recommendations.train_if_due()
    if outcome == "busy":
        raise TryLater("Another process is training the model.", delay=retry_after)
    return outcome


def prune_events(deps: JobDeps) -> PruneResult | None:
    """Roll events older than `REELMATCH_EVENTS_RETENTION_DAYS` into daily aggregates (a
    month per transaction, so a run cut short loses nothing and the next one goes on)."""
    days = deps.settings.events_retention_days
    if not days:
        return None
    try:
        return deps.analytics.prune(OPERATOR, older_than_days=days)
    except SQLAlchemyError as error:
        raise UpstreamUnavailable("The database is not available right now.") from error


def prune_sandboxes(deps: JobDeps) -> int:
    """Delete the demo sandboxes idle past their expiry, each with all its rows in one unit
    of work (decision 89), and the expired login sessions (decision 84); how many sandboxes.
    The database failing raises, to be retried."""
    try:
        deps.sessions.prune()
        return deps.demo.prune()
    except SQLAlchemyError as error:
        raise UpstreamUnavailable("The database is not available right now.") from error


def rollup_events(deps: JobDeps) -> RollupResult:
    """Roll the hours completed since the last run into the analytics rollups and rebuild
    the days that received late events (idempotent: a rerun rewrites the same rows)."""
    try:
        return deps.analytics.refresh_rollups()
    except SQLAlchemyError as error:
        raise UpstreamUnavailable("The database is not available right now.") from error


def warm_lists(deps: JobDeps) -> dict[str, Any]:
    """Load the lists pages open first into the cache; TMDB failing raises (retried)."""
    result = warm_cache(deps.catalog, pages=WARM_PAGES, details=False)
    if result["failed"]:
        raise UpstreamUnavailable("TMDB failed for " + "; ".join(result["failed"]))
    return result


def recommend_users(
    deps: JobDeps, usernames: Sequence[str], *, engine: str, k: int
) -> dict[ChunkOutcome, int]:
    """Compute and cache these users' lists unless cached for their current state (a user
    deleted since counts as skipped; one user's failure is counted, not raised)."""
    counts: dict[ChunkOutcome, int] = {"computed": 0, "skipped": 0, "failed": 0}
    service = deps.recommendations
    service.ensure_model()  # load the stored model (or train one) before the first list
    for username in usernames:
        try:
            user = deps.users.get_user(username)
            computed = service.precompute(user, engine=engine, k=k)
        except NotFound:
            counts["skipped"] += 1
            continue
        except ReelmatchError as error:
            log.warning("recommendations for %s failed: %s", username, error.message)
            counts["failed"] += 1
            continue
        counts["computed" if computed else "skipped"] += 1
    return counts
