"""The metadata refresher against the fake TMDB: movies imported through the snapshot get
their posters; TMDB failing loses nothing and a later pass catches up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from reelmatch.bootstrap import Services
from reelmatch.domain import Movie, User
from reelmatch.services.metadata_refresh import MetadataRefresher
from reelmatch.store.models import MovieRow
from reelmatch.store.repositories.movies import NEEDS_REFRESH_AT
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork
from tests.services.refresh_support import FILMS, import_films, posters
from tests.support.fake_tmdb import FakeTmdb, fake_tmdb, tmdb_server
from tests.support.live import live, live_services

__all__ = ["fake_tmdb", "live", "tmdb_server"]


@pytest.fixture
def amy(live: Services) -> User:
    return live.users.create_user(username="amy", password="password1")


def fetched(services: Services) -> dict[int, object]:
    with UnitOfWork(services.database, read_only=True) as uow:
        return {i: row.fetched_at for i, row in uow.movies.get_many(list(FILMS)).items()}


def test_imported_movies_get_posters_after_a_refresh(
    live: Services, amy: User, fake_tmdb: FakeTmdb
) -> None:
    import_films(live, amy)
    assert fake_tmdb.requests("movie/") == 0  # the import asked TMDB for no details
    assert posters(live, amy) == dict.fromkeys(FILMS)
    assert live.metadata.pending() == len(FILMS)

    report = live.metadata.refresh()

    assert (report.refreshed, report.gone, report.remaining, report.error) == (4, 0, 0, None)
    assert posters(live, amy) == {movie_id: f"/poster{movie_id}.jpg" for movie_id in FILMS}
    assert fake_tmdb.requests("movie/") == len(FILMS)
    assert all(at > utcnow() - timedelta(minutes=5) for at in fetched(live).values())
    again = live.metadata.refresh()  # nothing is due: no request
    assert (again.refreshed, again.remaining) == (0, 0)
    assert fake_tmdb.requests("movie/") == len(FILMS)


def test_refreshed_and_rated_movies_bring_their_directors(
    live: Services, amy: User, fake_tmdb: FakeTmdb
) -> None:
    import_films(live, amy)  # Fight Club (550) among them; the snapshot has no credits
    assert live.stats.my_stats(amy).directors.empty

    live.metadata.refresh()

    directors = live.stats.my_stats(amy).directors
    assert directors.to_dict("list") == {
        "director": ["David Fincher"],  # the only film with credits in the fake TMDB
        "ratings": [1],
        "average_rating": [4.0],
    }
    live.library.rate_movie(amy, 550, 2.5)
    assert live.stats.my_stats(amy).directors["average_rating"].tolist() == [2.5]


def test_rating_on_live_tmdb_writes_the_directors_through(live: Services, amy: User) -> None:
    live.library.rate_movie(amy, 550, 4.5)
    directors = live.stats.my_stats(amy).directors
    assert (directors["director"].tolist(), directors["ratings"].tolist()) == (
        ["David Fincher"],
        [1],
    )


def test_tmdb_down_loses_nothing_and_a_later_pass_catches_up(
    live: Services, amy: User, fake_tmdb: FakeTmdb
) -> None:
    import_films(live, amy)
    fake_tmdb.outage = True

    report = live.metadata.refresh()

    assert report.failed
    assert report.error
    assert (report.refreshed, report.remaining) == (0, len(FILMS))
    assert set(fetched(live).values()) == {NEEDS_REFRESH_AT}
    library = live.library.library(amy)
    assert sorted((e.movie.title, e.rating) for e in library.ratings) == sorted(
        (title, 4.0) for title, _ in FILMS.values()
    )
    fake_tmdb.outage = False
    assert live.metadata.refresh().refreshed == len(FILMS)
    assert None not in posters(live, amy).values()


def test_a_pass_that_fails_midway_keeps_the_batches_it_finished(
    live: Services, amy: User, fake_tmdb: FakeTmdb
) -> None:
    import_films(live, amy)
    refresher = MetadataRefresher(live.database.unit_of_work, catalog=live.catalog, batch_size=2)

    def tmdb_goes_down(seconds: float) -> bool:
        fake_tmdb.outage = True
        return False

    report = refresher.refresh(wait=tmdb_goes_down)

    assert (report.refreshed, report.remaining, report.failed) == (2, 2, True)
    assert sum(poster is not None for poster in posters(live, amy).values()) == 2


def test_movies_tmdb_no_longer_knows_are_kept_and_not_asked_for_again(
    live: Services, fake_tmdb: FakeTmdb
) -> None:
    with UnitOfWork(live.database) as uow:
        uow.movies.add_missing([Movie(id=99999901, title="Lost Film")], fetched_at=NEEDS_REFRESH_AT)
        uow.commit()

    report = live.metadata.refresh()

    assert (report.refreshed, report.gone, report.remaining) == (0, 1, 0)
    assert live.metadata.refresh().gone == 0
    assert fake_tmdb.requests("movie/99999901") == 1
    with UnitOfWork(live.database, read_only=True) as uow:
        row = uow.movies.get(99999901)
        assert row is not None
        assert row.title == "Lost Film"
        assert row.fetched_at > NEEDS_REFRESH_AT


def test_oldest_first_within_the_limit_paced_and_only_what_is_due(live: Services) -> None:
    snapshot_ids = [13, 14, 15, 16, 18, 19]
    aged = {20: timedelta(days=40), 21: timedelta(days=10)}
    with UnitOfWork(live.database) as uow:
        movies = [Movie(id=i, title=f"Movie {i}") for i in [*snapshot_ids, *aged]]
        uow.movies.upsert_many(movies)
        uow.session.execute(
            update(MovieRow)
            .where(MovieRow.id.in_(snapshot_ids))
            .values(fetched_at=NEEDS_REFRESH_AT)
        )
        for movie_id, age in aged.items():
            uow.session.execute(
                update(MovieRow).where(MovieRow.id == movie_id).values(fetched_at=utcnow() - age)
            )
        uow.commit()
    refresher = MetadataRefresher(
        live.database.unit_of_work,
        catalog=live.catalog,
        max_age=timedelta(days=30),
        batch_size=3,
        rate=1.0,
    )
    waits: list[float] = []

    first = refresher.refresh(limit=6, wait=lambda seconds: bool(waits.append(seconds)))

    assert first.refreshed + first.gone == 6
    assert first.remaining == 1  # the 40-day-old row; the 10-day-old one is not due
    assert len(waits) == 2
    assert all(0 < w <= 3 for w in waits)  # 3 movies at 1/s: a batch may take 3 s
    with UnitOfWork(live.database, read_only=True) as uow:
        assert uow.movies.stale_ids(fetched_before=utcnow() - timedelta(days=30), limit=9) == [20]
    stopped = refresher.refresh(wait=lambda seconds: True)  # asked to stop after one batch
    assert stopped.refreshed + stopped.gone == 1
    assert refresher.pending() == 0


def test_offline_there_is_nothing_to_refresh(services: Services) -> None:
    assert services.metadata.live is False
    assert "metadata_refresh" not in {schedule.job for schedule in services.jobs.schedules}


@pytest.fixture
def short_lived(db_url: str, tmp_path: Path, fake_tmdb: FakeTmdb) -> Iterator[Services]:
    """Live TMDB whose cached movie details expire at once (kept stale for the grace period)."""
    services = live_services(db_url, tmp_path, fake_tmdb, REELMATCH_CACHE_TTL_MOVIES="0.05")
    yield services
    services.close()


def test_details_served_stale_are_never_stored_as_fresh(
    short_lived: Services, fake_tmdb: FakeTmdb
) -> None:
    amy = short_lived.users.create_user(username="amy", password="password1")
    short_lived.catalog.movie(550)
    time.sleep(0.1)  # expired: TMDB failing now means a stale answer
    fake_tmdb.outage = True

    short_lived.library.rate_movie(amy, 550, 4.0)  # written through with the stale details
    assert fetched(short_lived)[550] == NEEDS_REFRESH_AT
    assert [e.rating for e in short_lived.library.library(amy).ratings] == [4.0]
    report = short_lived.metadata.refresh()  # the same stale answer is not news either
    assert (report.refreshed, fetched(short_lived)[550]) == (0, NEEDS_REFRESH_AT)

    fake_tmdb.outage = False
    assert short_lived.metadata.refresh().refreshed == 1
    assert fetched(short_lived)[550] > utcnow() - timedelta(minutes=5)
