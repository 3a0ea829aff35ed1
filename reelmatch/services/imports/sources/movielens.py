"""MovieLens (CLI, for test and demo data): `ratings.csv` (userId, movieId, rating 0.5–5,
timestamp) of ONE MovieLens user, with `links.csv` (movieId -> tmdbId, imdbId) for ids and
`movies.csv` ("Title (Year)") for titles. A file with several users needs `source_user`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.detection import csv_columns
from reelmatch.services.imports.records import ImportRow, ParseLog, UploadedFile
from reelmatch.services.imports.source import ImportSource, ParseContext
from reelmatch.services.imports.text import (
    CsvRecord,
    CsvTable,
    add_rows,
    read_csv,
    read_text_file,
    require_columns,
)
from reelmatch.services.imports.values import (
    BadValue,
    clean_text,
    from_timestamp,
    parse_id,
    parse_stars,
    parse_year,
)

_TITLE_YEAR = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})(?:[-–]\d{0,4})?\)\s*$")
#: MovieLens moves leading articles to the end: "Godfather, The" -> "The Godfather".
_TRAILING_ARTICLE = re.compile(
    r"^(?P<rest>.+), (?P<article>The|A|An|Les|La|Le|L'|Il|El|Die|Der|Das|Los|Las)$"
)


@dataclass
class MovieLensFiles:
    ratings: CsvTable | None = None
    links: dict[int, tuple[int | None, str | None]] = field(default_factory=dict)
    titles: dict[int, tuple[str, int | None]] = field(default_factory=dict)


def parse_movielens(files: Sequence[UploadedFile], context: ParseContext) -> None:
    log, source_user = context.log, context.source_user
    found = MovieLensFiles()
    for file in files:
        table = read_csv(read_text_file(file, log), source=file.name, log=log)
        _sort_table(table, found)
    if found.ratings is None:
        raise InvalidInput("MovieLens import needs ratings.csv (userId, movieId, rating).")
    if not found.links and not found.titles:
        raise InvalidInput("MovieLens ratings need links.csv (TMDB ids) or movies.csv (titles).")
    if not found.links:
        log.notice("No links.csv: movies are matched by title and year from movies.csv.")
    _add_ratings(found, log, source_user=source_user)


def detect_movielens(file: UploadedFile) -> bool:
    """ratings.csv, links.csv and movies.csv all key on MovieLens' own movieId."""
    return "movieid" in csv_columns(file)


def _sort_table(table: CsvTable, found: MovieLensFiles) -> None:
    name = PurePosixPath(table.source).name.lower()
    columns = table.columns
    if name == "ratings.csv" or {"userid", "rating"} <= columns:
        need = {"userid": "userId", "movieid": "movieId", "rating": "rating"}
        require_columns(table, need, what="MovieLens ratings")
        found.ratings = table
    elif name == "links.csv" or "tmdbid" in columns:
        require_columns(table, {"movieid": "movieId", "tmdbid": "tmdbId"}, what="MovieLens links")
        found.links.update(_links(table))
    elif name == "movies.csv" or "title" in columns:
        require_columns(table, {"movieid": "movieId", "title": "title"}, what="MovieLens movies")
        found.titles.update(_titles(table))
    else:
        raise InvalidInput(f"{table.source} is not ratings.csv, links.csv or movies.csv.")


def _links(table: CsvTable) -> dict[int, tuple[int | None, str | None]]:
    links = {}
    for record in table.records:
        movie_id = parse_id(record.get("movieid"))
        imdb = parse_id(record.get("imdbid"))
        if movie_id is not None:
            links[movie_id] = (parse_id(record.get("tmdbid")), f"tt{imdb:07d}" if imdb else None)
    return links


def _titles(table: CsvTable) -> dict[int, tuple[str, int | None]]:
    titles = {}
    for record in table.records:
        movie_id = parse_id(record.get("movieid"))
        if movie_id is not None:
            titles[movie_id] = split_title(record.get("title"))
    return titles


def split_title(text: str) -> tuple[str, int | None]:
    """ "Godfather, The (1972)" -> ("The Godfather", 1972)."""
    title, year = clean_text(text), None
    matched = _TITLE_YEAR.match(title)
    if matched:
        title = matched["title"]
        try:
            year = parse_year(matched["year"])
        except BadValue:
            year = None
    article = _TRAILING_ARTICLE.match(title)
    if article:
        joiner = "" if article["article"].endswith("'") else " "
        title = f"{article['article']}{joiner}{article['rest']}"
    return title, year


def _add_ratings(found: MovieLensFiles, log: ParseLog, *, source_user: int | None) -> None:
    assert found.ratings is not None
    users: set[int] = set()
    chosen = source_user

    def build(record: CsvRecord) -> ImportRow | None:
        nonlocal chosen
        user = parse_id(record.get("userid"))
        if user is None:
            raise BadValue("no userId")
        users.add(user)
        chosen = user if chosen is None else chosen
        return _rating(found, record) if user == chosen else None

    add_rows(found.ratings, log, build)
    if source_user is not None and source_user not in users:
        raise InvalidInput(f"There is no MovieLens user {source_user} in {found.ratings.source}.")
    if source_user is None and len(users) > 1:
        raise InvalidInput(
            f"{found.ratings.source} has ratings of {len(users)} MovieLens users; "
            "choose one (the CLI's --source-user)."
        )


def _rating(found: MovieLensFiles, record: CsvRecord) -> ImportRow:
    assert found.ratings is not None
    movie_id = parse_id(record.get("movieid"))
    if movie_id is None:
        raise BadValue("no movieId")
    tmdb_id, imdb_id = found.links.get(movie_id, (None, None))
    title, year = found.titles.get(movie_id, ("", None))
    if tmdb_id is None and imdb_id is None and not title:
        raise BadValue(f"movie {movie_id} is in neither links.csv nor movies.csv")
    rating = parse_stars(record.get("rating"))
    if rating is None:
        raise BadValue("no rating")
    stamp = record.get("timestamp")
    return ImportRow(
        source=found.ratings.source,
        line=record.line,
        title=title,
        year=year,
        tmdb_id=tmdb_id,
        imdb_id=imdb_id,
        rating=rating,
        rated_at=from_timestamp(stamp) if stamp else None,
    )


SOURCE = ImportSource(
    name="movielens",
    label="MovieLens",
    files_hint="ratings.csv of one MovieLens user, with links.csv and/or movies.csv",
    parse=parse_movielens,
    detect=detect_movielens,
    folder_files=("ratings.csv", "links.csv", "movies.csv"),
    companion_files=("links.csv", "movies.csv"),
    in_app=False,
)
