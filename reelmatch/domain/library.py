"""A user's ratings, watchlist and diary."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from reelmatch.domain.movies import Movie
from reelmatch.errors import InvalidInput

MIN_STARS = 0.5
MAX_STARS = 5.0


def validate_stars(value: object) -> float:
    """Return `value` as stars (0.5–5.0 in half steps) or raise `InvalidInput` saying why."""
    if isinstance(value, bool):
        raise InvalidInput(f"A rating must be a number of stars, not {value!r}.")
    try:
        stars = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(f"A rating must be a number of stars, not {value!r}.") from None
    if not math.isfinite(stars) or not MIN_STARS <= stars <= MAX_STARS:
        raise InvalidInput(f"A rating must be between 0.5 and 5 stars; {value!r} is not.")
    if stars * 2 != round(stars * 2):
        raise InvalidInput(f"A rating goes in half stars (0.5, 1, 1.5 … 5); {value!r} is not one.")
    return stars


@dataclass(frozen=True, slots=True, kw_only=True)
class LibraryEntry:
    """A movie the user rated and/or put on their watchlist."""

    movie: Movie
    rating: float | None = None
    on_watchlist: bool = False
    added_at: datetime
    rated_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DiaryEntry:
    id: int
    movie: Movie
    watched_on: date
    rewatch: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Library:
    """Everything a user keeps, served from the local database (never from TMDB)."""

    ratings: tuple[LibraryEntry, ...] = ()
    watchlist: tuple[LibraryEntry, ...] = ()
    diary: tuple[DiaryEntry, ...] = ()
