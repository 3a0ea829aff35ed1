"""Lists through the import pipeline (decision 90): Letterboxd's `lists/*.csv` (in the export
zip or alone) and Trakt lists (`lists-NAME.json`, `lists/NAME.json`, or a list object).
Runs on SQLite and PostgreSQL (the `services` fixture is parametrised)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.errors import InvalidInput
from reelmatch.services.imports import ImportService, UploadedFile, detect_source, parse_upload
from reelmatch.services.imports.limits import ImportLimits
from reelmatch.services.imports.records import ListRef
from reelmatch.services.lists import letterboxd_list_csv
from reelmatch.store.models import UserMovieRow
from tests.imports.support import FIXTURES, build_zip, fixture
from tests.imports.test_service import count
from tests.support.cli import run_cli

LISTS = ("lists",)


def letterboxd_zip_with_lists() -> UploadedFile:
    """The Letterboxd fixture export with two lists in its lists/ folder."""
    folder = FIXTURES / "letterboxd"
    members = {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}
    for name in ("best-of-2001.csv", "comfort-films.csv"):
        members[f"lists/{name}"] = fixture(*LISTS, name).data
    return UploadedFile("letterboxd-export.zip", build_zip(members))


def list_titles(services: Services, user: User) -> dict[str, list[str]]:
    return {
        summary.name: [item.movie.title for item in services.lists.get(user, summary.id).items]
        for summary in services.lists.lists(user)
    }


# Parsing and detection -----------------------------------------------------------------------


def test_letterboxd_list_csv_parses_to_list_rows_with_line_numbers() -> None:
    parsed = parse_upload(
        "letterboxd", [fixture(*LISTS, "best-of-2001.csv")], limits=ImportLimits()
    )
    assert [(r.title, r.year, r.list_position, r.line) for r in parsed.rows] == [
        ("Spirited Away", 2001, 1, 6),
        ("Amélie", 2001, 2, 7),
        ("Zzyzx Nowhere Film", 2001, 3, 8),
    ]
    ref = parsed.rows[0].in_list
    assert ref is not None
    assert (ref.name, ref.description, ref.ranked) == ("Best of 2001", "Ranked, my way", True)
    assert parsed.rows[0].actions == "list Best of 2001"


def test_list_files_are_detected_as_their_source() -> None:
    assert detect_source([fixture(*LISTS, "comfort-films.csv")]).name == "letterboxd"  # type: ignore[union-attr]
    assert detect_source([letterboxd_zip_with_lists()]).name == "letterboxd"  # type: ignore[union-attr]
    assert detect_source([fixture(*LISTS, "lists-sci-fi.json")]).name == "trakt"  # type: ignore[union-attr]
    trakt_zip = build_zip({"lists/sci-fi.json": fixture(*LISTS, "lists-sci-fi.json").data})
    assert detect_source([UploadedFile("trakt.zip", trakt_zip)]).name == "trakt"  # type: ignore[union-attr]


def test_trakt_list_keeps_rank_order_skips_shows_and_prefers_tmdb_ids() -> None:
    parsed = parse_upload("trakt", [fixture(*LISTS, "lists-sci-fi.json")], limits=ImportLimits())
    assert [(r.title, r.tmdb_id, r.list_position) for r in parsed.rows] == [
        ("Blade Runner", 78, 1),
        ("Wall-E", 10681, 2),
        ("Not A Real Movie At All", None, 4),
    ]
    ref = parsed.rows[0].in_list
    assert ref is not None
    assert (ref.name, ref.ranked) == ("Sci-fi canon", True)
    assert parsed.skipped_count == 1  # the show


def test_trakt_bare_array_is_named_by_its_file() -> None:
    items = orjson.loads(fixture(*LISTS, "lists-sci-fi.json").data)["items"]
    file = UploadedFile("lists-date-night.json", orjson.dumps(items))
    parsed = parse_upload("trakt", [file], limits=ImportLimits())
    assert {r.in_list.name for r in parsed.rows if r.in_list} == {"date night"}


# Malformed input -----------------------------------------------------------------------------


def test_list_csv_without_items_section_is_refused_by_name() -> None:
    data = b"Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2024-01-01,X,,,\n1,Heat\n"
    with pytest.raises(InvalidInput, match=r"bad\.csv does not look like a Letterboxd list"):
        parse_upload("letterboxd", [UploadedFile("bad.csv", data)], limits=ImportLimits())


def test_list_csv_without_a_name_is_refused() -> None:
    data = (
        b"Letterboxd list export v7\nDate,Name,Tags,URL,Description\n2024-01-01,,,,\n\n"
        b"Position,Name,Year\n1,Heat,1995\n"
    )
    with pytest.raises(InvalidInput, match=r"noname\.csv line 3: the list has no name"):
        parse_upload("letterboxd", [UploadedFile("noname.csv", data)], limits=ImportLimits())


def test_bad_list_rows_are_problems_naming_their_lines() -> None:
    data = (
        b"Letterboxd list export v7\r\nDate,Name,Tags,URL,Description\r\n2024-01-01,L,,,\r\n\r\n"
        b"Position,Name,Year,URL,Description\r\n1,,2001,,\r\n2,Amour,notayear,,\r\n3,Heat,1995,,\r\n"
    )
    parsed = parse_upload("letterboxd", [UploadedFile("l.csv", data)], limits=ImportLimits())
    assert [r.title for r in parsed.rows] == ["Heat"]
    assert [p.where for p in parsed.problems] == ["l.csv line 6", "l.csv line 7"]


def test_broken_trakt_list_json_is_refused_by_name() -> None:
    file = UploadedFile("lists-broken.json", b'{"name": "x", "items": [')
    with pytest.raises(InvalidInput, match=r"lists-broken\.json is not valid JSON"):
        parse_upload("trakt", [file], limits=ImportLimits())


def test_trakt_list_without_name_is_refused() -> None:
    file = UploadedFile("list.json", b'{"name": "", "items": []}')
    with pytest.raises(InvalidInput, match=r"list\.json: the Trakt list has no name"):
        parse_upload("trakt", [file], limits=ImportLimits())


# Preview and apply ---------------------------------------------------------------------------


def test_zip_with_two_lists_previews_and_applies_in_one_go(
    imports: ImportService, services: Services, alice: User
) -> None:
    preview = imports.preview(alice, "letterboxd", [letterboxd_zip_with_lists()])
    assert preview.changes.lists == 2
    assert preview.list_summary.startswith("2 lists with ")
    assert "Zzyzx Nowhere Film (2001) — list Best of 2001" in preview.unmatched_list_titles
    result = imports.apply(alice, preview)
    assert result.lists == 2
    assert result.rated > 0  # the ratings came in the same import
    lists = list_titles(services, alice)
    assert lists["Best of 2001"] == ["Spirited Away", "Amélie"]
    assert lists["Comfort films"][0] == "WALL·E"
    assert lists["Comfort films"][-1] == "The Godfather"
    summary = {s.name: s for s in services.lists.lists(alice)}
    assert summary["Best of 2001"].ranked
    assert not summary["Comfort films"].ranked
    assert not any(s.public for s in summary.values())  # private by default
    assert summary["Best of 2001"].description == "Ranked, my way"


def test_reimport_replaces_items_and_never_duplicates(
    imports: ImportService, services: Services, alice: User
) -> None:
    file = fixture(*LISTS, "lists-sci-fi.json")
    imports.apply(alice, imports.preview(alice, "trakt", [file]))
    first = list_titles(services, alice)
    assert first == {"Sci-fi canon": ["Blade Runner", "WALL·E"]}
    again = imports.preview(alice, "trakt", [file])
    imports.apply(alice, again)
    assert list_titles(services, alice) == first
    # A list of the same name with other films is replaced, not doubled.
    items = orjson.loads(file.data)
    items["items"] = items["items"][1:2]
    imports.apply(
        alice, imports.preview(alice, "trakt", [UploadedFile("x.json", orjson.dumps(items))])
    )
    assert list_titles(services, alice) == {"Sci-fi canon": ["Blade Runner"]}


def test_exported_list_imports_back_with_same_name_order_and_films(
    imports: ImportService, services: Services, alice: User
) -> None:
    bob = services.users.create_user(username="bob", password="password1")
    made = services.lists.create(alice, "=Ranked picks", description="mine", ranked=True)
    for movie_id in (238, 129, 78):  # The Godfather, Spirited Away, Blade Runner
        services.lists.add_movie(alice, made.id, movie_id)
    services.lists.move(alice, made.id, 78, 1)
    exported = services.lists.get(alice, made.id)
    csv = UploadedFile("ranked-picks.csv", letterboxd_list_csv(exported))
    preview = imports.preview(bob, "letterboxd", [csv])
    assert preview.unmatched == ()
    imports.apply(bob, preview)
    (back,) = services.lists.lists(bob)
    got = services.lists.get(bob, back.id)
    assert (got.name, got.description, got.ranked) == ("=Ranked picks", "mine", True)
    assert [i.movie.id for i in got.items] == [i.movie.id for i in exported.items] == [78, 238, 129]


# Command line --------------------------------------------------------------------------------


def test_cli_imports_a_folder_with_lists_and_a_trakt_list(
    monkeypatch: pytest.MonkeyPatch, db_url: str, services: Services, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    amy = services.users.create_user(username="amy", password="password1")
    (tmp_path / "lists").mkdir()
    (tmp_path / "ratings.csv").write_bytes(fixture("letterboxd", "ratings.csv").data)
    for name in ("best-of-2001.csv", "comfort-films.csv"):
        (tmp_path / "lists" / name).write_bytes(fixture(*LISTS, name).data)
    outcome = run_cli("import", "letterboxd", str(tmp_path), "--user", "amy")
    assert outcome.code == 0, outcome.err
    assert "Lists: 2 lists with " in outcome.out
    assert "lists/best-of-2001.csv line 8" in outcome.out  # the unmatched film, by its line
    assert "Lists saved: 2." in outcome.out
    trakt_file = str(FIXTURES / "lists" / "lists-sci-fi.json")
    trakt = run_cli("import", "trakt", trakt_file, "--user", "amy")
    assert trakt.code == 0, trakt.err
    assert "Lists: 1 list with 2 films." in trakt.out
    assert set(list_titles(services, amy)) == {"Best of 2001", "Comfort films", "Sci-fi canon"}


def test_a_list_the_database_refuses_rolls_back_the_whole_import(
    imports: ImportService, services: Services, alice: User, db_url: str
) -> None:
    """All or nothing: the lists are written in the import's unit of work, so a list that
    PostgreSQL refuses (a name over its 200 characters) leaves no ratings behind either."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite does not enforce column lengths")
    preview = imports.preview(alice, "letterboxd", [letterboxd_zip_with_lists()])
    too_long = ListRef(name="x" * 300)
    matched = tuple(
        replace(item, row=replace(item.row, in_list=too_long)) if item.row.in_list else item
        for item in preview.matched
    )
    with pytest.raises(InvalidInput, match="nothing was imported"):
        imports.apply(alice, replace(preview, matched=matched))
    assert count(services, UserMovieRow, user_id=alice.id) == 0
    assert services.lists.lists(alice) == []
