"""Every import format end to end through the service, on both databases."""

from __future__ import annotations

from reelmatch.bootstrap import Services
from reelmatch.domain import Preferences, User
from reelmatch.services.imports import ImportService, UploadedFile
from tests.imports.support import fixture
from tests.imports.test_service import AMELIE, GODFATHER


def test_imdb_ratings_and_watchlist(
    services: Services, imports: ImportService, alice: User
) -> None:
    files = [fixture("imdb", "ratings.csv"), fixture("imdb", "watchlist.csv")]
    preview = imports.preview(alice, "imdb", files)
    assert [u.row.title for u in preview.unmatched] == ["Heat", "Parasite"]
    result = imports.apply(alice, preview)
    assert (result.rated, result.watchlisted, result.skipped) == (3, 2, 3)
    ratings = {e.movie.id: e.rating for e in services.library.library(alice).ratings}
    assert ratings == {GODFATHER: 5.0, 680: 4.5, AMELIE: 4.0}


def test_trakt_export(services: Services, imports: ImportService, alice: User) -> None:
    files = [
        fixture("trakt", name)
        for name in ("watched-history.json", "ratings-movies.json", "lists-watchlist.json")
    ]
    preview = imports.preview(alice, "trakt", files)
    assert {m.method for m in preview.matched} == {"tmdb id", "title and year"}
    se7en = next(m for m in preview.matched if m.row.title == "Se7en")
    assert (se7en.movie.id, se7en.method) == (807, "title and year")  # unknown tmdb id
    assert [u.row.title for u in preview.unmatched] == ["A Film Nobody Made"]
    result = imports.apply(alice, preview)
    assert (result.rated, result.watchlisted, result.diary_entries) == (4, 1, 3)
    library = services.library.library(alice)
    assert sorted((d.movie.id, d.rewatch) for d in library.diary) == [
        (GODFATHER, False), (GODFATHER, True), (27205, False)
    ]  # fmt: skip


def test_localstorage_export_with_preferences(
    services: Services, imports: ImportService, alice: User
) -> None:
    preview = imports.preview(
        alice, "localstorage", [fixture("localstorage", "reelmatch-localstorage.json")]
    )
    assert preview.preferences == Preferences(
        favourite_genres=("Drama", "Science Fiction"), region="GB", language="en", hide_adult=True
    )
    result = imports.apply(alice, preview)
    assert result.preferences_updated
    assert (result.rated, result.watchlisted, result.skipped) == (2, 2, 2)
    assert services.users.preferences(alice).region == "GB"
    again = imports.preview(
        alice, "localstorage", [fixture("localstorage", "reelmatch-localstorage.json")]
    )
    assert again.preferences is None
    assert not again.has_changes


def test_bad_preference_values_are_skipped_with_a_notice(
    services: Services, imports: ImportService, alice: User
) -> None:
    data = b'{"preferences": {"region": "Narnia", "language": "fr"}}'
    preview = imports.preview(alice, "localstorage", [UploadedFile("ls.json", data)])
    assert preview.preferences is not None
    assert (preview.preferences.region, preview.preferences.language) == (None, "fr")
    assert any("region" in notice for notice in preview.notices)


def test_movielens_user(services: Services, imports: ImportService, alice: User) -> None:
    files = [fixture("movielens", n) for n in ("ratings.csv", "links.csv", "movies.csv")]
    preview = imports.preview(alice, "movielens", files, source_user=1)
    congo = next(m for m in preview.matched if m.row.title == "Congo")
    assert congo.method == "title and year"
    assert [u.row.title for u in preview.unmatched] == ["Heat"]
    assert imports.apply(alice, preview).rated == 4
