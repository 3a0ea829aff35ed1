"""Helpers for the import tests: fixture files, zips built in memory, a catalog wrapper that
counts and limits lookups, an event sink that remembers."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.domain import Genre, MovieDetails, MoviePage
from reelmatch.services.imports import UploadedFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def fixture(*parts: str) -> UploadedFile:
    path = FIXTURES.joinpath(*parts)
    return UploadedFile(path.name, path.read_bytes())


def build_zip(members: dict[str, bytes], *, level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=level) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def letterboxd_export_zip() -> UploadedFile:
    """The fixture export folder as Letterboxd ships it: CSVs at the top, plus folders and
    files an importer must leave alone."""
    folder = FIXTURES / "letterboxd"
    members = {
        str(path.relative_to(folder)).replace("\\", "/"): path.read_bytes()
        for path in sorted(folder.rglob("*.csv"))
    }
    members["lists/favourites.csv"] = b"Letterboxd list export v7\r\nDate,Name,Tags,URL\r\n"
    return UploadedFile("letterboxd-filmfan-2024-03-12-10-00-utc.zip", build_zip(members))


class CountingCatalog:
    """The offline catalog, counting every lookup and the most lookups in flight at once
    (each waits `delay` seconds, like a round trip to TMDB)."""

    mode = "offline"

    def __init__(self, catalog: OfflineCatalog, *, delay: float = 0.0) -> None:
        self._catalog = catalog
        self._delay = delay
        self._lock = threading.Lock()
        self._in_flight = 0
        self.max_in_flight = 0
        self.calls: list[tuple[str, Any]] = []

    def _enter(self, name: str, argument: Any) -> None:
        with self._lock:
            self.calls.append((name, argument))
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        time.sleep(self._delay)
        with self._lock:
            self._in_flight -= 1

    def search(self, query: str, *, year: int | None = None, page: int = 1) -> MoviePage:
        self._enter("search", (query, year))
        return self._catalog.search(query, year=year, page=page)

    def movies(self, movie_ids: list[int]) -> list[MovieDetails]:
        self._enter("movies", tuple(movie_ids))
        return self._catalog.movies(movie_ids)

    def find_by_imdb_id(self, imdb_id: str) -> MovieDetails | None:
        self._enter("find", imdb_id)
        return None

    def genres(self) -> list[Genre]:
        return self._catalog.genres()

    def calls_named(self, name: str) -> list[Any]:
        return [argument for called, argument in self.calls if called == name]


def titles(rows: Iterable[Any]) -> list[str]:
    return [row.title for row in rows]
