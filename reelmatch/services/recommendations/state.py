"""One user's state at the moment of asking, and the fingerprints that key cached results.

The state is read in one read-only unit of work, of the acting user only: library rows
(ratings, watchlist: ids, stars and times, without the movie metadata a library page joins),
diary rows, preferences and dismissals. That is all scoring needs, and cheap enough for every
page run; the AI path loads the full `Library` (titles for the prompt) only when it asks.
The fingerprint covers everything a result depends on, so any change (a new rating, a
dismissal, a new favourite genre) makes a new key and the old entry is simply not asked for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from reelmatch.domain import Preferences, RecommendationFilters, User, to_data
from reelmatch.recommend import RatedMovie, UserHistory
from reelmatch.recommend.data import timestamp
from reelmatch.store.mapping import preferences_from_row
from reelmatch.store.uow import UowFactory

FINGERPRINT_CHARS = 32


@dataclass(frozen=True, slots=True, kw_only=True)
class UserState:
    user: User
    preferences: Preferences
    #: (movie id, stars, when rated) per rating.
    ratings: tuple[tuple[int, float, datetime], ...]
    watchlist: frozenset[int]
    #: (watch id, movie id, note) per diary entry.
    diary: tuple[tuple[int, int, str | None], ...]
    dismissed: frozenset[int]

    def history(self) -> UserHistory:
        rated = self.rated_ids
        return UserHistory(
            user_id=self.user.id,
            ratings=tuple(
                RatedMovie(movie_id=m, stars=s, rated_at=timestamp(at)) for m, s, at in self.ratings
            ),
            watchlist=self.watchlist,
            watched=frozenset(movie for _, movie, _ in self.diary if movie not in rated),
            dismissed=self.dismissed,
        )

    @property
    def rated_ids(self) -> frozenset[int]:
        return frozenset(movie_id for movie_id, _, _ in self.ratings)

    @property
    def watched_ids(self) -> frozenset[int]:
        return frozenset(movie_id for _, movie_id, _ in self.diary)

    @property
    def seen_ids(self) -> frozenset[int]:
        """Rated or logged: what the user has seen."""
        return self.rated_ids | self.watched_ids

    def excluded_ids(self) -> frozenset[int]:
        """Everything a recommendation must not be: seen, watchlisted or dismissed."""
        return self.seen_ids | self.watchlist | self.dismissed


def load_state(unit_of_work: UowFactory, user: User) -> UserState:
    with unit_of_work(read_only=True) as uow:
        rows = uow.recommendations.library_rows(user_id=user.id)
        diary = uow.recommendations.diary_rows(user_id=user.id)
        preferences = preferences_from_row(uow.preferences.get(user_id=user.id))
        dismissed = uow.recommendations.dismissed_ids(user_id=user.id)
    return UserState(
        user=user,
        preferences=preferences,
        ratings=tuple(
            (movie_id, stars, rated_at or added_at)
            for movie_id, stars, _, rated_at, added_at in rows
            if stars is not None
        ),
        watchlist=frozenset(movie_id for movie_id, _, listed, _, _ in rows if listed),
        diary=tuple(diary),
        dismissed=frozenset(dismissed),
    )


def request_data(*, engine: str, k: int, filters: RecommendationFilters) -> dict[str, Any]:
    """What was asked, as stable JSON data (also stored with each run)."""
    return {
        "engine": engine,
        "k": k,
        "genres": sorted(filters.genres),
        "year_from": filters.year_from,
        "year_to": filters.year_to,
        "only_my_services": filters.only_my_services,
    }


def taste_digest(state: UserState, request: dict[str, Any]) -> str:
    """Ratings, diary and preferences (what an AI prompt is built from) plus the request.
    Dismissals and watchlist changes leave it alone: they only remove movies from a list."""
    return _digest(
        {
            "ratings": sorted((m, s, at.isoformat()) for m, s, at in state.ratings),
            "diary": sorted(state.diary, key=lambda entry: entry[0]),
            "preferences": to_data(state.preferences),
            "request": request,
        }
    )


def fingerprint(state: UserState, request: dict[str, Any], *, model_id: str) -> str:
    """Everything a result depends on: the taste digest, the watchlist, the dismissals and
    the model that scored it."""
    return _digest(
        {
            "taste": taste_digest(state, request),
            "watchlist": sorted(state.watchlist),
            "dismissed": sorted(state.dismissed),
            "model": model_id,
        }
    )


def _digest(data: dict[str, Any]) -> str:
    raw = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(raw).hexdigest()[:FINGERPRINT_CHARS]
