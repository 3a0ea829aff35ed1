"""Exports of a user's data, shared by the Settings page (download buttons) and the CLI:

- `json`: everything we hold (`LibraryService.export_user_data`);
- `csv`: one row per rated or watchlisted movie, then one per diary entry;
- `letterboxd`: Letterboxd's import CSV (tmdbID, Title, Year, Rating, WatchedDate, Rewatch),
  one row per diary entry (with the movie's current rating) plus one per rated movie that has
  no diary entry. Diary notes are private and stay out: on Letterboxd they would become public
  reviews. The watchlist stays out too: Letterboxd would mark those movies watched.

Every text cell that a spreadsheet could read as a formula (=, +, -, @, tab or CR first) is
prefixed with an apostrophe (OWASP's CSV-injection advice); our Letterboxd importer undoes it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from reelmatch.domain import Library, User
from reelmatch.errors import InvalidInput
from reelmatch.services.library import LibraryService
from reelmatch.store.types import utcnow

ExportFormat = Literal["json", "csv", "letterboxd"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("json", "csv", "letterboxd")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

LIBRARY_CSV_COLUMNS = (
    "section", "tmdb_id", "title", "year", "rating", "rated_at", "on_watchlist", "added_at",
    "watched_on", "rewatch", "note",
)  # fmt: skip
LETTERBOXD_COLUMNS = ("tmdbID", "Title", "Year", "Rating", "WatchedDate", "Rewatch")


@dataclass(frozen=True, slots=True)
class ExportFile:
    """What a download button or `--output` needs."""

    filename: str
    media_type: str
    content: bytes


def escape_cell(value: object) -> str:
    """The cell as text, with a leading apostrophe when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([escape_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def library_csv(library: Library) -> bytes:
    entries = {e.movie.id: e for e in (*library.ratings, *library.watchlist)}
    rows: list[Sequence[object]] = [
        ("library", e.movie.id, e.movie.title, e.movie.year, _stars(e.rating),
         e.rated_at.isoformat() if e.rated_at else "", "yes" if e.on_watchlist else "",
         e.added_at.isoformat(), "", "", "")
        for e in entries.values()
    ]  # fmt: skip
    rows += [
        ("diary", d.movie.id, d.movie.title, d.movie.year, "", "", "", "",
         d.watched_on.isoformat(), "yes" if d.rewatch else "", d.note or "")
        for d in library.diary
    ]  # fmt: skip
    return _csv(LIBRARY_CSV_COLUMNS, rows)


def letterboxd_csv(library: Library) -> bytes:
    ratings = {entry.movie.id: entry.rating for entry in library.ratings}
    logged = {entry.movie.id for entry in library.diary}
    rows: list[Sequence[object]] = [
        (d.movie.id, d.movie.title, d.movie.year or "", _stars(ratings.get(d.movie.id)),
         d.watched_on.isoformat(), "Yes" if d.rewatch else "")
        for d in sorted(library.diary, key=lambda d: (d.watched_on, d.id))
    ]  # fmt: skip
    rows += [
        (e.movie.id, e.movie.title, e.movie.year or "", _stars(e.rating), "", "")
        for e in library.ratings
        if e.movie.id not in logged
    ]
    return _csv(LETTERBOXD_COLUMNS, rows)


def _stars(rating: float | None) -> str:
    return "" if rating is None else f"{rating:g}"


class ExportService:
    def __init__(self, library: LibraryService) -> None:
        self._library = library

    def describe(self, user: User, fmt: str) -> tuple[str, str]:
        """The file name and media type an export will have, without building it (a page
        offers the download and builds the file only when it is clicked)."""
        base = f"reelmatch-{user.username}-{utcnow().date().isoformat()}"
        kinds = {
            "json": (f"{base}.json", "application/json"),
            "csv": (f"{base}.csv", "text/csv"),
            "letterboxd": (f"{base}-letterboxd.csv", "text/csv"),
        }
        if fmt in kinds:
            return kinds[fmt]
        raise InvalidInput(
            f"Unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}."
        )

    def export(self, user: User, fmt: str) -> ExportFile:
        filename, media_type = self.describe(user, fmt)
        if fmt == "json":
            data = self._library.export_user_data(user)
            content = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
        elif fmt == "csv":
            content = library_csv(self._library.library(user))
        else:
            content = letterboxd_csv(self._library.library(user))
        return ExportFile(filename, media_type, content)
