"""What the engines are trained on and asked about: plain values the service layer builds.

`RatingsSnapshot` holds every user's ratings as parallel numpy arrays (a server's whole rating
table fits in a few MB), `MovieFeatures` what we know about one movie, and `UserHistory` one
person's current state, which `recommend` accepts so a new rating counts without retraining.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

from reelmatch.domain import Library, Movie, MovieDetails
from reelmatch.errors import InvalidInput

__all__ = ["MovieFeatures", "RatedMovie", "RatingsSnapshot", "UserHistory", "timestamp"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def timestamp(moment: datetime | float | int | None) -> float:
    """Seconds since the epoch; naive datetimes count as UTC, None as 0 (oldest)."""
    if moment is None:
        return 0.0
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            return (moment - datetime(1970, 1, 1)).total_seconds()
        return moment.timestamp()
    return float(moment)


def _valid_stars(stars: npt.NDArray[np.float64]) -> None:
    bad = ~np.isfinite(stars) | (stars < 0.5) | (stars > 5.0)
    if bad.any():
        raise InvalidInput(f"A rating must be between 0.5 and 5 stars; {stars[bad][0]!r} is not.")


@dataclass(frozen=True, slots=True, kw_only=True)
class MovieFeatures:
    """A movie plus what only some sources know: credits, TMDB's related movies, its collection.

    `related_ids` are TMDB's "recommendations" and "similar" movies (live catalog only);
    `collection` (e.g. "The Godfather Collection") keeps a page from filling with one franchise.
    """

    movie: Movie
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    related_ids: tuple[int, ...] = ()
    collection: str | None = None

    @property
    def id(self) -> int:
        return self.movie.id

    @classmethod
    def from_details(cls, details: MovieDetails, *, collection: str | None = None) -> MovieFeatures:
        related = (*details.recommendations, *details.similar)
        return cls(
            movie=details.summary(),
            directors=details.directors,
            cast=tuple(member.name for member in details.cast[:8]),
            related_ids=tuple(dict.fromkeys(movie.id for movie in related)),
            collection=collection,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RatedMovie:
    movie_id: int
    stars: float
    rated_at: float = 0.0  # seconds since the epoch; orders the history (recent counts more)


@dataclass(frozen=True, slots=True, kw_only=True)
class UserHistory:
    """One person's state at the moment of asking.

    `watched` are movies in the diary without a rating (seen, so not recommended unless
    `include_seen`); `dismissed` ("not interested") never come back.
    """

    user_id: int | None = None
    ratings: tuple[RatedMovie, ...] = ()
    watchlist: frozenset[int] = frozenset()
    watched: frozenset[int] = frozenset()
    dismissed: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        _valid_stars(np.array([r.stars for r in self.ratings], dtype=np.float64))

    @property
    def rated_ids(self) -> frozenset[int]:
        return frozenset(r.movie_id for r in self.ratings)

    @classmethod
    def from_stars(
        cls,
        stars: Mapping[int, float],
        *,
        user_id: int | None = None,
        watchlist: Iterable[int] = (),
        dismissed: Iterable[int] = (),
    ) -> UserHistory:
        """A history from `{movie_id: stars}`; later entries of the mapping count as more recent."""
        ratings = tuple(
            RatedMovie(movie_id=movie_id, stars=float(value), rated_at=float(order))
            for order, (movie_id, value) in enumerate(stars.items())
        )
        return cls(
            user_id=user_id,
            ratings=ratings,
            watchlist=frozenset(watchlist),
            dismissed=frozenset(dismissed),
        )

    @classmethod
    def from_library(
        cls, library: Library, *, user_id: int | None = None, dismissed: Iterable[int] = ()
    ) -> UserHistory:
        """The history the service layer has at hand: a user's `Library` plus dismissals."""
        ratings = tuple(
            RatedMovie(
                movie_id=entry.movie.id,
                stars=entry.rating,
                rated_at=timestamp(entry.rated_at or entry.added_at),
            )
            for entry in library.ratings
            if entry.rating is not None
        )
        rated = {r.movie_id for r in ratings}
        return cls(
            user_id=user_id,
            ratings=ratings,
            watchlist=frozenset(entry.movie.id for entry in library.watchlist),
            watched=frozenset(e.movie.id for e in library.diary if e.movie.id not in rated),
            dismissed=frozenset(dismissed),
        )


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class RatingsSnapshot:
    """Every user's ratings as parallel arrays: one row per (user, movie), the latest rating.

    Build it with `from_rows` (validates and deduplicates) rather than directly.
    """

    user_ids: IntArray
    movie_ids: IntArray
    stars: FloatArray
    rated_at: FloatArray
    watchlists: Mapping[int, frozenset[int]] = field(default_factory=dict)
    dismissed: Mapping[int, frozenset[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.user_ids)

    @classmethod
    def from_arrays(
        cls,
        *,
        user_ids: npt.ArrayLike,
        movie_ids: npt.ArrayLike,
        stars: npt.ArrayLike,
        rated_at: npt.ArrayLike | None = None,
        watchlists: Mapping[int, Iterable[int]] | None = None,
        dismissed: Mapping[int, Iterable[int]] | None = None,
    ) -> RatingsSnapshot:
        users = np.asarray(user_ids, dtype=np.int64).ravel()
        movies = np.asarray(movie_ids, dtype=np.int64).ravel()
        values = np.asarray(stars, dtype=np.float64).ravel()
        times = np.zeros(len(users)) if rated_at is None else np.asarray(rated_at, np.float64)
        if not len(users) == len(movies) == len(values) == len(times.ravel()):
            raise InvalidInput("Ratings need as many users, movies, stars and times.")
        _valid_stars(values)
        users, movies, values, times = _latest_per_pair(users, movies, values, times.ravel())
        return cls(
            user_ids=users,
            movie_ids=movies,
            stars=values,
            rated_at=times,
            watchlists=_frozen(watchlists),
            dismissed=_frozen(dismissed),
        )

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[int, int, float, datetime | float | int | None]],
        *,
        watchlists: Mapping[int, Iterable[int]] | None = None,
        dismissed: Mapping[int, Iterable[int]] | None = None,
    ) -> RatingsSnapshot:
        """From `(user_id, movie_id, stars, rated_at)` rows, e.g. straight from a query."""
        listed = [(u, m, s, timestamp(t)) for u, m, s, t in rows]
        columns = list(zip(*listed, strict=True)) if listed else [(), (), (), ()]
        return cls.from_arrays(
            user_ids=np.array(columns[0], dtype=np.int64),
            movie_ids=np.array(columns[1], dtype=np.int64),
            stars=np.array(columns[2], dtype=np.float64),
            rated_at=np.array(columns[3], dtype=np.float64),
            watchlists=watchlists,
            dismissed=dismissed,
        )

    def history(self, user_id: int) -> UserHistory:
        """The user's history as this snapshot knows it (empty for a stranger)."""
        rows = np.flatnonzero(self.user_ids == user_id)
        return UserHistory(
            user_id=user_id,
            ratings=tuple(
                RatedMovie(
                    movie_id=int(self.movie_ids[i]),
                    stars=float(self.stars[i]),
                    rated_at=float(self.rated_at[i]),
                )
                for i in rows
            ),
            watchlist=self.watchlists.get(user_id, frozenset()),
            dismissed=self.dismissed.get(user_id, frozenset()),
        )


def _latest_per_pair(
    users: IntArray, movies: IntArray, stars: FloatArray, times: FloatArray
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Keep one row per (user, movie): the latest by time (then the last given)."""
    if not len(users):
        return users, movies, stars, times
    if not np.isfinite(times).all():
        raise InvalidInput("Every rating time must be a finite timestamp.")
    order = np.lexsort((np.arange(len(users)), times, movies, users))
    users, movies, stars, times = users[order], movies[order], stars[order], times[order]
    last = np.ones(len(users), dtype=bool)
    last[:-1] = (users[1:] != users[:-1]) | (movies[1:] != movies[:-1])
    return users[last], movies[last], stars[last], times[last]


def _frozen(mapping: Mapping[int, Iterable[int]] | None) -> dict[int, frozenset[int]]:
    return {int(user): frozenset(int(m) for m in ids) for user, ids in (mapping or {}).items()}
