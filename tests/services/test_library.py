from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.errors import InvalidInput, NotFound
from reelmatch.store.models import MovieRow, UserMovieRow, WatchRow
from reelmatch.store.uow import UnitOfWork

GODFATHER, PULP_FICTION, MATRIX = 238, 680, 603


@pytest.fixture
def alice(services: Services) -> User:
    return services.users.create_user(username="alice", password="password1")


def _count(services: Services, model: type) -> int:
    with UnitOfWork(services.database, read_only=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_rate_and_rerate(services: Services, alice: User) -> None:
    assert services.library.rate_movie(alice, GODFATHER, 4.5) == 4.5
    assert services.library.rate_movie(alice, GODFATHER, "3") == 3.0
    library = services.library.library(alice)
    assert [(e.movie.title, e.rating) for e in library.ratings] == [("The Godfather", 3.0)]
    assert library.ratings[0].movie.genres == ("Drama", "Crime")
    assert _count(services, UserMovieRow) == 1


@pytest.mark.parametrize("stars", [0.5, 1, 2.5, 5, "4.5"])
def test_valid_half_stars(services: Services, alice: User, stars: object) -> None:
    assert services.library.rate_movie(alice, GODFATHER, stars) == float(stars)  # type: ignore[arg-type]


@pytest.mark.parametrize("stars", [0, 5.5, 3.3, -1, "abc", math.nan, math.inf, None, True, "", 10])
def test_bad_ratings_write_nothing(services: Services, alice: User, stars: object) -> None:
    with pytest.raises(InvalidInput):
        services.library.rate_movie(alice, GODFATHER, stars)
    assert _count(services, UserMovieRow) == 0
    assert _count(services, MovieRow) == 0


@pytest.mark.parametrize("movie_id", [999_999_999, 0, -5])
def test_unknown_movie_is_a_clear_error(services: Services, alice: User, movie_id: int) -> None:
    with pytest.raises((NotFound, InvalidInput)):
        services.library.rate_movie(alice, movie_id, 4)
    with pytest.raises((NotFound, InvalidInput)):
        services.library.add_to_watchlist(alice, movie_id)
    assert _count(services, UserMovieRow) == 0


def test_write_through_copies_metadata(services: Services, alice: User) -> None:
    services.library.add_to_watchlist(alice, MATRIX)
    with UnitOfWork(services.database, read_only=True) as uow:
        row = uow.movies.get(MATRIX)
        assert row is not None
        assert row.title == "The Matrix"
        assert row.year == 1999
        assert row.runtime == 136


def test_watchlist_and_rating_share_one_row(services: Services, alice: User) -> None:
    services.library.add_to_watchlist(alice, PULP_FICTION)
    services.library.rate_movie(alice, PULP_FICTION, 5)
    library = services.library.library(alice)
    assert [e.movie.id for e in library.watchlist] == [PULP_FICTION]
    assert [e.movie.id for e in library.ratings] == [PULP_FICTION]

    services.library.remove_from_watchlist(alice, PULP_FICTION)
    assert services.library.library(alice).watchlist == ()
    assert services.library.clear_rating(alice, PULP_FICTION) is True
    assert services.library.clear_rating(alice, PULP_FICTION) is False
    assert _count(services, UserMovieRow) == 0


def test_log_watch_and_diary_order(services: Services, alice: User) -> None:
    today = date.today()
    services.library.log_watch(alice, MATRIX, watched_on=today - timedelta(days=10))
    entry = services.library.log_watch(
        alice, GODFATHER, watched_on=today, rewatch=True, note="  still great  "
    )
    assert entry.note == "still great"
    diary = services.library.library(alice).diary
    assert [(d.movie.id, d.rewatch) for d in diary] == [(GODFATHER, True), (MATRIX, False)]


def test_logging_a_watch_takes_it_off_the_watchlist_only(services: Services, alice: User) -> None:
    services.library.rate_movie(alice, GODFATHER, 4)
    services.library.add_to_watchlist(alice, MATRIX)
    services.library.add_to_watchlist(alice, PULP_FICTION)
    before = {e.movie.id: e for e in services.library.library(alice).ratings}
    services.library.log_watch(alice, MATRIX)
    services.library.log_watch(alice, GODFATHER)  # rated, never listed: its row is untouched
    library = services.library.library(alice)
    assert [e.movie.id for e in library.watchlist] == [PULP_FICTION]
    assert [e.movie.id for e in library.ratings] == [GODFATHER]
    assert library.ratings[0] == before[GODFATHER]
    assert {d.movie.id for d in library.diary} == {MATRIX, GODFATHER}


def test_log_watch_refuses_the_future_and_huge_notes(services: Services, alice: User) -> None:
    with pytest.raises(InvalidInput, match="future"):
        services.library.log_watch(alice, MATRIX, watched_on=date.today() + timedelta(days=2))
    with pytest.raises(InvalidInput, match="note"):
        services.library.log_watch(alice, MATRIX, note="x" * 5000)
    assert _count(services, WatchRow) == 0


def test_export_contains_everything(services: Services, alice: User) -> None:
    services.library.rate_movie(alice, GODFATHER, 4)
    services.library.add_to_watchlist(alice, MATRIX)
    services.library.log_watch(alice, GODFATHER, note="note")
    data = services.library.export_user_data(alice)
    assert data["user"]["username"] == "alice"
    assert [r["movie"]["id"] for r in data["ratings"]] == [GODFATHER]
    assert [r["movie"]["id"] for r in data["watchlist"]] == [MATRIX]
    assert data["diary"][0]["note"] == "note"


def test_library_reads_genres_and_newest_change_first(services: Services, alice: User) -> None:
    for movie_id in (GODFATHER, PULP_FICTION, MATRIX):
        services.library.rate_movie(alice, movie_id, 4)
    services.library.rate_movie(alice, GODFATHER, 5)  # changed last: first
    ratings = services.library.library(alice).ratings
    assert [e.movie.id for e in ratings] == [GODFATHER, MATRIX, PULP_FICTION]
    genres = {e.movie.id: e.movie.genres for e in ratings}
    assert genres[GODFATHER] == ("Drama", "Crime")
    assert genres[MATRIX] == ("Action", "Science Fiction")
    assert all(e.rated_at is not None and e.rated_at.utcoffset() == timedelta(0) for e in ratings)


def test_edit_a_watch_by_the_diary_rules(services: Services, alice: User) -> None:
    logged = services.library.log_watch(alice, 550, watched_on=date(2024, 1, 2), note="first")
    bob = services.users.create_user(username="bob", password="password1")
    services.library.edit_watch(
        alice, logged.id, watched_on=date(2023, 5, 6), rewatch=True, note="  again  "
    )
    (entry,) = services.library.library(alice).diary
    assert (entry.watched_on, entry.rewatch, entry.note) == (date(2023, 5, 6), True, "again")

    tomorrow = date.today() + timedelta(days=2)
    with pytest.raises(InvalidInput):
        services.library.edit_watch(alice, logged.id, watched_on=tomorrow, rewatch=False, note="")
    with pytest.raises(NotFound):  # someone else's entry is not theirs to edit
        services.library.edit_watch(bob, logged.id, watched_on=date(2023, 1, 1), rewatch=False,
                                    note=None)  # fmt: skip
    (unchanged,) = services.library.library(alice).diary
    assert unchanged == entry


def test_a_deleted_watch_can_be_restored(services: Services, alice: User) -> None:
    logged = services.library.log_watch(alice, 550, watched_on=date(2024, 1, 2), note="keep")
    services.library.delete_watch(alice, logged.id)
    assert services.library.library(alice).diary == ()
    restored = services.library.restore_watch(alice, logged)
    (entry,) = services.library.library(alice).diary
    assert entry.id == restored.id
    assert (entry.movie.id, entry.watched_on, entry.note) == (550, date(2024, 1, 2), "keep")
