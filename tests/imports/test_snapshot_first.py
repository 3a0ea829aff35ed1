"""Snapshot-first matching on live TMDB (the fake, which serves the same snapshot): the
snapshot answers only where live matching would pick the same movie, and saves the requests."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest

from reelmatch.bootstrap import Services, build_catalog
from reelmatch.catalog import Catalog
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.catalog.tmdb import TmdbCatalog
from reelmatch.config import load_settings
from reelmatch.domain import Movie, User
from reelmatch.events import DiscardEvents
from reelmatch.services.imports import (
    ImportRow,
    ImportService,
    MatchedRow,
    MovieMatcher,
    UploadedFile,
)
from reelmatch.services.imports.plan import build_plan
from reelmatch.services.imports.snapshot import SnapshotMatcher
from reelmatch.services.imports.titles import TitleKey
from reelmatch.store.repositories.movies import NEEDS_REFRESH_AT
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork
from tests.support.fake_tmdb import API_KEY, FakeTmdb, fake_tmdb, tmdb_server

__all__ = ["fake_tmdb", "tmdb_server"]

SAMPLE = 150


def row(title: str = "", year: int | None = None, **fields: object) -> ImportRow:
    return ImportRow(source="ratings.csv", line=2, title=title, year=year, **fields)  # type: ignore[arg-type]


@pytest.fixture
def live_catalog(fake_tmdb: FakeTmdb) -> Iterator[Catalog]:
    """Live TMDB through the app's own wiring, with a rate limit that keeps the test quick."""
    settings = load_settings(
        TMDB_API_KEY=API_KEY,
        TMDB_API_BASE=fake_tmdb.base_url,
        TMDB_RATE_LIMIT=2000,
        REELMATCH_TMDB_RETRIES=0,
    )
    catalog = build_catalog(settings)
    assert isinstance(catalog, TmdbCatalog)
    yield catalog
    catalog.close()


def sample_movies(snapshot: OfflineCatalog, count: int) -> list[Movie]:
    movies = [m for m in snapshot.movies(list(range(1, 500_000))) if m.year is not None]
    return [m.summary() for m in random.Random(11).sample(movies, count)]


def variants(movie: Movie) -> list[ImportRow]:
    """Ways a real export may spell the same film: the snapshot leaves these to TMDB."""
    assert movie.year is not None
    bare = movie.title.removeprefix("The ")
    return [
        row(movie.title.lower(), movie.year),  # the same after normalising: snapshot
        row(movie.title, movie.year + 1),  # a year off: TMDB
        row(bare, movie.year) if bare != movie.title else row(movie.title, None),  # TMDB
    ]


def ids(matched: list[MatchedRow]) -> dict[tuple[str, int | None], int]:
    return {(m.row.title, m.row.year): m.movie.id for m in matched}


def test_snapshot_first_resolves_to_the_same_tmdb_ids_as_live_search(
    fake_tmdb: FakeTmdb, live_catalog: Catalog, offline_catalog: OfflineCatalog
) -> None:
    movies = sample_movies(offline_catalog, SAMPLE)
    exact = [row(m.title, m.year) for m in movies]
    loose = [variant for m in movies[:40] for variant in variants(m)]
    live_only, _ = MovieMatcher(live_catalog).match(exact + loose)
    live_searches = fake_tmdb.requests("search/movie")
    fake_tmdb.reset()
    fresh = build_catalog(
        load_settings(TMDB_API_KEY=API_KEY, TMDB_API_BASE=fake_tmdb.base_url, TMDB_RATE_LIMIT=2000)
    )
    snapshot_first, _ = MovieMatcher(fresh, snapshot=lambda: offline_catalog).match(exact + loose)
    assert isinstance(fresh, TmdbCatalog)
    fresh.close()

    by_live, by_snapshot = ids(live_only), ids(snapshot_first)
    # Live search on the fake finds nearly every exact title (its search is cruder than
    # TMDB's: a substring match, 20 hits a page); where it finds one, the ids agree.
    assert len([r for r in exact if (r.title, r.year) in by_live]) >= 0.9 * SAMPLE
    disagreements = {key: (movie_id, by_snapshot.get(key)) for key, movie_id in by_live.items()}
    assert {k: v for k, v in disagreements.items() if v[0] != v[1]} == {}
    # Every exact title is answered by the snapshot alone ...
    assert all((r.title, r.year) in by_snapshot for r in exact)
    expected = {(m.title, m.year): m.id for m in movies}
    assert {k: by_snapshot[k] for k in expected} == expected
    # ... so only the loose variants cost searches.
    assert 0 < fake_tmdb.requests("search/movie") < live_searches
    assert fake_tmdb.requests("search/movie") <= 3 * len(loose)


