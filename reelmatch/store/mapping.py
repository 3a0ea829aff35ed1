"""Translation between rows and domain values, in one place."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Text, cast

from reelmatch.domain import Movie, MovieDetails, Preferences, User
from reelmatch.store.models import MovieRow, PreferenceRow, UserRow
from reelmatch.store.types import utcnow


def user_from_row(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        email=row.email,
        role="admin" if row.role == "admin" else "user",
        created_at=row.created_at,
        sandbox_expires_at=row.sandbox_expires_at,
    )


def movie_from_row(row: MovieRow) -> Movie:
    return Movie(
        id=row.id,
        title=row.title,
        release_date=row.release_date,
        overview=row.overview or "",
        genres=tuple(row.genres or ()),
        keywords=tuple(row.keywords or ()),
        poster_path=row.poster_path,
        backdrop_path=row.backdrop_path,
        runtime=row.runtime,
        vote_average=row.vote_average,
        vote_count=row.vote_count,
        popularity=row.popularity,
        original_language=row.language,
        adult=row.adult,
    )


def movie_from_values(values: dict[str, Any]) -> Movie:
    """A `Movie` from a `movies` row's columns by name (Core queries skip the ORM)."""
    return Movie(
        id=values["id"],
        title=values["title"],
        release_date=values["release_date"],
        overview=values["overview"] or "",
        genres=tuple(values["genres"] or ()),
        keywords=tuple(values["keywords"] or ()),
        poster_path=values["poster_path"],
        backdrop_path=values["backdrop_path"],
        runtime=values["runtime"],
        vote_average=values["vote_average"],
        vote_count=values["vote_count"],
        popularity=values["popularity"],
        original_language=values["language"],
        adult=values["adult"],
    )


def movie_values(movie: Movie) -> dict[str, Any]:
    """The `movies` row for `movie` (what write-through stores)."""
    return {
        "id": movie.id,
        "title": movie.title[:500],
        "year": movie.year,
        "release_date": movie.release_date,
        "overview": movie.overview,
        "genres": list(movie.genres),
        "keywords": list(movie.keywords),
        "directors": list(movie.directors) if isinstance(movie, MovieDetails) else [],
        "poster_path": movie.poster_path,
        "backdrop_path": movie.backdrop_path,
        "runtime": movie.runtime,
        "vote_average": movie.vote_average,
        "vote_count": movie.vote_count,
        "popularity": movie.popularity,
        "language": movie.original_language,
        "adult": movie.adult,
        "fetched_at": utcnow(),
    }


def preferences_from_row(row: PreferenceRow | None) -> Preferences:
    if row is None:
        return Preferences()
    return Preferences(
        favourite_genres=tuple(row.favourite_genres or ()),
        avoided_genres=tuple(row.avoided_genres or ()),
        region=row.region,
        language=row.language,
        hide_adult=row.hide_adult,
        streaming_services=tuple(row.streaming_services or ()),
        movie_night_opt_in=row.movie_night_opt_in,
        timezone=row.timezone,
    )


def preference_values(preferences: Preferences) -> dict[str, Any]:
    return {
        "favourite_genres": list(preferences.favourite_genres),
        "avoided_genres": list(preferences.avoided_genres),
        "region": preferences.region,
        "language": preferences.language,
        "hide_adult": preferences.hide_adult,
        "streaming_services": list(preferences.streaming_services),
        "movie_night_opt_in": preferences.movie_night_opt_in,
        "timezone": preferences.timezone,
    }


#: `movies.genres` as its JSON text, for `genres_of`.
GENRES_TEXT = cast(MovieRow.genres, Text)
#: The movie columns a library listing needs, in the order `listing_movie` unpacks them.
#: Overview and keywords stay behind: decoding them for thousands of rows would dominate.
LISTING_COLUMNS = (
    MovieRow.id,
    MovieRow.title,
    MovieRow.release_date,
    # As text on both databases, decoded once per distinct value by `genres_of`: psycopg
    # decoding the JSON of every row cost a third of `library()` for 1,000 rows.
    GENRES_TEXT,
    MovieRow.poster_path,
    MovieRow.backdrop_path,
    MovieRow.runtime,
    MovieRow.vote_average,
    MovieRow.vote_count,
    MovieRow.popularity,
    MovieRow.language,
    MovieRow.adult,
)


@functools.lru_cache(maxsize=4096)
def _decoded_genres(raw: str) -> tuple[str, ...]:
    return tuple(orjson.loads(raw) or ())


def genres_of(value: str | None) -> tuple[str, ...]:
    """Genres as JSON text (a few hundred distinct combinations, so each is decoded once)."""
    return () if value is None else _decoded_genres(value)


def listing_movie(values: Sequence[Any]) -> Movie:
    (movie_id, title, released, genres, poster, backdrop, runtime, average, votes, popularity,
     language, adult) = values  # fmt: skip
    return Movie(
        id=movie_id,
        title=title,
        release_date=released,
        genres=genres_of(genres),
        poster_path=poster,
        backdrop_path=backdrop,
        runtime=runtime,
        vote_average=average,
        vote_count=votes,
        popularity=popularity,
        original_language=language,
        adult=adult,
    )
