"""Results and AI picks read back from `recommendation_runs`: the level behind the cache.

Every computed list is already stored as a run with its fingerprint (and an AI run with the
taste digest of its picks). A run younger than `REELMATCH_RECS_TTL` answers again, so a
restarted app, another process or a second CLI call on the same database never pays OpenAI
twice for a taste that has not changed. A list that fell back after an AI failure answers
only for `FAILURE_TTL`, as in the cache, so the AI is asked again soon.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from reelmatch.domain import Recommendation, RecommendationsResult
from reelmatch.store.repositories.stored_runs import StoredRun
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

#: Seconds a fallback after an AI failure is kept before the AI is asked again.
FAILURE_TTL = 300.0


class StoredResults:
    def __init__(self, unit_of_work: UowFactory, *, ttl: float) -> None:
        self._unit_of_work = unit_of_work
        self._ttl = ttl

    def result(self, user_id: int, fingerprint: str) -> tuple[RecommendationsResult, bool] | None:
        """The stored list for this fingerprint and whether it was shown, if fresh enough."""
        with self._unit_of_work(read_only=True) as uow:
            run = uow.stored_runs.latest(
                user_id=user_id, fingerprint=fingerprint, since=self._since()
            )
        if run is None or (_after_failure(run) and _age(run) > FAILURE_TTL):
            return None
        result = RecommendationsResult(
            items=_recommendations(run),
            engine=run.engine,
            requested=str(run.filters.get("engine", run.engine)),
            notice=run.notice,
            cost_usd=run.cost_usd or None,
            model=run.model,
            hallucinations=run.hallucinations,
            run_id=run.run_id,
            fingerprint=fingerprint,
        )
        return result, any(item.shown for item in run.items)

    def picks(self, user_id: int, digest: str) -> StoredRun | None:
        """The newest paid AI run for this taste digest, if fresh enough."""
        with self._unit_of_work(read_only=True) as uow:
            return uow.stored_runs.latest_picks(user_id=user_id, digest=digest, since=self._since())

    def _since(self) -> datetime:
        return utcnow() - timedelta(seconds=self._ttl)


def ai_picks(run: StoredRun) -> tuple[Recommendation, ...]:
    """The items the AI chose (the run may be topped up with the local engine's)."""
    return tuple(item for item in _recommendations(run) if item.source == "ai")


def _recommendations(run: StoredRun) -> tuple[Recommendation, ...]:
    return tuple(
        Recommendation(movie=item.movie, score=item.score, reasons=item.reasons, source=item.source)
        for item in run.items
    )


def _after_failure(run: StoredRun) -> bool:
    """The AI was asked (and paid) but the list fell back to the local engine."""
    return run.filters.get("engine") == "ai" and run.engine != "ai" and run.ai_requests > 0


def _age(run: StoredRun) -> float:
    return (utcnow() - run.created_at).total_seconds()
