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
from reelmatch.services.imports.records import ImportRow, ListRef, ParseLog, UploadedFile
from reelmatch.services.imports.source import ImportSource, ParseContext
from reelmatch.services.imports.text import (
    CsvRecord,
    CsvTable,
    add_rows,
    column_key,
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
    with a folder), but not the deleted/orphaned/likes/lists folders; and the lists'
    `lists/*.csv` (also one folder down)."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if is_list_member(parts):
        return True
    if not parts or parts[-1].lower() not in EXPORT_FILES:
        return False
    return len(parts) == 1 or (len(parts) == 2 and parts[0].lower() not in IGNORED_FOLDERS)


def is_list_member(parts: tuple[str, ...]) -> bool:
    """`lists/NAME.csv`, or `EXPORT/lists/NAME.csv`."""
    return (
        len(parts) in (2, 3)
        and parts[-2].lower() == "lists"
        and parts[-1].lower().endswith(".csv")
        and not parts[-1].startswith(".")
    )


def detect_letterboxd(file: UploadedFile) -> bool:
    """The export zip, an export CSV (Name, Year and Date or Letterboxd URI), or an import CSV
    (Title with ids or a year; not IMDb's Const nor MovieLens' movieId)."""
    if zip_holds(file, is_export_member):
        return True
    columns = csv_columns(file)
    if {"name", "year"} <= columns and columns & {"date", "letterboxduri"}:
        return True
    if any(key.startswith(LIST_PREAMBLE_KEY) for key in columns):
        return True
    other_apps = {"const", "movieid", "userid"}
    has_ids = columns & {"tmdbid", "imdbid", "letterboxduri", "year"}
    return "title" in columns and bool(has_ids) and not columns & other_apps


def _parse_file(file: UploadedFile, log: ParseLog) -> None:
    text = read_text_file(file, log)
    if column_key(text[:200].split("\n", 1)[0]).startswith(LIST_PREAMBLE_KEY):
        _parse_list(file.name, text, log)
        return
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

#: The first line of a list CSV ("Letterboxd list export v7"), as a column key.
LIST_PREAMBLE_KEY = "letterboxdlistexport"
LIST_WHAT = "a Letterboxd list export (lists/*.csv)"


def _parse_list(source: str, text: str, log: ParseLog) -> None:
    """A list CSV: the preamble line, a Date,Name,Tags,URL,Description header and its row, a
    blank line, then Position,Name,Year,URL,Description rows. Rows keep the file's order;
    the list is ranked when the rows carry positions."""
    lines = text.splitlines(keepends=True)
    blank = next((i for i, line in enumerate(lines) if i >= 2 and not line.strip()), None)
    if blank is None and len([line for line in lines if line.strip()]) <= 3:
        log.notice(f"{source} is a list without films; it was skipped.")
        return
    if blank is None:
        raise InvalidInput(
            f"{source} does not look like {LIST_WHAT}: no blank line after the list's details."
        )
    details = read_csv("".join(lines[1:blank]), source=source, log=log)
    require_columns(details, {"name": "Name"}, what=LIST_WHAT)
    head = next(iter(details.records), None)
    name = clean_text(unescape_cell(head.get("name"))) if head else ""
    if not name:
        raise InvalidInput(f"{source} line 3: the list has no name.")
    description = unescape_cell(head.cells.get("description", "")).strip() if head else ""
    items = read_csv("".join(lines[blank + 1 :]), source=source, log=log)
    require_columns(items, {"name": "Name"}, what=LIST_WHAT)
    rows: list[ImportRow] = []
    for read in items.records:
        record = CsvRecord(read.line + blank + 1, read.cells)  # the file's line number
        try:
            film = _film(source, record)
            film = replace(film, title=unescape_cell(film.title))
            position = parse_id(record.get("position"))
        except BadValue as error:
            log.problem(source, record.line, str(error))
            continue
        rows.append(replace(film, list_position=position))
    ranked = bool(rows) and all(row.list_position is not None for row in rows)
    ref = ListRef(name=name[:200], description=description[:2000], ranked=ranked)
    for row in rows:
        log.add(replace(row, in_list=ref))


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
    files_hint=(
        "the export zip, or ratings.csv, diary.csv, watched.csv, watchlist.csv, reviews.csv, "
        "a list's CSV from lists/"
    ),
    parse=parse_letterboxd,
    detect=detect_letterboxd,
    folder_files=EXPORT_FILES,
    folder_globs=("lists/*.csv",),
    zip_member=is_export_member,
    reads_export="letterboxd",
)
