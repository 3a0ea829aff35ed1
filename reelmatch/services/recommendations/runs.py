"""Recording runs, items and the analytics events about them.

Every computed list is one `recommendation_runs` row with its `recommendation_items`, written
in one transaction together with any recommended movie the local `movies` table lacks (the
items' foreign key needs it; on live TMDB such rows are marked for the metadata refresher, which
adds posters). Items are stamped shown, and one `recommendation_shown` event per item sent,
when a page shows them: at once for a page's own request, on first display for a list the
batch job computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reelmatch.domain import Recommendation, RecommendationsResult, User
from reelmatch.events import RECOMMENDATION_SHOWN, EventSink
from reelmatch.store.repositories.movies import NEEDS_REFRESH_AT
from reelmatch.store.repositories.recommendations import ItemValues, RunValues
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory


@dataclass(frozen=True, slots=True, kw_only=True)
class RunCost:
    """What the AI side of a run used (all zero for local runs)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    ai_requests: int = 0


class RunRecorder:
    def __init__(self, unit_of_work: UowFactory, *, events: EventSink, live: bool) -> None:
        self._unit_of_work = unit_of_work
        self._events = events
        self._live = live

    def record(
        self,
        user: User,
        result: RecommendationsResult,
        *,
        request: dict[str, Any],
        cost: RunCost,
        shown: bool,
    ) -> int:
        """Store the run and its items; returns the run id."""
        now = utcnow()
        run = RunValues(
            engine=result.engine,
            fingerprint=result.fingerprint,
            model=result.model,
            filters=request,
            prompt_tokens=cost.prompt_tokens,
            completion_tokens=cost.completion_tokens,
            cost_usd=cost.cost_usd,
            latency_ms=round(result.latency_ms, 3),
            hallucinations=result.hallucinations,
            notice=result.notice,
            ai_requests=cost.ai_requests,
        )
        with self._unit_of_work() as uow:
            stamp = NEEDS_REFRESH_AT if self._live else now
            uow.movies.add_missing([item.movie for item in result.items], fetched_at=stamp)
            run_id = uow.recommendations.add_run(
                user_id=user.id, run=run, items=_items(result.items), now=now, shown=shown
            )
            uow.commit()
        if shown:
            self._shown_events(user, result.items, engine=result.engine, run_id=run_id)
        return run_id

    def mark_shown(self, user: User, result: RecommendationsResult) -> None:
        """Stamp a stored list shown (once) and send its `recommendation_shown` events."""
        if result.run_id is None:
            return
        with self._unit_of_work() as uow:
            newly = uow.recommendations.mark_shown(
                user_id=user.id, run_id=result.run_id, now=utcnow()
            )
            uow.commit()
        if newly:
            self._shown_events(user, result.items, engine=result.engine, run_id=result.run_id)

    def _shown_events(
        self, user: User, items: Sequence[Recommendation], *, engine: str, run_id: int
    ) -> None:
        for item in items:
            self._events.record(
                RECOMMENDATION_SHOWN,
                user_id=user.id,
                engine=engine,
                movie_id=item.movie.id,
                run_id=run_id,
            )


def _items(items: Sequence[Recommendation]) -> list[ItemValues]:
    return [
        ItemValues(
            movie_id=item.movie.id,
            rank=rank,
            score=float(item.score),
            reasons=item.reasons,
            source=item.source,
        )
        for rank, item in enumerate(items, start=1)
    ]
