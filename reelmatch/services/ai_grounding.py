"""Grounding AI picks: only real catalog movies the user has not seen or dismissed get through.

A model can invent titles, mix up ids, suggest what the user already rated, repeat itself or
(when a diary note carries an injected instruction) name a movie nobody asked about. Every pick
is resolved against the catalog (by id when the id exists and its title agrees, otherwise by a
strict title + year search), then checked against the user's sets; everything that fails is
dropped and counted as a hallucination, with the reason kept for logs and "why?" displays.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from reelmatch.catalog.title_match import same_film, titles_match
from reelmatch.domain import Movie, MovieDetails, MoviePage, Recommendation
from reelmatch.llm import AiPick

DropReason = Literal[
    "not_in_catalog", "not_a_candidate", "rated", "watchlisted", "dismissed", "duplicate"
]


class PickLookup(Protocol):
    """What grounding needs from the catalog (both `Catalog` backends have it)."""

    def movies(self, movie_ids: list[int]) -> Sequence[Movie]: ...

    def search(self, query: str, *, year: int | None = None, page: int = 1) -> MoviePage: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class DroppedPick:
    pick: AiPick
    reason: DropReason


@dataclass(frozen=True, slots=True, kw_only=True)
class GroundedPicks:
    recommendations: tuple[Recommendation, ...]
    dropped: tuple[DroppedPick, ...] = ()

    @property
    def hallucinations(self) -> int:
        """Picks thrown away for any reason (what `recommendation_runs.hallucinations` holds)."""
        return len(self.dropped)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Exclusions:
    rated: Collection[int]
    watchlisted: Collection[int]
    dismissed: Collection[int]

    def reason(self, movie_id: int) -> DropReason | None:
        if movie_id in self.rated:
            return "rated"
        if movie_id in self.watchlisted:
            return "watchlisted"
        if movie_id in self.dismissed:
            return "dismissed"
        return None


def ground_picks(
    picks: Sequence[AiPick],
    *,
    catalog: PickLookup,
    rated_ids: Collection[int] = frozenset(),
    watchlist_ids: Collection[int] = frozenset(),
    dismissed_ids: Collection[int] = frozenset(),
    candidates: Sequence[Movie] | None = None,
    k: int | None = None,
) -> GroundedPicks:
    """Recommendations (source "ai", the model's sentence as the one reason) for the picks that
    name a real movie the user may be shown, best first, at most `k` of them.

    With `candidates`, a pick must also be one of them: the AI engine re-ranks the local
    engine's list, so anything else (an injected or remembered title) is dropped as
    "not_a_candidate". Picks after the k-th kept one are not examined (nor counted).
    Catalog errors (`UpstreamUnavailable`) propagate: the caller falls back as for any failure.
    """
    exclusions = _Exclusions(rated=rated_ids, watchlisted=watchlist_ids, dismissed=dismissed_ids)
    known = {movie.id: movie for movie in candidates or ()}
    allowed = set(known) if candidates is not None else None
    known.update(_lookup_ids(catalog, picks, already_known=known))
    kept: list[Recommendation] = []
    dropped: list[DroppedPick] = []
    seen: set[int] = set()
    for pick in picks:
        if k is not None and len(kept) >= k:
            break
        movie = _resolve(pick, known=known, catalog=catalog)
        reason = (
            _drop_reason(movie, allowed=allowed, seen=seen, exclusions=exclusions)
            if movie is not None
            else "not_in_catalog"
        )
        if movie is None or reason is not None:
            dropped.append(DroppedPick(pick=pick, reason=reason or "not_in_catalog"))
            continue
        seen.add(movie.id)
        kept.append(
            Recommendation(
                movie=movie, score=1.0 / (1 + len(kept)), reasons=(pick.reason,), source="ai"
            )
        )
    return GroundedPicks(recommendations=tuple(kept), dropped=tuple(dropped))


def _lookup_ids(
    catalog: PickLookup, picks: Sequence[AiPick], *, already_known: Collection[int]
) -> dict[int, Movie]:
    """One batched catalog call for the ids the candidates do not already cover."""
    wanted = sorted(
        {p.tmdb_id for p in picks if p.tmdb_id is not None and p.tmdb_id > 0} - set(already_known)
    )
    return {movie.id: _summary(movie) for movie in catalog.movies(wanted)} if wanted else {}


def _resolve(pick: AiPick, *, known: dict[int, Movie], catalog: PickLookup) -> Movie | None:
    by_id = known.get(pick.tmdb_id) if pick.tmdb_id is not None else None
    if by_id is not None and titles_match(pick.title, by_id.title):
        return by_id
    for movie in known.values():  # candidates first: no catalog request needed
        if same_movie(pick, movie):
            return movie
    for movie in catalog.search(pick.title).movies:
        if same_movie(pick, movie):
            return _summary(movie)
    return None


def _drop_reason(
    movie: Movie, *, allowed: set[int] | None, seen: set[int], exclusions: _Exclusions
) -> DropReason | None:
    if allowed is not None and movie.id not in allowed:
        return "not_a_candidate"
    if movie.id in seen:
        return "duplicate"
    return exclusions.reason(movie.id)


def same_movie(pick: AiPick, movie: Movie) -> bool:
    """The pick names this movie (see `reelmatch.catalog.title_match.same_film`)."""
    return same_film(pick.title, pick.year, movie_title=movie.title, movie_year=movie.year)


def _summary(movie: Movie) -> Movie:
    """The plain `Movie` part (a catalog may hand back `MovieDetails`)."""
    return movie.summary() if isinstance(movie, MovieDetails) else movie
