"""What a recommender returns, whichever engine made it, and what it may be asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from reelmatch.domain.movies import Movie
from reelmatch.domain.users import Preferences

Source = Literal["local", "ai", "popular", "content", "collaborative", "movie-night"]
Engine = Literal["local", "ai"]
#: What a person can say about a recommendation; the last three dismiss it for good.
Feedback = Literal["up", "down", "not_interested", "seen"]
FEEDBACK: tuple[Feedback, ...] = ("up", "down", "not_interested", "seen")
DISMISSING: frozenset[str] = frozenset({"down", "not_interested", "seen"})
#: How a recommendation turned into action (within 30 days of being shown).
Conversion = Literal["watchlisted", "rated", "watched"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Recommendation:
    movie: Movie
    score: float
    reasons: tuple[str, ...]
    source: str


class RecommendationFilters(BaseModel):
    """What a page asks for, plus the user's standing preferences.

    - `genres`: keep movies with at least one of these genres (TMDB names).
    - `year_from` / `year_to` / `release_to`: movies with no known date are left out when set.
    - `avoided_genres`: never shown, except a genre also asked for in `genres`.
    - `favourite_genres`: not a filter; engines lean towards them and say so.
    - `only_my_services` + `allowed_movie_ids`: the service layer resolves "on my streaming
      services" to ids; engines keep only `allowed_movie_ids` whenever it is set.
    - `include_seen`: allow movies the user rated or logged as watched; `include_watchlist`
      likewise for the watchlist. Dismissed movies are never recommended.
    """

    model_config = ConfigDict(frozen=True)
    genres: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    only_my_services: bool = False
    release_to: date | None = None
    include_seen: bool = False
    include_watchlist: bool = False
    avoided_genres: tuple[str, ...] = ()
    favourite_genres: tuple[str, ...] = ()
    hide_adult: bool = True
    allowed_movie_ids: frozenset[int] | None = None

    def with_preferences(self, preferences: Preferences) -> RecommendationFilters:
        """These filters plus the user's favourite/avoided genres and adult setting."""
        return self.model_copy(
            update={
                "avoided_genres": preferences.avoided_genres,
                "favourite_genres": preferences.favourite_genres,
                "hide_adult": preferences.hide_adult,
            }
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RecommendationsResult:
    """One answer to "what should I watch?", as the page and the CLI show it.

    `engine` is the engine that produced the items ("local" after an AI fallback, with the
    reason in `notice`); `requested` the one asked for. `run_id` names the stored run (feedback
    refers to it). `latency_ms` is this call's time (tiny when `from_cache`); `cost_usd` what
    the AI request behind these items cost (paid once, when they were computed).
    """

    items: tuple[Recommendation, ...]
    engine: str
    requested: str
    notice: str | None = None
    latency_ms: float = 0.0
    cost_usd: float | None = None
    model: str | None = None
    hallucinations: int = 0
    from_cache: bool = False
    run_id: int | None = None
    fingerprint: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MovieNightPick:
    """A movie for a group: `fits` names the members whose taste it matches best."""

    movie: Movie
    score: float
    fits: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MovieNightResult:
    members: tuple[str, ...]
    picks: tuple[MovieNightPick, ...]
    notice: str | None = None
