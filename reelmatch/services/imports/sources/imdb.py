"""IMDb: `ratings.csv` (Your Rating 1–10 -> stars = rating / 2) and the watchlist (or any list)
export. Rows carry IMDb ids (`Const`), matched through TMDB's `find`, with title + year as the
fallback. TV series, episodes and games are skipped: this is a movie app."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from reelmatch.services.imports.detection import csv_columns
from reelmatch.services.imports.records import ImportRow, ParseLog, UploadedFile
from reelmatch.services.imports.source import ImportSource, ParseContext
from reelmatch.services.imports.text import (
    CsvRecord,
    add_rows,
    column_key,
    read_csv,
    read_text_file,
    require_columns,
)
from reelmatch.services.imports.values import (
    BadValue,
    clean_text,
    parse_imdb_id,
    parse_instant,
    parse_stars,
    parse_year,
)

#: IMDb "Title Type" values (old exports camelCase, new ones spelled out) that are not movies.
NOT_MOVIES = frozenset(
    column_key(kind)
    for kind in (
        "tvSeries",
        "tvEpisode",
        "tvMiniSeries",
        "videoGame",
        "podcastSeries",
        "podcastEpisode",
        "musicVideo",
    )
)


def parse_imdb(files: Sequence[UploadedFile], context: ParseContext) -> None:
    log = context.log
    for file in files:
        text = read_text_file(file, log)
        table = read_csv(text, source=file.name, log=log)
        require_columns(table, {"const": "Const"}, what="an IMDb export")
        is_ratings = "yourrating" in table.columns and "position" not in table.columns
        add_rows(table, log, partial(_row, file.name, is_ratings=is_ratings, log=log))


def _row(source: str, record: CsvRecord, *, is_ratings: bool, log: ParseLog) -> ImportRow | None:
    kind = column_key(record.get("titletype"))
    if kind in NOT_MOVIES:
        log.skip("IMDb titles that are not movies (series, episodes, games)")
        return None
    imdb_id = parse_imdb_id(record.get("const")) or parse_imdb_id(record.get("url"))
    title = clean_text(record.get("title"))
    if imdb_id is None and not title:
        raise BadValue("no IMDb id (Const) and no title")
    rating = parse_stars(record.get("yourrating"), scale=10)
    if is_ratings and rating is None:
        raise BadValue("no rating (Your Rating)")
    return ImportRow(
        source=source,
        line=record.line,
        title=title,
        original_title=clean_text(record.get("originaltitle")) or None,
        year=parse_year(record.get("year")),
        imdb_id=imdb_id,
        rating=rating,
        rated_at=parse_instant(record.get("daterated")) if rating is not None else None,
        watchlist=not is_ratings,
    )


def detect_imdb(file: UploadedFile) -> bool:
    """IMDb's lists and ratings all have the title's IMDb id in a Const column."""
    return "const" in csv_columns(file)


SOURCE = ImportSource(
    name="imdb",
    label="IMDb",
    files_hint="ratings.csv or your watchlist export (CSV)",
    parse=parse_imdb,
    detect=detect_imdb,
)
