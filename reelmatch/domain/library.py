"""A user's ratings, watchlist and diary."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from reelmatch.domain.movies import Movie
from reelmatch.errors import InvalidInput

MIN_STARS = 0.5
MAX_STARS = 5.0
#: Every rating there is: ½, 1, 1½ … 5 stars.
STAR_STEPS: tuple[float, ...] = tuple(step / 2 for step in range(1, 11))
#: TMDB ids are positive and fit a 32-bit column (PostgreSQL `integer`).
MAX_MOVIE_ID = 2**31 - 1
#: No film was shot before this day (Roundhay Garden Scene, 1888); earlier diary dates are
#: typos or placeholders such as 0001-01-01.
FIRST_FILM_DAY = date(1888, 10, 14)


def validate_movie_id(value: object) -> int:
    """Return `value` as a TMDB movie id, or raise `InvalidInput` saying why."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_MOVIE_ID:
        raise InvalidInput(f"{value!r} is not a TMDB movie id (a whole number from 1).")
    return value


def validate_watch_day(day: date, *, today: date) -> date:
    """Return `day` if a watch can have happened then (not before the first film, not after
    `today` in the UTC+14 zone, a day ahead of UTC at most), else raise `InvalidInput`. The
    CLI, the pages and imports all check dates with this."""
    if day > today + timedelta(days=1):
        raise InvalidInput(f"A watch cannot be logged in the future ({day.isoformat()}).")
    if day < FIRST_FILM_DAY:
        raise InvalidInput(f"{day.isoformat()} is before the first film was made; check the date.")
    return day


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
