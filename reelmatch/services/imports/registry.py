"""The import sources, in the order the Settings page offers them. The CLI's FORMAT choices,
the Settings page's list, folder and zip handling and the contract test
(tests/imports/test_contract.py) all read this list.

Adding a source: a module in `sources/` ending in `SOURCE = ImportSource(...)`, its line
here, and its fixtures in tests/fixtures/imports/<name>/ (the contract test runs on them).
"""

from __future__ import annotations

from collections.abc import Sequence

from reelmatch.errors import InvalidInput
from reelmatch.services.imports.records import UploadedFile
from reelmatch.services.imports.source import ImportSource
from reelmatch.services.imports.sources import imdb, letterboxd, localstorage, movielens, trakt

SOURCES: tuple[ImportSource, ...] = (
    letterboxd.SOURCE,
    imdb.SOURCE,
    trakt.SOURCE,
    localstorage.SOURCE,
    movielens.SOURCE,
)
IMPORT_FORMATS: tuple[str, ...] = tuple(source.name for source in SOURCES)


def import_source(name: str) -> ImportSource:
    """The source called `name` (the CLI's FORMAT); an unknown name is an `InvalidInput`."""
    for source in SOURCES:
        if source.name == name:
            return source
    raise InvalidInput(f"Unknown import format {name!r}; use one of {', '.join(IMPORT_FORMATS)}.")


def app_sources() -> tuple[ImportSource, ...]:
    """The sources offered on Settings → Import."""
    return tuple(source for source in SOURCES if source.in_app)


def upload_types() -> list[str]:
    """File extensions the Settings page's uploader accepts: what its sources read, and zip
    when one of them reads zips."""
    kinds = {ext for source in app_sources() for ext in source.extensions}
    if any(source.zip_member for source in app_sources()):
        kinds.add("zip")
    return sorted(kinds)


def detect_source(files: Sequence[UploadedFile]) -> ImportSource | None:
    """The one source that recognises every file, or None (no source, or more than one)."""
    found = [source for source in SOURCES if files and all(map(source.detect, files))]
    return found[0] if len(found) == 1 else None
