"""Letterboxd: the export zip (or its `ratings.csv`, `watched.csv`, `watchlist.csv`, `diary.csv`,
`reviews.csv`), and Letterboxd's own import CSV (Title, Year, tmdbID, Rating, WatchedDate...),
which is what our Letterboxd export writes.

The export has no TMDB or IMDb ids: rows match on name + year. The import CSV has tmdbID.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import PurePosixPath

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.detection import csv_columns, zip_holds
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
    clean_note,
    clean_text,
    parse_day,
    parse_flag,
    parse_id,
    parse_imdb_id,
    parse_instant,
    parse_stars,
    parse_year,
)

EXPORT_FILES = ("diary.csv", "reviews.csv", "watched.csv", "watchlist.csv", "ratings.csv")
#: Folders of the export zip that hold other things (deleted entries, likes, lists).
IGNORED_FOLDERS = frozenset({"deleted", "orphaned", "likes", "lists"})
#: What a formula-escaped cell of our export starts with (see services/exports.py).
ESCAPED_PREFIXES = tuple("'" + c for c in "=+-@\t\r")
WHAT = "a Letterboxd export file"
FILM = {"name": "Name", "year": "Year"}


def parse_letterboxd(files: Sequence[UploadedFile], context: ParseContext) -> None:
    for file in files:
        _parse_file(file, context.log)


def is_export_member(name: str) -> bool:
    """ratings.csv and friends at the top of the zip, or inside one folder (some tools re-zip
    with a folder), but not the deleted/orphaned/likes/lists folders."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or parts[-1].lower() not in EXPORT_FILES:
        return False
    return len(parts) == 1 or (len(parts) == 2 and parts[0].lower() not in IGNORED_FOLDERS)


def detect_letterboxd(file: UploadedFile) -> bool:
    """The export zip, an export CSV (Name, Year and Date or Letterboxd URI), or an import CSV
    (Title with ids or a year; not IMDb's Const nor MovieLens' movieId)."""
    if zip_holds(file, is_export_member):
        return True
    columns = csv_columns(file)
    if {"name", "year"} <= columns and columns & {"date", "letterboxduri"}:
        return True
    other_apps = {"const", "movieid", "userid"}
    has_ids = columns & {"tmdbid", "imdbid", "letterboxduri", "year"}
    return "title" in columns and bool(has_ids) and not columns & other_apps


def _parse_file(file: UploadedFile, log: ParseLog) -> None:
    text = read_text_file(file, log)
    table = read_csv(text, source=file.name, log=log)
    kind = _kind(file.name, table)
    add_rows(table, log, _BUILDERS[kind](table.source))


def _kind(name: str, table: CsvTable) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    columns = table.columns
    if "tmdbid" in columns or ("title" in columns and "name" not in columns):
        return "import"
    kind = base.removesuffix(".csv") if base in EXPORT_FILES else _kind_by_columns(base, columns)
    needed = {
        "ratings": {**FILM, "rating": "Rating"},
        "diary": {**FILM, "watcheddate": "Watched Date"},
        "reviews": {**FILM, "watcheddate": "Watched Date"},
    }.get(kind, {**FILM, "date": "Date"})
    require_columns(table, needed, what=WHAT)
    return kind


def _kind_by_columns(base: str, columns: frozenset[str]) -> str:
    if "review" in columns:
        return "reviews"
    if "watcheddate" in columns:
        return "diary"
    if "rating" in columns:
        return "ratings"
    if "name" in columns:
        return "watchlist" if "watchlist" in base else "watched"
    raise InvalidInput(
        f"{base} is not {WHAT} (ratings.csv, watched.csv, watchlist.csv, diary.csv, "
        "reviews.csv) nor a Letterboxd import CSV with Title and Year."
    )


Builder = Callable[[CsvRecord], ImportRow | None]


def _film(source: str, record: CsvRecord) -> ImportRow:
    title = clean_text(record.get("name"))
    if not title:
        raise BadValue("no film name")
    return ImportRow(
        source=source, line=record.line, title=title, year=parse_year(record.get("year"))
    )


def _ratings(source: str) -> Builder:
    def build(record: CsvRecord) -> ImportRow:
        film = _film(source, record)
        rating = parse_stars(record.get("rating"))
        if rating is None:
            raise BadValue("no rating")
        return replace(film, rating=rating, rated_at=parse_instant(record.get("date")))

    return build


def _watchlist(source: str) -> Builder:
    return lambda record: replace(_film(source, record), watchlist=True)


def _watched(source: str) -> Builder:
    def build(record: CsvRecord) -> ImportRow:
        film = _film(source, record)
        day = parse_day(record.get("date"))
        if day is None:
            raise BadValue("no date")
        return replace(film, watched_on=day, seen_only=True)

    return build


def _diary(source: str, *, reviews: bool = False) -> Builder:
    def build(record: CsvRecord) -> ImportRow:
        film = _film(source, record)
        day = parse_day(record.get("watcheddate", "date"))
        if day is None:
            raise BadValue("no watched date")
        return replace(
            film,
            watched_on=day,
            rating=parse_stars(record.get("rating")),
            rating_is_current=False,
            rewatch=parse_flag(record.get("rewatch")),
            note=clean_note(record.cells.get("review")) if reviews else None,
        )

    return build


def _import_csv(source: str) -> Builder:
    """Letterboxd's import format: ids when present, a rating (or Rating10), a watched date."""

    def build(record: CsvRecord) -> ImportRow:
        title = clean_text(unescape_cell(record.get("title", "name")))
        tmdb_id = parse_id(record.get("tmdbid"))
        imdb_id = parse_imdb_id(record.get("imdbid"))
        if not title and tmdb_id is None and imdb_id is None:
            raise BadValue("no title, tmdbID or imdbID")
        rating = parse_stars(record.get("rating"))
        if rating is None:
            rating = parse_stars(record.get("rating10"), scale=10)
        day = parse_day(record.get("watcheddate"))
        if rating is None and day is None:
            raise BadValue("nothing to import (no rating and no watched date)")
        return ImportRow(
            source=source,
            line=record.line,
            title=title,
            year=parse_year(record.get("year")),
            tmdb_id=tmdb_id,
            imdb_id=imdb_id,
            rating=rating,
            watched_on=day,
            rewatch=parse_flag(record.get("rewatch")),
            note=clean_note(unescape_cell(record.cells.get("review", ""))),
        )

    return build


def unescape_cell(value: str) -> str:
    """Undo the CSV-injection escape of our exporter ("'=Cats" -> "=Cats")."""
    return value[1:] if value.startswith(ESCAPED_PREFIXES) else value


_BUILDERS: dict[str, Callable[[str], Builder]] = {
    "ratings": _ratings,
    "watchlist": _watchlist,
    "watched": _watched,
    "diary": _diary,
    "reviews": lambda source: _diary(source, reviews=True),
    "import": _import_csv,
}


SOURCE = ImportSource(
    name="letterboxd",
    label="Letterboxd",
    files_hint="the export zip, or ratings.csv, diary.csv, watched.csv, watchlist.csv, reviews.csv",
    parse=parse_letterboxd,
    detect=detect_letterboxd,
    folder_files=EXPORT_FILES,
    zip_member=is_export_member,
    reads_export="letterboxd",
)