def test_exact_titles_cost_no_request_and_say_where_they_came_from(
    fake_tmdb: FakeTmdb, live_catalog: Catalog, offline_catalog: OfflineCatalog
) -> None:
    rows = [
        row("The Godfather", 1972),
        row("the godfather", 1972),
        row("Whatever", 1900, tmdb_id=603),  # an id the snapshot holds
        row("Alien", 1979, tmdb_id=99999901),  # an id nobody knows: TMDB, then the title
        row("Not The Title", 1900, imdb_id="tt0137523"),  # IMDb ids go to TMDB's find
        row("Godfather", 1972),  # no article: left to TMDB
        row("Unreleased Film", 2030),
    ]
    matcher = MovieMatcher(live_catalog, snapshot=lambda: offline_catalog)
    matched, unmatched = matcher.match(rows)
    found = [(m.row.title, m.movie.id, m.method, m.from_snapshot) for m in matched]
    assert found == [
        ("The Godfather", 238, "title and year", True),
        ("the godfather", 238, "title and year", True),
        ("Whatever", 603, "tmdb id", True),
        ("Alien", 348, "title and year", True),
        ("Not The Title", 550, "imdb id", False),
        ("Godfather", 238, "title and year", False),
    ]
    assert [u.row.title for u in unmatched] == ["Unreleased Film"]
    assert fake_tmdb.requests("movie/603") == 0
    assert fake_tmdb.requests("movie/99999901") == 1
    assert fake_tmdb.requests("find/tt0137523") == 1
    searched = [a.path for a in fake_tmdb.arrivals if a.path.endswith("search/movie")]
    # "Godfather": found by its first search; "Unreleased Film": its year, then either side.
    assert len(searched) == 1 + 3


def twin(movie_id: int, title: str, released: str) -> dict[str, object]:
    return {"id": movie_id, "title": title, "release_date": released, "status": "Released"}


def test_the_snapshot_only_answers_when_it_is_certain() -> None:
    snapshot = OfflineCatalog(
        [
            twin(1, "Twins", "1988-12-09"),
            twin(2, "Twins", "1988-03-01"),  # two films of that title that year
            twin(3, "Heat", "1995-12-15"),
            twin(4, "Amélie", "2001-04-25"),
            twin(5, "Le Fabuleux Destin", "2001-04-25"),
        ]
    )
    matcher = SnapshotMatcher(snapshot)
    answers = {
        "ambiguous": matcher.by_title(TitleKey("Twins", 1988)),
        "exact": matcher.by_title(TitleKey("Heat", 1995)),
        "accents and case": matcher.by_title(TitleKey("AMELIE", 2001)),
        "year off": matcher.by_title(TitleKey("Heat", 1996)),
        "no year": matcher.by_title(TitleKey("Heat", None)),
        "article": matcher.by_title(TitleKey("The Heat", 1995)),
        "typo": matcher.by_title(TitleKey("Heath", 1995)),
        "original title": matcher.by_title(TitleKey("Amelie 2", 2001, "Le Fabuleux Destin")),
    }
    assert {name: m.id if m else None for name, m in answers.items()} == {
        "ambiguous": None,
        "exact": 3,
        "accents and case": 4,
        "year off": None,
        "no year": None,
        "article": None,
        "typo": None,
        "original title": 5,
    }
    assert sorted(matcher.by_ids([3, 99, 1])) == [1, 3]


