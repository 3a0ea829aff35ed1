"""`movies refresh`: the metadata refresher from the shell, against the fake TMDB."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reelmatch.domain import Movie
from reelmatch.store.database import Database
from reelmatch.store.repositories.movies import NEEDS_REFRESH_AT
from reelmatch.store.uow import UnitOfWork
from tests.support.cli import run_cli
from tests.support.fake_tmdb import API_KEY, FakeTmdb, tmdb_server

__all__ = ["tmdb_server"]

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

IDS = [348, 550, 603]


@pytest.fixture
def stale_rows(monkeypatch: pytest.MonkeyPatch, db_url: str) -> Iterator[Database]:
    monkeypatch.setenv("DATABASE_URL", db_url)
    database = Database.from_url(db_url)
    with UnitOfWork(database) as uow:
        movies = [Movie(id=i, title=f"Snapshot {i}") for i in IDS]
        uow.movies.add_missing(movies, fetched_at=NEEDS_REFRESH_AT)
        uow.commit()
    yield database
    database.dispose()


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch, tmdb_server: FakeTmdb) -> Iterator[FakeTmdb]:
    tmdb_server.reset()
    monkeypatch.setenv("TMDB_API_KEY", API_KEY)
    monkeypatch.setenv("TMDB_API_BASE", tmdb_server.base_url)
    monkeypatch.setenv("REELMATCH_TMDB_RETRIES", "0")
    yield tmdb_server
    tmdb_server.reset()


def titles(database: Database) -> dict[int, str]:
    with UnitOfWork(database, read_only=True) as uow:
        return {i: row.title for i, row in uow.movies.get_many(IDS).items()}


def test_refresh_with_a_limit_then_the_rest(stale_rows: Database, live: FakeTmdb) -> None:
    first = run_cli("movies", "refresh", "--limit", "2", "--json")
    assert first.code == 0, first.err
    assert first.json() == {
        "catalog": "tmdb",
        "refreshed": 2,
        "gone": 0,
        "remaining": 1,
        "error": None,
    }
    rest = run_cli("movies", "refresh")
    assert rest.code == 0, rest.err
    assert "Refreshed 1 movies (0 no longer on TMDB); 0 still due." in rest.out
    assert titles(stale_rows) == {348: "Alien", 550: "Fight Club", 603: "The Matrix"}


def test_tmdb_down_exits_1_and_changes_nothing(stale_rows: Database, live: FakeTmdb) -> None:
    live.outage = True
    outcome = run_cli("movies", "refresh", "--json")
    assert outcome.code == 1
    assert outcome.json()["remaining"] == len(IDS)
    assert "Nothing was lost; run it again later." in outcome.err
    assert "Traceback" not in outcome.err
    assert titles(stale_rows) == {i: f"Snapshot {i}" for i in IDS}


def test_offline_there_is_nothing_to_refresh(stale_rows: Database) -> None:
    outcome = run_cli("movies", "refresh")
    assert outcome.code == 0
    assert "Nothing to refresh: the offline catalog has nothing newer." in outcome.out
    assert titles(stale_rows) == {i: f"Snapshot {i}" for i in IDS}


def test_limit_must_be_positive(stale_rows: Database) -> None:
    outcome = run_cli("movies", "refresh", "--limit", "0")
    assert outcome.code == 2
