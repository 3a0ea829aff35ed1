"""What a recommender returns, whichever engine made it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from reelmatch.domain.movies import Movie

Source = Literal["local", "ai", "popular", "content", "collaborative", "movie-night"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Recommendation:
    movie: Movie
    score: float
    reasons: tuple[str, ...]
    source: str


class RecommendationFilters(BaseModel):
    model_config = ConfigDict(frozen=True)
    genres: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    only_my_services: bool = False
    release_to: date | None = None
    include_seen: bool = False
