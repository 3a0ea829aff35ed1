"""The contract every registered import source keeps, run once per source in the registry
(reelmatch/services/imports/registry.py) on its fixtures in tests/fixtures/imports/<name>/:

1. detect: the registry recognises the fixture files (and their zip, for a source that reads
   zips) as this source and no other, and a wrong choice of source is refused with a message
   naming this one;
2. parse: the fixture parses into rows, the same rows zipped as not (or the zip is refused);
3. round trip: imported into one account, the JSON export holds exactly what the preview
   planned and re-importing the fixture changes nothing; then the account is exported in a
   format we read back and imported into a second account, which ends up with the same
   ratings and diary. That format is the source's own when it has one (`reads_export`:
   Letterboxd's import CSV for letterboxd); every other source goes through the JSON export
   and then the Letterboxd import CSV, the one export of ours a source reads back. The test
   id says which ("imdb-via-json+letterboxd").

A new source gets all of this by being registered and having a fixture folder.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import Library
from reelmatch.errors import InvalidInput
from reelmatch.services.imports import (
    SOURCES,
    ImportLimits,
    ImportSource,
    UploadedFile,
    detect_source,
    files_from_path,
    parse_upload,
)
from reelmatch.services.imports.plan import LibraryState, build_plan, diff
from tests.imports.support import FIXTURES

LIMITS = ImportLimits()
#: MovieLens fixtures hold two MovieLens users; the other sources ignore the option.
SOURCE_USER = 1
#: The source that reads one of our exports back (letterboxd: its import CSV).
READER = next(source for source in SOURCES if source.reads_export)


def by_source(test_id: Any = None) -> Any:
    return pytest.mark.parametrize(
        "source",
        [pytest.param(s, id=test_id(s) if test_id else s.name) for s in SOURCES],
    )


def fixture_files(source: ImportSource) -> list[UploadedFile]:
    """What the CLI reads from the source's fixture folder; every file in it for a source
    without export file names (IMDb's CSVs can be called anything)."""
    folder = FIXTURES / source.name
    if source.folder_files:
        return files_from_path(folder, fmt=source.name, limits=LIMITS)
    paths = sorted(path for path in folder.iterdir() if path.is_file())
    return [UploadedFile(path.name, path.read_bytes()) for path in paths]


def zipped(files: list[UploadedFile]) -> UploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for file in reversed(files):  # the source's file order must not depend on the zip's
            bundle.writestr(file.name, file.data)
    return UploadedFile("export.zip", buffer.getvalue())


def parse(source: ImportSource, files: list[UploadedFile]) -> Any:
    return parse_upload(source.name, files, limits=LIMITS, source_user=SOURCE_USER)


# 1. detect -----------------------------------------------------------------------------------


@by_source()
def test_detects_its_files_and_no_other_source_does(source: ImportSource) -> None:
    files = fixture_files(source)
    assert detect_source(files) is source
    for file in files:
        assert [s.name for s in SOURCES if s.detect(file)] == [source.name], file.name
    if source.zip_member is not None:
        assert [s.name for s in SOURCES if s.detect(zipped(files))] == [source.name]


@by_source()
def test_the_wrong_source_refuses_and_names_the_right_one(source: ImportSource) -> None:
    files = fixture_files(source)
    for other in SOURCES:
        if other is source:
            continue
        with pytest.raises(InvalidInput) as refused:
            parse(other, files)
        assert f"choose {source.label} ({source.name})." in refused.value.message, other.name


# 2. parse ------------------------------------------------------------------------------------


@by_source()
def test_parses_its_fixture_zipped_or_not(source: ImportSource) -> None:
    files = fixture_files(source)
    parsed = parse(source, files)
    assert parsed.format == source.name
    assert parsed.rows
    assert parsed.files == tuple(f.name for f in files)
    if source.zip_member is None:
        with pytest.raises(InvalidInput, match=r"export\.zip is a zip: upload"):
            parse(source, [zipped(files)])
        return
    from_zip = parse(source, [zipped(files)])
    assert (from_zip.rows, from_zip.problems, from_zip.files) == (
        parsed.rows,
        parsed.problems,
        parsed.files,
    )


# 3. round trip -------------------------------------------------------------------------------


def _via(source: ImportSource) -> str:
    return f"{source.name}-via-{source.reads_export or 'json+' + str(READER.reads_export)}"


@by_source(_via)
def test_round_trips_through_export(services: Services, source: ImportSource) -> None:
    amy = services.users.create_user(username="amy", password="password1")
    files = fixture_files(source)
    preview = services.imports.preview(amy, source.name, files, source_user=SOURCE_USER)
    assert preview.matched
    services.imports.apply(amy, preview)

    exported = json.loads(services.exports.export(amy, "json").content)
    assert _exported(exported) == _planned(preview.matched)
    again = services.imports.preview(amy, source.name, files, source_user=SOURCE_USER)
    assert not again.has_changes

    reader = source if source.reads_export else READER
    assert reader.reads_export is not None
    ours = services.exports.export(amy, reader.reads_export)
    bob = services.users.create_user(username="bob", password="password1")
    back = services.imports.preview(bob, reader.name, [UploadedFile(ours.filename, ours.content)])
    assert (back.unmatched, back.problem_count) == ((), 0)
    services.imports.apply(bob, back)
    mine, theirs = services.library.library(amy), services.library.library(bob)
    assert _ratings_and_diary(theirs) == _ratings_and_diary(mine)


def _exported(data: dict[str, Any]) -> dict[str, set[Any]]:
    return {
        "ratings": {(e["movie"]["id"], e["rating"]) for e in data["ratings"]},
        "watchlist": {e["movie"]["id"] for e in data["watchlist"]},
        "diary": {(d["movie"]["id"], d["watched_on"], d["rewatch"]) for d in data["diary"]},
    }


def _planned(matched: Any) -> dict[str, set[Any]]:
    """What the preview's matches ask for, written into an empty library."""
    plans = build_plan(matched)
    diary = diff(plans, LibraryState(ratings={}, watch_days={})).diary
    return {
        "ratings": {(i, p.rating) for i, p in plans.items() if p.rating is not None},
        "watchlist": {i for i, p in plans.items() if p.watchlist},
        "diary": {(w.movie_id, w.watched_on.isoformat(), w.rewatch) for w in diary},
    }


def _ratings_and_diary(library: Library) -> tuple[set[Any], list[Any]]:
    return (
        {(e.movie.id, e.rating) for e in library.ratings},
        sorted((d.movie.id, d.watched_on, d.rewatch) for d in library.diary),
    )
