"""The recommendations use case: what the "For you" page, the CLI and the batch job call.

`recommend` reads the user's state, fingerprints it (with the request and the model), and
answers from the per-user cache or computes: the local engine, or the AI engine on top of it
with a visible fallback. Every computed list is recorded as a run. Models are kept by
`ModelKeeper`, which never trains on this path (training is a job: `train_if_due`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from reelmatch.cache.singleflight import SingleFlight
from reelmatch.catalog import Catalog
from reelmatch.domain import (
    MovieNightResult,
    Preferences,
    Recommendation,
    RecommendationFilters,
    RecommendationsResult,
    User,
)
from reelmatch.events import EventSink
from reelmatch.llm import MAX_CANDIDATES
from reelmatch.services.recommendations.ai import AiOutcome, AiPicker, AiStatus
from reelmatch.services.recommendations.availability import StreamingAvailability
from reelmatch.services.recommendations.feedback import FeedbackRecorder
from reelmatch.services.recommendations.keeper import FittedModel, ModelInfo, ModelKeeper
from reelmatch.services.recommendations.movie_night import MovieNightPlanner
from reelmatch.services.recommendations.requests import (
    PicksRequest,
    RecommendationOptions,
    check_k,
    picks_request,
)
from reelmatch.services.recommendations.results import ResultCache
from reelmatch.services.recommendations.runs import RunRecorder
from reelmatch.services.recommendations.state import (
    UserState,
    fingerprint,
    load_state,
    taste_digest,
)
from reelmatch.services.recommendations.stored import FAILURE_TTL
from reelmatch.store.mapping import preferences_from_row
from reelmatch.store.repositories.stored_runs import TASTE_DIGEST
from reelmatch.store.uow import UowFactory

AI_POOL = 50  # local candidates the AI chooses from
WARMING_UP = "Personal picks are being prepared; these are popular picks for now."


class RecommendationService:
    def __init__(
        self,
        unit_of_work: UowFactory,
        *,
        catalog: Catalog,
        events: EventSink,
        keeper: ModelKeeper,
        results: ResultCache,
        ai: AiPicker,
        feedback: FeedbackRecorder,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._keeper = keeper
        self._results = results
        self._ai = ai
        self._feedback = feedback
        self._availability = StreamingAvailability(catalog)
        self._runs = RunRecorder(unit_of_work, events=events, live=catalog.mode != "offline")
        self._movie_night = MovieNightPlanner(unit_of_work, keeper=keeper, runs=self._runs)
        self._flight = SingleFlight()

    # Recommendations -----------------------------------------------------------------------

    def recommend(
        self,
        user: User,
        *,
        engine: str = "local",
        k: int = 10,
        filters: RecommendationFilters | None = None,
        shown: bool = True,
    ) -> RecommendationsResult:
        """Up to `k` movies for `user`. `shown=False` for lists nobody looks at yet (the batch
        job, the CLI): their items are stamped shown when a page first serves them."""
        request = picks_request(user, engine=engine, k=k, filters=filters, shown=shown)
        return self._answer(request, skip_cached=False)[0]

    def precompute(self, user: User, *, engine: str = "local", k: int = 10) -> bool:
        """Compute and cache the user's list unless the cache already holds it for their
        current state; True when it was computed (the batch job's resumable unit)."""
        request = picks_request(user, engine=engine, k=k, filters=None, shown=False)
        return self._answer(request, skip_cached=True)[1]

    def ai_status(self, user: User) -> AiStatus:
        """Whether AI picks can be asked for now, why not, and how many are left today."""
        return self._ai.status(user, self._preferences(user))

    def streaming_filter_available(self, user: User) -> bool:
        """True when "only on my services" can be offered to this user."""
        return self._availability.usable(self._preferences(user))

    def options(self, user: User) -> RecommendationOptions:
        """What the page may offer this user (one preferences read)."""
        preferences = self._preferences(user)
        return RecommendationOptions(
            ai=self._ai.status(user, preferences),
            streaming_filter=self._availability.usable(preferences),
            has_ratings=self._has_ratings(user),
        )

    # Feedback ------------------------------------------------------------------------------

    def feedback(
        self,
        user: User,
        movie_id: int,
        kind: str,
        *,
        run_id: int | None = None,
        log_watch: bool = False,
    ) -> None:
        self._feedback.feedback(user, movie_id, kind, run_id=run_id, log_watch=log_watch)

    def clicked(self, user: User, movie_id: int, *, run_id: int | None = None) -> None:
        self._feedback.clicked(user, movie_id, run_id=run_id)

    def library_changed(self, user: User, movie_id: int, change: str) -> None:
        """The library service's observer: conversions, and a count towards retraining."""
        self._feedback.library_changed(user, movie_id, change)
        if change == "rated":
            self._keeper.note_change()

    # Movie night ---------------------------------------------------------------------------

    def movie_night_members(self, user: User) -> list[User]:
        return self._movie_night.members(user)

    def movie_night(
        self,
        user: User,
        usernames: Sequence[str],
        *,
        k: int = 10,
        filters: RecommendationFilters | None = None,
    ) -> MovieNightResult:
        return self._movie_night.plan(user, usernames, k=check_k(k, "local"), filters=filters)

    # The model -----------------------------------------------------------------------------

    @property
    def keeper(self) -> ModelKeeper:
        """The model lifecycle (tests and the status page read its counters)."""
        return self._keeper

    def ensure_model(self) -> ModelInfo:
        """Load the stored model, or train one now if there is none (CLI, batch)."""
        return self._keeper.ensure().info

    def retrain(self) -> ModelInfo:
        return self._keeper.retrain().info

    def train_if_due(self) -> str:
        """The training job's work: "trained", "fresh" (nothing to do) or "busy"."""
        return self._keeper.train_if_due()

    # Internals -----------------------------------------------------------------------------

    def _preferences(self, user: User) -> Preferences:
        with self._unit_of_work(read_only=True) as uow:
            return preferences_from_row(uow.preferences.get(user_id=user.id))

    def _has_ratings(self, user: User) -> bool:
        with self._unit_of_work(read_only=True) as uow:
            return uow.recommendations.has_ratings(user_id=user.id)

    def _answer(
        self, request: PicksRequest, *, skip_cached: bool
    ) -> tuple[RecommendationsResult, bool]:
        started = time.perf_counter()
        state = load_state(self._unit_of_work, request.user)
        model = self._keeper.model()
        key = fingerprint(state, request.data(), model_id=model.info.model_id)
        stored = self._results.get(request.user.id, key)
        if stored is not None:
            if skip_cached:
                return stored.result, False
            if request.shown and not stored.shown:
                self._runs.mark_shown(request.user, stored.result)
                self._results.put(request.user.id, stored.result, shown=True)
            return replace(stored.result, from_cache=True, latency_ms=_since(started)), False
        result, ran = self._flight.run(
            f"{request.user.id}:{key}",
            lambda: self._compute(request, state=state, model=model, key=key, started=started),
        )
        return (result, True) if ran else (replace(result, from_cache=True), False)

    def _compute(
        self,
        request: PicksRequest,
        *,
        state: UserState,
        model: FittedModel,
        key: str,
        started: float,
    ) -> RecommendationsResult:
        filters, notice = self._availability.resolve(request.filters, state.preferences)
        filters = filters.with_preferences(state.preferences)
        asked = request.data()
        if request.engine == "ai":  # stored with the run: its picks answer this taste again
            asked[TASTE_DIGEST] = taste_digest(state, request.data())
        outcome = self._outcome(request, state=state, model=model, filters=filters, asked=asked)
        notices = [notice, outcome.notice, WARMING_UP if model.is_fallback else None]
        result = RecommendationsResult(
            items=outcome.items,
            engine=outcome.engine,
            requested=request.engine,
            notice=" ".join(n for n in notices if n) or None,
            latency_ms=_since(started),
            cost_usd=outcome.picks_cost_usd,
            model=outcome.model,
            hallucinations=outcome.hallucinations,
            from_cache=outcome.reused,
            fingerprint=key,
        )
        run_id = self._runs.record(
            request.user, result, request=asked, cost=outcome.cost, shown=request.shown
        )
        result = replace(result, run_id=run_id)
        ttl = FAILURE_TTL if outcome.failed else None
        self._results.put(request.user.id, result, shown=request.shown, ttl=ttl)
        return result

    def _outcome(
        self,
        request: PicksRequest,
        *,
        state: UserState,
        model: FittedModel,
        filters: RecommendationFilters,
        asked: dict[str, Any],
    ) -> AiOutcome:
        history = state.history()
        if request.engine == "local":
            items = model.engine.recommend(history, request.k, filters=filters)
            return AiOutcome(items=tuple(items), engine="local")
        size = min(MAX_CANDIDATES, max(AI_POOL, 2 * request.k))
        pool: list[Recommendation] = model.engine.recommend(history, size, filters=filters)
        return self._ai.pick(state, pool=pool, k=request.k, digest=asked[TASTE_DIGEST])


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
