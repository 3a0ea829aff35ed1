"""Trakt: the JSON files of its export (`watched-history.json`, `ratings-movies.json`,
`lists-watchlist.json`), one by one or as the export zip. Movies carry TMDB and IMDb ids.
Later plays of the same movie in the history are rewatches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.detection import json_value, zip_holds
from reelmatch.services.imports.records import ImportRow, ListRef, ParseLog, UploadedFile
from reelmatch.services.imports.source import ImportSource, ParseContext
from reelmatch.services.imports.text import load_json, read_text_file
from reelmatch.services.imports.values import (
    BadValue,
    clean_text,
    parse_day,
    parse_id,
    parse_imdb_id,
    parse_instant,
    parse_stars,
    parse_year,
)

TRAKT_FILES = {
    "watched-history.json": "history",
    "ratings-movies.json": "ratings",
    "lists-watchlist.json": "watchlist",
    "watchlist-movies.json": "watchlist",
}


def parse_trakt(files: Sequence[UploadedFile], context: ParseContext) -> None:
    for file in files:
        _parse_file(file, context.log)


def detect_trakt(file: UploadedFile) -> bool:
    """The export zip, one of its files by name, or a JSON list of Trakt entries."""
    if zip_holds(file, is_export_member) or _file_kind(file.name):
        return True
    if _is_list_file(file.name):
        return True
    items = json_value(file)
    if _is_list_object(items):
        return True
    return isinstance(items, list) and _kind_by_items(items) is not None


def is_export_member(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if 0 < len(parts) <= 3 and _is_list_file(name):
        return True
    return 0 < len(parts) <= 2 and parts[-1].lower() in TRAKT_FILES


def _is_list_file(name: str) -> bool:
    """A custom list of the export: `lists/NAME.json` or `lists-NAME.json` (not the
    watchlist's `lists-watchlist.json`)."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or not parts[-1].lower().endswith(".json") or parts[-1].startswith("."):
        return False
    base = parts[-1].lower()
    if base in TRAKT_FILES:
        return False
    return base.startswith("lists-") or (len(parts) >= 2 and parts[-2].lower() == "lists")


def _is_list_object(value: Any) -> bool:
    """A list as Trakt's API gives it: an object with a name and its items."""
    return isinstance(value, dict) and "name" in value and isinstance(value.get("items"), list)


def _parse_file(file: UploadedFile, log: ParseLog) -> None:
    items = load_json(read_text_file(file, log), source=file.name)
    if _is_list_object(items) or (isinstance(items, list) and _is_list_file(file.name)):
        _parse_list(file.name, items, log)
        return
    if not isinstance(items, list):
        raise InvalidInput(f"{file.name} is not a Trakt export (expected a JSON list).")
    kind = _file_kind(file.name) or _kind_by_items(items)
    if kind is None:
        raise InvalidInput(
            f"{file.name} is not one of Trakt's {', '.join(TRAKT_FILES)} (no watched_at, "
            "rated_at or listed_at in its entries)."
        )
    rows = []
    for number, item in enumerate(items, start=1):
        try:
            row = _row(kind, file.name, number, item, log)
        except BadValue as error:
            log.problem(file.name, number, str(error))
            continue
        if row is not None:
            rows.append(row)
    for row in _mark_rewatches(rows) if kind == "history" else rows:
        log.add(row)


def _parse_list(source: str, value: Any, log: ParseLog) -> None:
    """A list object ({name, description, privacy, items: [...]}) or a bare array of list
    items named by the file (`lists-best-of-2024.json` -> "best of 2024"). Items are
    {rank, listed_at, notes, type, movie {title, year, ids}}; they keep their rank order, and
    the list is ranked when every item has a rank."""
    if isinstance(value, dict):
        name = clean_text(value.get("name"))
        description = value.get("description")
        items = value["items"]
    else:
        stem = PurePosixPath(source.replace("\\", "/")).stem
        name, description, items = stem.removeprefix("lists-").replace("-", " ").strip(), "", value
    if not name:
        raise InvalidInput(f"{source}: the Trakt list has no name.")
    rows: list[ImportRow] = []
    for number, item in enumerate(items, start=1):
        try:
            row = _row("list", source, number, item, log)
        except BadValue as error:
            log.problem(source, number, str(error))
            continue
        if row is not None:
            rows.append(replace(row, list_position=_rank(item)))
    ranked = bool(rows) and all(row.list_position is not None for row in rows)
    if ranked:
        rows.sort(key=lambda row: row.list_position or 0)
    ref = ListRef(
        name=name[:200],
        description=(description if isinstance(description, str) else "").strip()[:2000],
        ranked=ranked,
    )
    for row in rows:
        log.add(replace(row, in_list=ref))


def _rank(item: dict[str, Any]) -> int | None:
    try:
        return parse_id(item.get("rank"))
    except BadValue:
        return None


def _file_kind(name: str) -> str | None:
    return TRAKT_FILES.get(PurePosixPath(name.replace("\\", "/")).name.lower())


def _kind_by_items(items: list[Any]) -> str | None:
    first = next((item for item in items if isinstance(item, dict)), {})
    for key, kind in (
        ("watched_at", "history"),
        ("rated_at", "ratings"),
        ("listed_at", "watchlist"),
    ):
        if key in first:
            return kind
    return None


def _row(kind: str, source: str, number: int, item: Any, log: ParseLog) -> ImportRow | None:
    if not isinstance(item, dict):
        raise BadValue("not a Trakt entry")
    if item.get("type", "movie") != "movie":
        log.skip("Trakt entries that are not movies (shows, seasons, episodes)")
        return None
    film = _movie(source, number, item.get("movie"))
    return _FIELDS[kind](film, item)


def _movie(source: str, number: int, movie: Any) -> ImportRow:
    if not isinstance(movie, dict):
        raise BadValue("no movie in this entry")
    raw_ids = movie.get("ids")
    ids: dict[str, Any] = raw_ids if isinstance(raw_ids, dict) else {}
    title = clean_text(movie.get("title"))
    tmdb_id, imdb_id = parse_id(ids.get("tmdb")), parse_imdb_id(ids.get("imdb"))
    if not title and tmdb_id is None and imdb_id is None:
        raise BadValue("the movie has no title and no ids")
    return ImportRow(
        source=source,
        line=number,
        title=title,
        year=_year(movie.get("year")),
        tmdb_id=tmdb_id,
        imdb_id=imdb_id,
    )


def _year(value: Any) -> int | None:
    try:
        return parse_year(value)
    except BadValue:
        return None  # Trakt years are informative; ids do the matching


def _history(film: ImportRow, item: dict[str, Any]) -> ImportRow:
    day = parse_day(item.get("watched_at"))
    if day is None:
        raise BadValue("no watched_at")
    return replace(film, watched_on=day)


def _rating(film: ImportRow, item: dict[str, Any]) -> ImportRow:
    rating = parse_stars(item.get("rating"), scale=10)
    if rating is None:
        raise BadValue("no rating")
    return replace(film, rating=rating, rated_at=parse_instant(item.get("rated_at")))


_FIELDS: dict[str, Callable[[ImportRow, dict[str, Any]], ImportRow]] = {
    "history": _history,
    "ratings": _rating,
    "watchlist": lambda film, item: replace(film, watchlist=True),
    "list": lambda film, item: film,
}


def _mark_rewatches(rows: list[ImportRow]) -> list[ImportRow]:
    """Every play of a movie after its earliest one in the history is a rewatch."""
    marked = list(rows)
    seen: set[tuple[object, ...]] = set()
    for index in sorted(range(len(rows)), key=lambda i: (rows[i].watched_on or date.min, i)):
        key = _movie_key(rows[index])
        if key in seen:
            marked[index] = replace(rows[index], rewatch=True)
        seen.add(key)
    return marked


def _movie_key(row: ImportRow) -> tuple[object, ...]:
    return (row.tmdb_id, row.imdb_id, row.title.casefold(), row.year)


SOURCE = ImportSource(
    name="trakt",
    label="Trakt",
    files_hint=(
        "watched-history.json, ratings-movies.json, lists-watchlist.json, your lists' "
        "lists-NAME.json (or their zip)"
    ),
    parse=parse_trakt,
    extensions=("json",),
    detect=detect_trakt,
    folder_files=tuple(TRAKT_FILES),
    folder_globs=("lists-*.json", "lists/*.json"),
    zip_member=is_export_member,
)
