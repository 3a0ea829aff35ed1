"""The registry of import sources: what the CLI and the Settings page read from it, and that
nothing is left out of it."""

from __future__ import annotations

import pkgutil

import pytest

from reelmatch.errors import InvalidInput
from reelmatch.services.imports import (
    IMPORT_FORMATS,
    SOURCES,
    UploadedFile,
    app_sources,
    import_source,
    parse_upload,
    upload_types,
)
from reelmatch.services.imports import sources as source_modules
from reelmatch.services.imports.limits import ImportLimits
from tests.imports.support import FIXTURES, build_zip, fixture
from tests.support.cli import run_cli


def test_the_cli_formats_are_the_registry_in_the_contracts_order() -> None:
    assert IMPORT_FORMATS == ("letterboxd", "imdb", "trakt", "localstorage", "movielens")
    assert len({source.label for source in SOURCES}) == len(SOURCES)
    outcome = run_cli("import", "--help")
    assert "localstorage: Reel Matchmaker (browser version); movielens: MovieLens." in " ".join(
        outcome.out.split()
    )


def test_every_source_module_is_registered_and_has_fixtures() -> None:
    modules = {info.name for info in pkgutil.iter_modules(source_modules.__path__)}
    assert modules == {source.name for source in SOURCES}
    for source in SOURCES:
        assert (FIXTURES / source.name).is_dir(), f"tests/fixtures/imports/{source.name}/"


def test_the_settings_page_offers_the_app_sources() -> None:
    assert [s.name for s in app_sources()] == ["letterboxd", "imdb", "trakt", "localstorage"]
    assert upload_types() == ["csv", "json", "zip"]


def test_an_unknown_source_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Unknown import format 'xml'; use one of letterboxd"):
        import_source("xml")


def test_zip_members_are_read_in_the_sources_file_order() -> None:
    names = ["lists-watchlist.json", "ratings-movies.json", "watched-history.json"]
    bundle = build_zip({name: fixture("trakt", name).data for name in names})
    parsed = parse_upload("trakt", [UploadedFile("trakt.zip", bundle)], limits=ImportLimits())
    assert parsed.files == ("watched-history.json", "ratings-movies.json", "lists-watchlist.json")


def test_a_file_no_source_knows_gets_no_hint() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_upload("imdb", [UploadedFile("notes.csv", b"a,b\n1,2\n")], limits=ImportLimits())
    assert refused.value.message == (
        "notes.csv does not look like an IMDb export: it has no Const column."
    )
