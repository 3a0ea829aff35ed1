"""Matching rows to catalog movies: ids first, then strict title + year."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import pytest

from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.domain import Movie, MovieDetails
from reelmatch.errors import UpstreamUnavailable
from reelmatch.services.imports import ImportRow, MovieMatcher
from reelmatch.services.imports.matching import TitleKey, best_candidate
from tests.imports.support import CountingCatalog


def row(title: str = "", year: int | None = None, **fields: object) -> ImportRow:
    return ImportRow(source="test.csv", line=2, title=title, year=year, **fields)  # type: ignore[arg-type]


def match_one(catalog: object, item: ImportRow) -> tuple[int | None, str]:
    matched, unmatched = MovieMatcher(catalog).match([item])  # type: ignore[arg-type]
    if matched:
        return matched[0].movie.id, matched[0].method
    return None, unmatched[0].reason


@pytest.mark.parametrize(
    ("title", "year", "expected"),
    [
        ("The Godfather", 1972, 238),
        ("the godfather", 1972, 238),  # case
        ("Amelie", 2001, 194),  # accents
        ("Amour", 2013, 86837),  # catalog says 2012: one year off is accepted
        ("Wall-E", 2008, 10681),  # WALL·E
        ("Godfather", 1972, 238),  # leading article
        ("The Godfather", 1980, None),  # eight years off
        ("Heat", 1995, None),  # not in the snapshot; must not become The Heat (2013)
        ("Heat", None, None),  # no year: exact titles only
        ("The Godfathr", 1972, 238),  # one typo, confirmed by the year
        ("The Godfathr", None, None),  # one typo without a year is too loose
        ("Godfather Part II", 1974, 240),  # "The Godfather: Part II"
        ("The Godfather", 1974, None),  # neither Part II's title nor the 1972 film's year
        ("Psycho", None, 539),  # no year, exact title, most popular
        ("", 1972, None),
    ],
)
def test_title_matching_is_strict(
    offline_catalog: OfflineCatalog, title: str, year: int | None, expected: int | None
) -> None:
    found, _ = match_one(offline_catalog, row(title, year))
    assert found == expected


def test_ids_win_and_unknown_ids_fall_back_to_the_title(offline_catalog: OfflineCatalog) -> None:
    assert match_one(offline_catalog, row("Wrong Title", 1900, tmdb_id=603)) == (603, "tmdb id")
    assert match_one(offline_catalog, row("Alien", 1979, tmdb_id=99999901)) == (
        348,
        "title and year",
    )
    assert match_one(offline_catalog, row(tmdb_id=99999901)) == (
        None,
        "TMDB id 99999901 is not in the catalog",
    )
    # Offline, IMDb ids are not known: the title decides.
    assert match_one(offline_catalog, row("Alien", 1979, imdb_id="tt0078748")) == (
        348,
        "title and year",
    )
    assert match_one(offline_catalog, row("Psycho", None)) == (539, "title")
    assert "no movie called “Heat” (1995)" in match_one(offline_catalog, row("Heat", 1995))[1]


class ImdbCatalog(CountingCatalog):
    """An offline catalog that also knows a few IMDb ids, as TMDB's `find` would."""

    KNOWN: ClassVar[dict[str, int]] = {"tt0068646": 238}

    def find_by_imdb_id(self, imdb_id: str) -> MovieDetails | None:
        super().find_by_imdb_id(imdb_id)
        movie_id = self.KNOWN.get(imdb_id)
        return self._catalog.movies([movie_id])[0] if movie_id else None


def test_imdb_ids_go_through_find(offline_catalog: OfflineCatalog) -> None:
    catalog = ImdbCatalog(offline_catalog)
    rows = [
        row("Not The Title", 1900, imdb_id="tt0068646"),
        row("Alien", 1979, imdb_id="tt0078748"),
    ]
    matched, unmatched = MovieMatcher(catalog).match(rows)  # type: ignore[arg-type]
    assert [(m.movie.id, m.method) for m in matched] == [(238, "imdb id"), (348, "title and year")]
    assert unmatched == []
    assert sorted(catalog.calls_named("find")) == ["tt0068646", "tt0078748"]


def test_repeated_rows_are_looked_up_once(offline_catalog: OfflineCatalog) -> None:
    catalog = CountingCatalog(offline_catalog)
    rows = [
        row("The Godfather", 1972, rating=5.0),
        row("The Godfather", 1972, watched_on=date(2024, 1, 1)),
        row("The Godfather", 1972, watchlist=True),
        row(tmdb_id=603),
        row(tmdb_id=603),
        row("Heat", 1995),
        row("Heat", 1995),
    ]
    matched, unmatched = MovieMatcher(catalog).match(rows)  # type: ignore[arg-type]
    assert [m.movie.id for m in matched] == [238, 238, 238, 603, 603]
    assert len(unmatched) == 2
    assert catalog.calls_named("movies") == [(603,)]
    searches = catalog.calls_named("search")
    assert searches.count(("The Godfather", 1972)) == 1
    assert searches.count(("Heat", 1995)) == 1  # then the years either side
    assert searches.count(("Heat", 1994)) == 1
    assert searches.count(("Heat", 1996)) == 1
    assert len(searches) == 4


def test_lookups_run_concurrently_but_bounded(offline_catalog: OfflineCatalog) -> None:
    catalog = CountingCatalog(offline_catalog, delay=0.02)
    rows = [row(m.title, m.year) for m in offline_catalog.popular(1).movies]
    progress: list[float] = []
    matched, _ = MovieMatcher(catalog, workers=4).match(  # type: ignore[arg-type]
        rows, progress=lambda fraction, _text: progress.append(fraction)
    )
    assert len(matched) == 20
    assert 2 <= catalog.max_in_flight <= 4
    assert progress == sorted(progress)
    assert progress[-1] == 1.0


class FailingCatalog(CountingCatalog):
    def search(self, query: str, *, year: int | None = None, page: int = 1):  # type: ignore[no-untyped-def]
        super().search(query, year=year, page=page)
        raise UpstreamUnavailable("TMDB is not answering.")


def test_catalog_failures_propagate(offline_catalog: OfflineCatalog) -> None:
    catalog = FailingCatalog(offline_catalog)
    rows = [row(f"Title {n}", 2000) for n in range(50)]
    with pytest.raises(UpstreamUnavailable):
        MovieMatcher(catalog, workers=2).match(rows)  # type: ignore[arg-type]
    assert len(catalog.calls_named("search")) < 50  # the rest were cancelled


def test_best_candidate_prefers_the_exact_year() -> None:
    def movie(movie_id: int, title: str, year: int) -> Movie:
        return Movie(id=movie_id, title=title, release_date=date(year, 6, 1))

    candidates = [movie(1, "Solaris", 2002), movie(2, "Solaris", 1972), movie(3, "Solaris", 1971)]
    assert best_candidate(TitleKey("Solaris", 1972), candidates) == candidates[1]
    assert best_candidate(TitleKey("Solaris", 1973), candidates) == candidates[1]
    assert best_candidate(TitleKey("Solaris", None), candidates) == candidates[0]
    assert best_candidate(TitleKey("Solaris", 1990), candidates) is None