def test_a_movie_matched_through_tmdb_too_keeps_tmdb_data() -> None:
    from_snapshot = Movie(id=238, title="The Godfather", release_date=date(1972, 3, 14))
    from_tmdb = replace(from_snapshot, poster_path="/poster238.jpg")
    plans = build_plan(
        [
            MatchedRow(row=row("The Godfather", 1972), movie=from_snapshot, method="title and year",
                       from_snapshot=True),
            MatchedRow(row=row(imdb_id="tt0068646", rating=4.5), movie=from_tmdb,
                       method="imdb id"),
        ]
    )  # fmt: skip
    assert plans[238].movie.poster_path == "/poster238.jpg"
    assert plans[238].from_snapshot is False
    assert plans[238].rating == 4.5


RATINGS = (
    b"Date,Name,Year,Letterboxd URI,Rating\r\n"
    b"2024-01-01,The Godfather,1972,https://boxd.it/1,5\r\n"
    b"2024-01-02,Alien,1979,https://boxd.it/2,4\r\n"
)


def test_snapshot_movies_are_stored_marked_for_a_refresh_and_never_overwrite(
    services: Services, offline_catalog: OfflineCatalog, alice: User
) -> None:
    known = offline_catalog.movie(238).summary()
    with UnitOfWork(services.database) as uow:
        uow.movies.upsert_many([replace(known, poster_path="/poster238.jpg")])  # from TMDB
        uow.commit()
    imported: list[str] = []
    imports = ImportService(
        services.database.unit_of_work,
        catalog=offline_catalog,
        events=DiscardEvents(),
        snapshot=lambda: offline_catalog,
        on_imported=lambda: imported.append("woken"),
    )
    preview = imports.preview(alice, "letterboxd", [UploadedFile("ratings.csv", RATINGS)])
    assert [m.from_snapshot for m in preview.matched] == [True, True]
    assert imports.apply(alice, preview).rated == 2
    assert imported == ["woken"]
    with UnitOfWork(services.database, read_only=True) as uow:
        stored = uow.movies.get_many([238, 348])
        assert stored[238].poster_path == "/poster238.jpg"
        assert stored[238].fetched_at > NEEDS_REFRESH_AT
        assert (stored[348].title, stored[348].poster_path) == ("Alien", None)
        assert stored[348].fetched_at == NEEDS_REFRESH_AT
        assert uow.movies.stale_ids(fetched_before=utcnow() - timedelta(days=1), limit=9) == [348]
    ratings = services.library.library(alice).ratings
    assert sorted((e.movie.title, e.rating) for e in ratings) == [
        ("Alien", 4.0),
        ("The Godfather", 5.0),
    ]


def test_movies_matched_on_live_tmdb_are_stored_marked_for_a_refresh(
    services: Services, live_catalog: Catalog, alice: User
) -> None:
    """Matching yields summaries (no keywords, no credits): they fill gaps and wait for the
    metadata refresher; a row already here keeps what it has."""
    with UnitOfWork(services.database) as uow:
        uow.movies.upsert_many([Movie(id=238, title="The Godfather", keywords=("mafia",))])
        uow.commit()
    imports = ImportService(
        services.database.unit_of_work, catalog=live_catalog, events=DiscardEvents()
    )
    preview = imports.preview(alice, "letterboxd", [UploadedFile("ratings.csv", RATINGS)])
    assert [m.from_snapshot for m in preview.matched] == [False, False]
    assert imports.apply(alice, preview).rated == 2
    with UnitOfWork(services.database, read_only=True) as uow:
        stored = uow.movies.get_many([238, 348])
        assert (stored[238].keywords, stored[238].fetched_at > NEEDS_REFRESH_AT) == (
            ["mafia"],
            True,
        )
        assert (stored[348].title, stored[348].fetched_at) == ("Alien", NEEDS_REFRESH_AT)
        assert stored[348].poster_path == "/poster348.jpg"  # TMDB's summary, posters included
