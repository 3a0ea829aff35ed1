"""The AI engine: the local engine's candidates, re-ranked by an OpenAI-compatible model, then
grounded; the local list with a visible notice whenever that cannot happen.

One request per taste: the grounded picks are kept under the user's taste digest (ratings,
diary, preferences, the request), so a dismissal or a watchlist change reuses them (minus what
is now excluded) instead of asking again. The daily budget counts requests actually sent
(`recommendation_runs.ai_requests`) since the start of the user's local day. The prompt holds
the acting user's taste profile only (`build_taste_profile`): no other user's data, no names.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reelmatch.domain import Preferences, Recommendation, User
from reelmatch.errors import ReelmatchError
from reelmatch.events import ERROR, DiscardEvents, EventSink
from reelmatch.llm import AiPicks, OpenAIClient
from reelmatch.services.ai_grounding import GroundedPicks, PickLookup, ground_picks
from reelmatch.services.ai_profile import build_taste_profile, candidates_for_prompt
from reelmatch.services.recommendations.results import ResultCache, StoredPicks
from reelmatch.services.recommendations.runs import RunCost
from reelmatch.services.recommendations.state import UserState
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

log = logging.getLogger(__name__)

SHOWING_LOCAL = "showing the local engine's picks instead."
NO_KEY = f"AI picks need an OpenAI API key (OPENAI_API_KEY) on this server; {SHOWING_LOCAL}"
SWITCHED_OFF = f"AI picks are switched off on this server; {SHOWING_LOCAL}"
NO_COST = RunCost()
NOTHING_MATCHED = f"The AI's picks did not match movies we can show; {SHOWING_LOCAL}"
#: `where` of the `error` events of failed AI requests (the page shows a notice instead).
ERROR_AREA = "AI picks"


def budget_spent_notice(budget: int) -> str:
    return (
        f"You have used today's {budget} AI requests, so AI picks are back tomorrow; "
        f"{SHOWING_LOCAL}"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AiStatus:
    """Whether the acting user can get AI picks now, and if not, why (for the page)."""

    available: bool
    reason: str | None = None
    left_today: int | None = None
    #: False when this server has no OpenAI key: `reason` is then for its operator (admins).
    configured: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class AiOutcome:
    items: tuple[Recommendation, ...]
    engine: str  # "ai", or "local" after a fallback
    notice: str | None = None
    model: str | None = None
    hallucinations: int = 0
    cost: RunCost = field(default_factory=RunCost)
    #: What the picks shown cost when they were requested (also for reused picks).
    picks_cost_usd: float | None = None
    reused: bool = False
    #: A failure's fallback: keep it briefly, so the AI is tried again soon.
    failed: bool = False


class AiPicker:
    def __init__(
        self,
        *,
        client: OpenAIClient | None,
        catalog: PickLookup,
        unit_of_work: UowFactory,
        results: ResultCache,
        daily_budget: int,
        events: EventSink | None = None,
    ) -> None:
        self._client = client
        self._catalog = catalog
        self._unit_of_work = unit_of_work
        self._results = results
        self._budget = daily_budget
        self._events: EventSink = events or DiscardEvents()

    def status(self, user: User, preferences: Preferences) -> AiStatus:
        if self._client is None:
            return AiStatus(available=False, reason=NO_KEY, configured=False)
        if self._budget <= 0:
            return AiStatus(available=False, reason=SWITCHED_OFF, left_today=0)
        left = max(0, self._budget - self._used_today(user, preferences))
        if not left:
            return AiStatus(available=False, reason=budget_spent_notice(self._budget), left_today=0)
        return AiStatus(available=True, left_today=left)

    def pick(
        self, state: UserState, *, pool: Sequence[Recommendation], k: int, digest: str
    ) -> AiOutcome:
        """AI picks for `state` from `pool` (the local engine's best, best first)."""
        stored = self._results.get_picks(state.user.id, digest)
        if stored is not None:
            return _reuse(stored, state, pool=pool, k=k)
        if not pool:
            return AiOutcome(items=(), engine="ai")
        status = self.status(state.user, state.preferences)
        if not status.available or self._client is None:
            return _fallback(pool, k=k, notice=status.reason or NO_KEY)
        return self._ask(self._client, state, pool=pool, k=k, digest=digest)

    def _ask(
        self,
        client: OpenAIClient,
        state: UserState,
        *,
        pool: Sequence[Recommendation],
        k: int,
        digest: str,
    ) -> AiOutcome:
        with self._unit_of_work(read_only=True) as uow:
            library = uow.library.library(user_id=state.user.id)
        profile = build_taste_profile(library, state.preferences)
        candidates = candidates_for_prompt([item.movie for item in pool])
        try:
            answer = client.pick_movies(profile, candidates, k=k, user_id=state.user.id)
        except ReelmatchError as error:
            self._record_error(error, state.user)
            return _failed(error, pool, k=k, model=client.model, cost=RunCost(ai_requests=1))
        cost = _cost(answer)
        try:
            grounded = self._ground(answer, state, pool=pool, k=k)
        except ReelmatchError as error:  # the catalog failed while checking the picks
            self._record_error(error, state.user)
            return _failed(error, pool, k=k, model=answer.model, cost=cost)
        if not grounded.recommendations:
            return _fallback(
                pool, k=k, notice=NOTHING_MATCHED, model=answer.model, cost=cost,
                hallucinations=grounded.hallucinations, failed=True,
            )  # fmt: skip
        stored = StoredPicks(
            picks=grounded.recommendations,
            model=answer.model,
            cost_usd=answer.cost_usd,
            hallucinations=grounded.hallucinations,
        )
        self._results.put_picks(state.user.id, digest, stored)
        return AiOutcome(
            items=_top_up(grounded.recommendations, pool, k=k),
            engine="ai",
            model=answer.model,
            hallucinations=grounded.hallucinations,
            cost=cost,
            picks_cost_usd=answer.cost_usd,
        )

    def _ground(
        self, answer: AiPicks, state: UserState, *, pool: Sequence[Recommendation], k: int
    ) -> GroundedPicks:
        return ground_picks(
            answer.picks,
            catalog=self._catalog,
            rated_ids=state.rated_ids,
            watchlist_ids=state.watchlist,
            dismissed_ids=state.dismissed,
            candidates=[item.movie for item in pool],
            k=k,
        )

    def _record_error(self, error: ReelmatchError, user: User) -> None:
        """The page shows this failure as a notice above local picks, not through the error
        display, so it is recorded here to count among the errors people ran into."""
        self._events.record(ERROR, user_id=user.id, where=ERROR_AREA, type=type(error).__name__)

    def _used_today(self, user: User, preferences: Preferences) -> int:
        since = local_day_start(preferences.timezone, utcnow())
        with self._unit_of_work(read_only=True) as uow:
            return uow.recommendations.ai_requests_since(user_id=user.id, since=since)


def local_day_start(timezone: str, now: datetime) -> datetime:
    """Midnight of `now`'s day in `timezone` (UTC when unknown), as a UTC datetime."""
    zone: tzinfo
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    local = now.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _cost(answer: AiPicks) -> RunCost:
    return RunCost(
        prompt_tokens=answer.usage.prompt_tokens,
        completion_tokens=answer.usage.completion_tokens,
        cost_usd=answer.cost_usd or 0.0,
        ai_requests=1,
    )


def _failed(
    error: ReelmatchError,
    pool: Sequence[Recommendation],
    *,
    k: int,
    model: str | None,
    cost: RunCost,
) -> AiOutcome:
    log.info("AI picks failed for a user (%s); local fallback", type(error).__name__)
    notice = f"AI picks are unavailable right now ({error.message}); {SHOWING_LOCAL}"
    return _fallback(pool, k=k, notice=notice, model=model, cost=cost, failed=True)


def _reuse(
    stored: StoredPicks, state: UserState, *, pool: Sequence[Recommendation], k: int
) -> AiOutcome:
    excluded = state.excluded_ids()
    kept = tuple(item for item in stored.picks if item.movie.id not in excluded)
    return AiOutcome(
        items=_top_up(kept, pool, k=k),
        engine="ai",
        model=stored.model,
        hallucinations=stored.hallucinations,
        picks_cost_usd=stored.cost_usd,
        reused=True,
    )


def _fallback(
    pool: Sequence[Recommendation],
    *,
    k: int,
    notice: str,
    model: str | None = None,
    cost: RunCost = NO_COST,
    hallucinations: int = 0,
    failed: bool = False,
) -> AiOutcome:
    return AiOutcome(
        items=tuple(pool[:k]),
        engine="local",
        notice=notice,
        model=model,
        hallucinations=hallucinations,
        cost=cost,
        picks_cost_usd=cost.cost_usd if cost.ai_requests else None,
        failed=failed,
    )


def _top_up(
    picks: Sequence[Recommendation], pool: Sequence[Recommendation], *, k: int
) -> tuple[Recommendation, ...]:
    """The AI's picks first, then the local engine's next best to fill a page of `k`."""
    chosen = list(picks[:k])
    taken = {item.movie.id for item in chosen}
    chosen.extend(item for item in pool if item.movie.id not in taken)
    return tuple(chosen[:k])
