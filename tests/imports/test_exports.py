"""Exports: JSON, CSV and Letterboxd CSV; CSV-injection escaping; export -> import round trip."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date

import pytest

from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import Settings
from reelmatch.domain import User
from reelmatch.errors import InvalidInput
from reelmatch.services.exports import escape_cell
from reelmatch.services.imports import UploadedFile
from reelmatch.services.imports.values import clean_text
from tests.imports.support import letterboxd_export_zip

FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0"]


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_are_escaped(value: str) -> None:
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["The Godfather", "", None, 4.5, 1972, "'quoted", "a=b"])
def test_other_cells_are_left_alone(value: object) -> None:
    assert escape_cell(value) == ("" if value is None else str(value))


def _record(movie_id: int, title: str) -> dict[str, object]:
    return {"id": movie_id, "title": title, "release_date": "2001-05-01", "status": "Released",
            "genres": [{"id": 18, "name": "Drama"}], "popularity": 1.0}  # fmt: skip


@pytest.fixture
def hostile(settings: Settings) -> Iterator[Services]:
    """Services over a catalog whose titles look like spreadsheet formulas."""
    catalog = OfflineCatalog([_record(1000 + i, title) for i, title in enumerate(FORMULAS)])
    built = build_services(settings, catalog=catalog, bcrypt_rounds=4)
    yield built
    built.close()


def test_exports_escape_hostile_titles_and_notes(hostile: Services) -> None:
    amy = hostile.users.create_user(username="amy", password="password1")
    for i in range(len(FORMULAS)):
        hostile.library.rate_movie(amy, 1000 + i, 4)
    hostile.library.log_watch(amy, 1000, watched_on=date(2024, 1, 2), note="=HYPERLINK(1)")

    letterboxd = rows(hostile.exports.export(amy, "letterboxd").content)
    assert sorted(r["Title"] for r in letterboxd) == sorted("'" + t for t in FORMULAS)
    ours = rows(hostile.exports.export(amy, "csv").content)
    assert {r["title"] for r in ours} == {"'" + t for t in FORMULAS}
    assert [r["note"] for r in ours if r["section"] == "diary"] == ["'=HYPERLINK(1)"]
    for row in [*letterboxd, *ours]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())

    # Our own importer undoes the escape: the titles come back as they were (less the tab and
    # carriage return every imported title is cleaned of).
    bob = hostile.users.create_user(username="bob", password="password1")
    exported = hostile.exports.export(amy, "letterboxd")
    preview = hostile.imports.preview(bob, "letterboxd", [UploadedFile("lb.csv", exported.content)])
    assert sorted(m.row.title for m in preview.matched) == sorted(map(clean_text, FORMULAS))
    assert {m.method for m in preview.matched} == {"tmdb id"}


@pytest.fixture
def amy(services: Services) -> User:
    user = services.users.create_user(username="amy", password="password1")
    services.imports.apply(
        user, services.imports.preview(user, "letterboxd", [letterboxd_export_zip()])
    )
    return user


def test_letterboxd_export_reimports_to_the_same_library(services: Services, amy: User) -> None:
    exported = services.exports.export(amy, "letterboxd")
    assert exported.filename.endswith("-letterboxd.csv")
    assert exported.media_type == "text/csv"
    assert rows(exported.content)[0].keys() == {
        "tmdbID", "Title", "Year", "Rating", "WatchedDate", "Rewatch"
    }  # fmt: skip

    bob = services.users.create_user(username="bob", password="password1")
    preview = services.imports.preview(
        bob, "letterboxd", [UploadedFile("lb.csv", exported.content)]
    )
    assert preview.unmatched == ()
    assert preview.problem_count == 0
    services.imports.apply(bob, preview)

    mine, theirs = services.library.library(amy), services.library.library(bob)
    assert {(e.movie.id, e.rating) for e in theirs.ratings} == {
        (e.movie.id, e.rating) for e in mine.ratings
    }
    diary = sorted((d.movie.id, d.watched_on, d.rewatch) for d in mine.diary)
    assert sorted((d.movie.id, d.watched_on, d.rewatch) for d in theirs.diary) == diary
    assert theirs.watchlist == ()  # Letterboxd's import would mark watchlisted films watched

    again = services.imports.preview(amy, "letterboxd", [UploadedFile("lb.csv", exported.content)])
    assert not again.has_changes  # amy re-importing her own export changes nothing


def test_json_export_has_everything(services: Services, amy: User) -> None:
    exported = services.exports.export(amy, "json")
    data = json.loads(exported.content)
    assert data["format"] == "reelmatch-export/1"
    assert data["user"]["username"] == "amy"
    assert len(data["ratings"]) == 6
    assert len(data["watchlist"]) == 2
    assert len(data["diary"]) == 8
    assert exported.filename.endswith(".json")


def test_csv_export_has_one_row_per_movie_and_per_diary_entry(
    services: Services, amy: User
) -> None:
    table = rows(services.exports.export(amy, "csv").content)
    library = [r for r in table if r["section"] == "library"]
    diary = [r for r in table if r["section"] == "diary"]
    assert len(library) == 8  # 6 rated + 2 watchlisted
    assert len(diary) == 8
    godfather = next(r for r in library if r["tmdb_id"] == "238")
    assert (godfather["title"], godfather["year"], godfather["rating"]) == (
        "The Godfather",
        "1972",
        "5",
    )
    assert {r["on_watchlist"] for r in library if r["rating"] == ""} == {"yes"}
    note = next(r["note"] for r in diary if r["rewatch"] == "yes")
    assert note == "Even better on 35mm.\nThe wedding scene, again."


def test_unknown_export_format(services: Services, amy: User) -> None:
    with pytest.raises(InvalidInput, match="Unknown export format"):
        services.exports.export(amy, "xml")
