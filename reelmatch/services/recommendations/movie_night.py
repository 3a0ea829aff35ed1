"""Movie night: one list for 2–6 people, scored so nobody hates the choice.

Each member's own predicted scores come from the same model (their history at the moment of
asking), over movies none of them has rated, logged or dismissed, without anyone's avoided
genres. Scores are scaled to 0–1 within each member's list (a movie missing from someone's
top `DEPTH` counts 0 for them), then blended: group = w·min + (1 − w)·mean (least misery plus
the average). `fits` names the members for whom it is a strong match. Reasons never quote a
member's ratings: other members see them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from reelmatch.domain import (
    Movie,
    MovieNightPick,
    MovieNightResult,
    Recommendation,
    RecommendationFilters,
    RecommendationsResult,
    User,
)
from reelmatch.errors import InvalidInput, NotAllowed
from reelmatch.recommend import HybridRecommender, Recommender
from reelmatch.services.recommendations.keeper import ModelKeeper
from reelmatch.services.recommendations.runs import RunCost, RunRecorder
from reelmatch.services.recommendations.state import UserState, load_state
from reelmatch.store.mapping import user_from_row
from reelmatch.store.uow import UowFactory

MIN_MEMBERS, MAX_MEMBERS = 2, 6
DEPTH = 200  # each member's top movies scored
LEAST_MISERY_WEIGHT = 0.5
FITS_AT = 0.6  # a member's scaled score from which a movie "fits their taste"
SOURCE = "movie-night"


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    state: UserState


def plan_movie_night(
    model: Recommender,
    members: Sequence[Member],
    *,
    k: int,
    filters: RecommendationFilters,
) -> tuple[MovieNightPick, ...]:
    engine = _without_diversity(model)
    group_filters = _group_filters(members, filters)
    seen = frozenset().union(*(m.state.seen_ids | m.state.dismissed for m in members))
    lists = [_member_scores(engine, m, seen=seen, filters=group_filters) for m in members]
    movies = {item.movie.id: item.movie for scored in lists for item in scored.values()}
    if not movies:
        return ()
    ids = sorted(movies)
    scaled = np.array([[_scaled(scored).get(i, 0.0) for i in ids] for scored in lists])
    group = LEAST_MISERY_WEIGHT * scaled.min(axis=0) + (1 - LEAST_MISERY_WEIGHT) * scaled.mean(
        axis=0
    )
    order = sorted(range(len(ids)), key=lambda c: (-group[c], ids[c]))[:k]
    names = [m.name for m in members]
    return tuple(_pick(movies[ids[c]], float(group[c]), scaled[:, c], names=names) for c in order)


def _member_scores(
    engine: Recommender, member: Member, *, seen: frozenset[int], filters: RecommendationFilters
) -> dict[int, Recommendation]:
    history = replace(member.state.history(), dismissed=seen)
    own = filters.model_copy(update={"favourite_genres": member.state.preferences.favourite_genres})
    return {item.movie.id: item for item in engine.recommend(history, DEPTH, filters=own)}


def _scaled(scored: dict[int, Recommendation]) -> dict[int, float]:
    if not scored:
        return {}
    values = [item.score for item in scored.values()]
    low, high = min(values), max(values)
    spread = high - low
    return {i: (item.score - low) / spread if spread > 0 else 1.0 for i, item in scored.items()}


def _pick(
    movie: Movie, score: float, scaled: npt.NDArray[np.float64], *, names: list[str]
) -> MovieNightPick:
    ranked = sorted(range(len(names)), key=lambda m: (-scaled[m], names[m]))
    fits = tuple(names[m] for m in ranked if scaled[m] >= FITS_AT) or (names[ranked[0]],)
    # No per-member percentage here: a member's scaled score is a place in their own list,
    # not a "match", and it is not in the picks' order ("at least a 100% match"). The page
    # shows the group score, which the picks are sorted by.
    reasons = [f"Fits the taste of {_join(fits)}"]
    if float(scaled.min()) > 0:
        reasons.append("Nobody's weak spot: it is on everyone's list")
    return MovieNightPick(
        movie=movie,
        score=round(score, 6),
        fits=fits,
        reasons=tuple(reasons),
    )


def _group_filters(
    members: Sequence[Member], filters: RecommendationFilters
) -> RecommendationFilters:
    """The page's filters, everyone's avoided genres, adult movies hidden if anyone hides
    them, and watchlisted movies allowed (someone wanting to see it is a good sign)."""
    avoided = sorted({g for m in members for g in m.state.preferences.avoided_genres})
    return filters.model_copy(
        update={
            "avoided_genres": tuple(avoided),
            "hide_adult": any(m.state.preferences.hide_adult for m in members),
            "include_watchlist": True,
            "include_seen": False,
        }
    )


def _without_diversity(model: Recommender) -> Recommender:
    """Scores only: diversity re-ranking of each member's 200 would be wasted work."""
    if isinstance(model, HybridRecommender) and model.config.diversity > 0:
        return model.reconfigured(replace(model.config, diversity=0.0))
    return model


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class MovieNightPlanner:
    """Who can take part (people who opted in), and the recorded plan for a group."""

    def __init__(self, unit_of_work: UowFactory, *, keeper: ModelKeeper, runs: RunRecorder) -> None:
        self._unit_of_work = unit_of_work
        self._keeper = keeper
        self._runs = runs

    def members(self, user: User) -> list[User]:
        """Everyone who opted in to movie night (the acting user included, if they did).
        Demo sandboxes are private: each sees only itself among them."""
        with self._unit_of_work(read_only=True) as uow:
            opted = set(uow.preferences.opted_in_user_ids())
            rows = [
                row
                for row in uow.users.all()
                if row.id in opted and (row.sandbox_expires_at is None or row.id == user.id)
            ]
            people = [user_from_row(row) for row in rows]
        return sorted(people, key=lambda person: (person.display_name.casefold(), person.id))

    def plan(
        self,
        user: User,
        usernames: Sequence[str],
        *,
        k: int,
        filters: RecommendationFilters | None,
    ) -> MovieNightResult:
        started = time.perf_counter()
        people = self._validated(user, usernames)
        members = [Member(p.display_name, load_state(self._unit_of_work, p)) for p in people]
        model = self._keeper.model()
        picks = plan_movie_night(
            model.engine, members, k=k, filters=filters or RecommendationFilters()
        )
        result = RecommendationsResult(
            items=tuple(
                Recommendation(movie=p.movie, score=p.score, reasons=p.reasons, source=SOURCE)
                for p in picks
            ),
            engine=SOURCE,
            requested=SOURCE,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            fingerprint="",
        )
        request = {"engine": SOURCE, "k": k, "members": [p.username for p in people]}
        self._runs.record(user, result, request=request, cost=RunCost(), shown=True)
        return MovieNightResult(members=tuple(m.name for m in members), picks=picks)

    def _validated(self, user: User, usernames: Sequence[str]) -> list[User]:
        wanted = list(dict.fromkeys(name.strip().lower() for name in usernames if name.strip()))
        if not MIN_MEMBERS <= len(wanted) <= MAX_MEMBERS:
            raise InvalidInput(
                f"Movie night is for {MIN_MEMBERS} to {MAX_MEMBERS} people; {len(wanted)} chosen."
            )
        everyone = {person.username: person for person in self.members(user)}
        if user.username not in everyone:
            raise NotAllowed("Opt in to movie night in Settings to plan one with others.")
        missing = [name for name in wanted if name not in everyone]
        if missing:
            raise InvalidInput(
                f"Only people who opted in to movie night can join; {', '.join(missing)} did not."
            )
        return [everyone[name] for name in wanted]
