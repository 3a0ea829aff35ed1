"""The old browser-only app's localStorage, exported as one JSON object:
`rated-movies` (TMDB movie objects with a `rating`), `want-to-watch` (TMDB movie objects) and
`preferences`. Values may be JSON text (that is how localStorage stores them) or JSON already.

Ratings were stars; a file with any rating above 5 is read as a 1–10 scale (halved)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import orjson

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.detection import json_value
from reelmatch.services.imports.records import ImportRow, ParseLog, UploadedFile
from reelmatch.services.imports.source import ImportSource, ParseContext
from reelmatch.services.imports.text import add_items, column_key, load_json, read_text_file
from reelmatch.services.imports.values import (
    BadValue,
    clean_text,
    parse_id,
    parse_instant,
    parse_stars,
    parse_year,
)

KEYS = ("rated-movies", "want-to-watch", "preferences")
#: Preference names the old app may have used (letters only, lower case) -> our field.
PREFERENCE_FIELDS = {
    "favouritegenres": "favourite_genres",
    "favoritegenres": "favourite_genres",
    "likedgenres": "favourite_genres",
    "preferredgenres": "favourite_genres",
    "genres": "favourite_genres",
    "avoidedgenres": "avoided_genres",
    "dislikedgenres": "avoided_genres",
    "excludedgenres": "avoided_genres",
    "region": "region",
    "watchregion": "region",
    "country": "region",
    "language": "language",
    "hideadult": "hide_adult",
    "includeadult": "include_adult",
    "streamingservices": "streaming_services",
    "watchproviders": "streaming_services",
    "providers": "streaming_services",
}


def parse_localstorage(files: Sequence[UploadedFile], context: ParseContext) -> None:
    log = context.log
    for file in files:
        data = load_json(read_text_file(file, log), source=file.name)
        if not _is_export(data):
            raise InvalidInput(
                f"{file.name} is not an export of the old browser app "
                "(expected a JSON object with rated-movies, want-to-watch or preferences)."
            )
        rated = _list(data.get("rated-movies"), "rated-movies", file.name, log)
        scale = _rating_scale(rated, file.name, log)
        add_items(log, file.name, rated, partial(_rated, scale=scale))
        wanted = _list(data.get("want-to-watch"), "want-to-watch", file.name, log)
        add_items(log, file.name, wanted, _wanted)
        _preferences(data.get("preferences"), file.name, log)


def detect_localstorage(file: UploadedFile) -> bool:
    return _is_export(json_value(file))


def _is_export(data: Any) -> bool:
    return isinstance(data, dict) and any(key in data for key in KEYS)


def _unwrap(value: Any) -> Any:
    """localStorage holds text: a value may be JSON inside a string."""
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return value


def _list(value: Any, key: str, source: str, log: ParseLog) -> list[Any]:
    value = _unwrap(value)
    if value is None:
        return []
    if not isinstance(value, list):
        log.problem(source, 0, f"{key} is not a list of movies; it was skipped")
        return []
    return value


def _rating_scale(items: list[Any], source: str, log: ParseLog) -> int:
    ratings = [item.get("rating") for item in items if isinstance(item, dict)]
    numbers = [r for r in ratings if isinstance(r, int | float) and not isinstance(r, bool)]
    if any(5 < number <= 10 for number in numbers):
        log.notice(f"{source} has ratings above 5: read as a 1–10 scale and halved into stars.")
        return 10
    return 5


def _film(source: str, number: int, item: Any) -> ImportRow:
    if not isinstance(item, dict):
        raise BadValue("not a movie object")
    tmdb_id = parse_id(item.get("id"))
    title = clean_text(item.get("title") or item.get("name"))
    if tmdb_id is None and not title:
        raise BadValue("the movie has no id and no title")
    released = item.get("release_date")
    year = released[:4] if isinstance(released, str) and released[:4].isdigit() else None
    try:
        parsed_year = parse_year(year)
    except BadValue:
        parsed_year = None
    return ImportRow(source=source, line=number, title=title, year=parsed_year, tmdb_id=tmdb_id)


def _rated(source: str, number: int, item: Any, *, scale: int) -> ImportRow:
    film = _film(source, number, item)
    rating = parse_stars(item.get("rating"), scale=scale)
    if rating is None:
        raise BadValue("no rating")
    return replace(
        film, rating=rating, rated_at=_instant(item.get("ratedAt") or item.get("rated_at"))
    )


def _wanted(source: str, number: int, item: Any) -> ImportRow:
    return replace(_film(source, number, item), watchlist=True)


def _instant(value: Any) -> Any:
    try:
        return parse_instant(value)
    except BadValue:
        return None  # a bad timestamp does not make the rating wrong


def _preferences(value: Any, source: str, log: ParseLog) -> None:
    """Keep the preference fields we know, unvalidated: the service checks them (it knows the
    genre names) and shows them in the preview."""
    value = _unwrap(value)
    if value is None:
        return
    if not isinstance(value, dict):
        log.problem(source, 0, "preferences is not an object; it was skipped")
        return
    found = {
        PREFERENCE_FIELDS[column_key(str(key))]: item
        for key, item in value.items()
        if column_key(str(key)) in PREFERENCE_FIELDS
    }
    log.preferences = {**(log.preferences or {}), **found}


SOURCE = ImportSource(
    name="localstorage",
    label="Reel Matchmaker (browser version)",
    files_hint=(
        "the JSON you exported from the old app (rated-movies, want-to-watch, preferences)"
    ),
    parse=parse_localstorage,
    extensions=("json",),
    detect=detect_localstorage,
)
