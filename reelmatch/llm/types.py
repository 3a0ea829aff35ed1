"""What goes into a pick request (a compact taste profile and candidates) and what comes out.

These are plain values: the services build them from the domain (`reelmatch.services.ai_profile`)
and ground the picks against the catalog (`reelmatch.services.ai_grounding`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reelmatch.domain import Movie

MAX_CANDIDATE_GENRES = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class RatedTitle:
    """One of the user's ratings, as the model sees it."""

    title: str
    year: int | None
    stars: float


@dataclass(frozen=True, slots=True, kw_only=True)
class DiaryNote:
    """One diary entry. `note` is the user's own words: sent as quoted data, never obeyed."""

    title: str
    year: int | None
    watched_on: date
    rewatch: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TasteProfile:
    """The compact picture of ONE user's taste that goes into a prompt. It holds no user id,
    name or e-mail: the model needs none of them."""

    loved: tuple[RatedTitle, ...] = ()
    disliked: tuple[RatedTitle, ...] = ()
    favourite_genres: tuple[str, ...] = ()
    avoided_genres: tuple[str, ...] = ()
    recent_diary: tuple[DiaryNote, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A movie the model may pick from (usually the local engine's top results)."""

    tmdb_id: int
    title: str
    year: int | None
    genres: tuple[str, ...] = ()

    @classmethod
    def from_movie(cls, movie: Movie) -> Candidate:
        return cls(
            tmdb_id=movie.id,
            title=movie.title,
            year=movie.year,
            genres=movie.genres[:MAX_CANDIDATE_GENRES],
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AiPick:
    """One pick as the model returned it (validated for shape, NOT yet grounded: the title may
    be invented, the id wrong; `ground_picks` decides)."""

    tmdb_id: int | None
    title: str
    year: int | None
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenUsage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True, kw_only=True)
class AiPicks:
    """The result of one `pick_movies` call.

    `cost_usd` is None when the model has no entry in the price table (the tokens are still
    counted). `latency_ms` covers the whole call, retries and back-off included; `attempts`
    is how many HTTP requests it took.
    """

    picks: tuple[AiPick, ...]
    usage: TokenUsage
    cost_usd: float | None
    model: str
    latency_ms: float
    attempts: int = 1
