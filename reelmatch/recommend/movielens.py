"""Read a MovieLens-format folder (and optionally a TMDB 5000 movies CSV) for evaluation.

`ratings.csv` is required; `movies.csv` gives titles, years and genres; `links.csv` maps
MovieLens ids to TMDB ids, which the app uses and which `--tmdb` metadata (keywords, votes)
joins on. Without links the ids stay MovieLens ids and TMDB metadata is skipped. A MovieLens
movie without a TMDB id gets the id −movieId, which no TMDB movie has.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from reelmatch.domain import Movie
from reelmatch.errors import InvalidInput
from reelmatch.recommend.data import MovieFeatures, RatingsSnapshot

__all__ = ["MovieLensData", "load_movielens", "read_tmdb_movies"]

RATINGS_COLUMNS = ("userId", "movieId", "rating", "timestamp")
TMDB_COLUMNS = ("id", "title", "genres", "keywords")
# MovieLens genre names → TMDB's, so filters and reasons speak one language.
GENRE_NAMES = {"Sci-Fi": "Science Fiction", "Children": "Family", "Musical": "Music"}
IGNORED_GENRES = {"(no genres listed)", "IMAX"}  # IMAX is a format, not a genre
TITLE_YEAR = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})(?:[–-]\d{0,4})?\)\s*$")
ARTICLE_LAST = re.compile(r"^(?P<rest>.*), (?P<article>The|A|An|Les|La|Le|L'|Il|Das|Die|Der)$")


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class MovieLensData:
    snapshot: RatingsSnapshot
    features: tuple[MovieFeatures, ...]
    movies: int  # distinct movies rated (the catalog for coverage)
    tmdb_ids: bool  # ids are TMDB ids (links.csv was read)
    with_metadata: int  # movies that got TMDB metadata from --tmdb
    notes: tuple[str, ...] = field(default=())


def load_movielens(folder: Path, *, tmdb_csv: Path | None = None) -> MovieLensData:
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder with a MovieLens ratings.csv.")
    links = _read_links(folder / "links.csv")
    notes = [] if links is not None else ["No links.csv: MovieLens ids, no TMDB metadata."]
    if links is None:
        links = {}
    users, movie_ids, stars, times = _read_ratings(folder / "ratings.csv", links)
    snapshot = RatingsSnapshot.from_arrays(
        user_ids=users, movie_ids=movie_ids, stars=stars, rated_at=times
    )
    movies = _read_movies(folder / "movies.csv", links)
    tmdb = read_tmdb_movies(tmdb_csv) if tmdb_csv is not None and links else {}
    if tmdb_csv is not None and not links:
        notes.append("--tmdb was ignored: without links.csv nothing joins to TMDB ids.")
    rated = sorted({int(m) for m in snapshot.movie_ids.tolist()})
    features = tuple(
        MovieFeatures(movie=tmdb.get(m) or movies.get(m) or Movie(id=m, title=f"Movie {m}"))
        for m in rated
    )
    return MovieLensData(
        snapshot=snapshot,
        features=features,
        movies=len(rated),
        tmdb_ids=bool(links),
        with_metadata=sum(1 for m in rated if m in tmdb),
        notes=tuple(notes),
    )


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or ())]
            if missing:
                raise InvalidInput(f"{path.name} lacks the column(s) {', '.join(missing)}.")
            yield from enumerate(reader, start=2)
    except FileNotFoundError:
        raise InvalidInput(f"{path} does not exist.") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise InvalidInput(f"{path.name} is not a readable CSV file ({error}).") from None
    except OSError as error:
        raise InvalidInput(f"{path} cannot be read ({error.strerror}).") from None


def _read_ratings(
    path: Path, links: dict[int, int]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    users: list[int] = []
    movies: list[int] = []
    stars: list[float] = []
    times: list[float] = []
    for line, row in _rows(path, RATINGS_COLUMNS):
        try:
            user, movie = int(row["userId"]), int(row["movieId"])
            value, moment = float(row["rating"]), float(row["timestamp"])
        except (TypeError, ValueError):
            raise InvalidInput(f"{path.name} line {line} is not a valid rating.") from None
        if not 0.5 <= value <= 5.0:
            raise InvalidInput(f"{path.name} line {line}: {value} is not 0.5–5 stars.")
        users.append(user)
        movies.append(links.get(movie, movie) if links else movie)
        stars.append(value)
        times.append(moment)
    if not users:
        raise InvalidInput(f"{path.name} has no ratings.")
    return np.array(users), np.array(movies), np.array(stars), np.array(times)


def _read_links(path: Path) -> dict[int, int] | None:
    if not path.exists():
        return None
    links = {}
    for line, row in _rows(path, ("movieId", "tmdbId")):
        try:
            movie = int(row["movieId"])
            links[movie] = int(row["tmdbId"]) if (row["tmdbId"] or "").strip() else -movie
        except ValueError:
            raise InvalidInput(f"{path.name} line {line} is not a valid link.") from None
    return links


def _read_movies(path: Path, links: dict[int, int]) -> dict[int, Movie]:
    if not path.exists():
        return {}
    movies = {}
    for line, row in _rows(path, ("movieId", "title", "genres")):
        try:
            movie_id = int(row["movieId"])
        except ValueError:
            raise InvalidInput(f"{path.name} line {line} has no valid movieId.") from None
        movie_id = links.get(movie_id, movie_id) if links else movie_id
        title, year = _title_and_year(row["title"] or "")
        genres = [
            GENRE_NAMES.get(g, g)
            for g in (row["genres"] or "").split("|")
            if g and g not in IGNORED_GENRES
        ]
        movies[movie_id] = Movie(
            id=movie_id,
            title=title or f"Movie {movie_id}",
            release_date=date(year, 1, 1) if year else None,
            genres=tuple(dict.fromkeys(genres)),
        )
    return movies


def _title_and_year(raw: str) -> tuple[str, int | None]:
    match = TITLE_YEAR.match(raw.strip())
    title, year = (match["title"], int(match["year"])) if match else (raw.strip(), None)
    article = ARTICLE_LAST.match(title)
    if article:
        joiner = "" if article["article"].endswith("'") else " "
        title = f"{article['article']}{joiner}{article['rest']}"
    return title, year if year and 1870 <= year <= 2100 else None


def read_tmdb_movies(path: Path) -> dict[int, Movie]:
    """Movies from a Kaggle "TMDB 5000" `tmdb_5000_movies.csv` (genres/keywords as JSON)."""
    movies = {}
    for line, row in _rows(path, TMDB_COLUMNS):
        try:
            movie = _tmdb_movie(row)
        except (ValueError, TypeError, KeyError) as error:
            raise InvalidInput(f"{path.name} line {line} is not a TMDB movie ({error}).") from None
        movies[movie.id] = movie
    return movies


def _tmdb_movie(row: dict[str, str]) -> Movie:
    released = (row.get("release_date") or "").strip()
    return Movie(
        id=int(row["id"]),
        title=row["title"],
        release_date=date.fromisoformat(released) if released else None,
        overview=row.get("overview") or "",
        genres=tuple(g["name"] for g in json.loads(row["genres"] or "[]")),
        keywords=tuple(k["name"] for k in json.loads(row["keywords"] or "[]")),
        vote_average=_number(row.get("vote_average")),
        vote_count=int(_number(row.get("vote_count")) or 0),
        popularity=_number(row.get("popularity")),
        original_language=row.get("original_language") or None,
        runtime=int(_number(row.get("runtime")) or 0) or None,
    )


def _number(text: str | None) -> float | None:
    return float(text) if text and text.strip() else None
