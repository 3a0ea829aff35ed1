"""Translation between rows and domain values, in one place."""

from __future__ import annotations

from typing import Any

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
