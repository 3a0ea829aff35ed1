"""What a caller may ask for, validated, and what the page may offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reelmatch.domain import RecommendationFilters, User
from reelmatch.errors import InvalidInput
from reelmatch.llm import MAX_K as AI_MAX_K
from reelmatch.services.recommendations.ai import AiStatus
from reelmatch.services.recommendations.state import request_data

ENGINES = ("local", "ai")
MAX_LOCAL_K = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class RecommendationOptions:
    """What the "For you" page can offer: AI picks (or why not), "only on my services", and
    whether the user has rated anything (the empty state says what to do)."""

    ai: AiStatus
    streaming_filter: bool
    has_ratings: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class PicksRequest:
    user: User
    engine: str
    k: int
    filters: RecommendationFilters
    shown: bool

    def data(self) -> dict[str, Any]:
        return request_data(engine=self.engine, k=self.k, filters=self.filters)


def picks_request(
    user: User, *, engine: str, k: int, filters: RecommendationFilters | None, shown: bool
) -> PicksRequest:
    if engine not in ENGINES:
        raise InvalidInput(f"The engine is one of {', '.join(ENGINES)}; {engine!r} is not.")
    return PicksRequest(
        user=user,
        engine=engine,
        k=check_k(k, engine),
        filters=filters or RecommendationFilters(),
        shown=shown,
    )


def check_k(k: object, engine: str) -> int:
    most = AI_MAX_K if engine == "ai" else MAX_LOCAL_K
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= most:
        raise InvalidInput(f"Ask for between 1 and {most} recommendations, not {k!r}.")
    return k
