"""One user's state at the moment of asking, and the fingerprints that key cached results.

The state is read in one read-only unit of work: library (ratings, watchlist), diary,
preferences and dismissals, all of the acting user only. The fingerprint covers everything a
result depends on, so any change (a new rating, a dismissal, a new favourite genre) makes a new
key and the old entry simply stops being asked for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from reelmatch.domain import Library, Preferences, RecommendationFilters, User, to_data
from reelmatch.recommend import UserHistory
from reelmatch.store.database import Database
from reelmatch.store.mapping import preferences_from_row
from reelmatch.store.uow import UnitOfWork

FINGERPRINT_CHARS = 32


@dataclass(frozen=True, slots=True, kw_only=True)
class UserState:
    user: User
    library: Library
    preferences: Preferences
    dismissed: frozenset[int]

    def history(self) -> UserHistory:
        return UserHistory.from_library(
            self.library, user_id=self.user.id, dismissed=self.dismissed
        )

    @property
    def rated_ids(self) -> frozenset[int]:
        return frozenset(e.movie.id for e in self.library.ratings if e.rating is not None)

    @property
    def watchlist_ids(self) -> frozenset[int]:
        return frozenset(e.movie.id for e in self.library.watchlist)

    @property
    def watched_ids(self) -> frozenset[int]:
        return frozenset(d.movie.id for d in self.library.diary)

    @property
    def seen_ids(self) -> frozenset[int]:
        """Rated or logged: what the user has seen."""
        return self.rated_ids | self.watched_ids

    def excluded_ids(self) -> frozenset[int]:
        """Everything a recommendation must not be: seen, watchlisted or dismissed."""
        return self.seen_ids | self.watchlist_ids | self.dismissed


def load_state(database: Database, user: User) -> UserState:
    with UnitOfWork(database, read_only=True) as uow:
        entries = uow.library.entries(user_id=user.id)
        diary = uow.library.watches(user_id=user.id)
        preferences = preferences_from_row(uow.preferences.get(user_id=user.id))
        dismissed = uow.recommendations.dismissed_ids(user_id=user.id)
    library = Library(
        ratings=tuple(e for e in entries if e.rating is not None),
        watchlist=tuple(e for e in entries if e.on_watchlist),
        diary=tuple(diary),
    )
    return UserState(
        user=user, library=library, preferences=preferences, dismissed=frozenset(dismissed)
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
            "ratings": _ratings(state.library),
            "diary": [(d.id, d.movie.id, d.note) for d in state.library.diary],
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
            "watchlist": sorted(state.watchlist_ids),
            "dismissed": sorted(state.dismissed),
            "model": model_id,
        }
    )


def _ratings(library: Library) -> list[tuple[int, float | None, str]]:
    return sorted(
        (e.movie.id, e.rating, (e.rated_at or e.added_at).isoformat()) for e in library.ratings
    )


def _digest(data: dict[str, Any]) -> str:
    raw = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(raw).hexdigest()[:FINGERPRINT_CHARS]
