"""The metadata refresher's daemon thread: woken by an import, retrying after TMDB failures,
outliving exceptions, stopping when asked."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from reelmatch.bootstrap import Services, build_services
from reelmatch.config import load_settings
from reelmatch.domain import Movie
from reelmatch.services.background_refresh import BackgroundRefresher
from reelmatch.services.metadata_refresh import MetadataRefresher
from reelmatch.store.repositories.movies import NEEDS_REFRESH_AT
from reelmatch.store.uow import UnitOfWork
from tests.services.refresh_support import FILMS, import_films, posters
from tests.support.fake_tmdb import API_KEY, FakeTmdb, fake_tmdb, tmdb_server
from tests.support.live import live

__all__ = ["fake_tmdb", "live", "tmdb_server"]

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def eventually(condition: Callable[[], bool], *, within: float = 20.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def stale_movie(services: Services, movie_id: int = 348) -> None:
    with UnitOfWork(services.database) as uow:
        uow.movies.add_missing([Movie(id=movie_id, title="Alien")], fetched_at=NEEDS_REFRESH_AT)
        uow.commit()


def test_an_import_wakes_the_app_thread_and_posters_appear(live: Services) -> None:
    amy = live.users.create_user(username="amy", password="password1")
    live.start_background()  # what the app does; the first pass would wait 10 s
    assert live.metadata_thread.running
    import_films(live, amy)  # wakes it

    assert eventually(lambda: None not in posters(live, amy).values())
    assert set(posters(live, amy)) == set(FILMS)
    live.close()
    assert not live.metadata_thread.running


def test_the_app_thread_is_off_when_the_setting_says_so(
    db_url: str, tmp_path: Path, fake_tmdb: FakeTmdb
) -> None:
    settings = load_settings(
        DATABASE_URL=db_url,
        REELMATCH_DATA_DIR=str(tmp_path / "var"),
        TMDB_API_KEY=API_KEY,
        TMDB_API_BASE=fake_tmdb.base_url,
        REELMATCH_METADATA_REFRESH="false",
    )
    services = build_services(settings, bcrypt_rounds=4)
    services.start_background()
    assert not services.metadata_thread.running
    services.close()


def test_after_tmdb_fails_the_thread_tries_again(live: Services, fake_tmdb: FakeTmdb) -> None:
    stale_movie(live)
    fake_tmdb.outage = True
    thread = BackgroundRefresher(live.metadata, first_delay=0, retry_delay=0.05, interval=60)
    thread.start()
    try:
        assert eventually(lambda: thread.last_report is not None and thread.last_report.failed)
        assert live.metadata.pending() == 1
        fake_tmdb.outage = False
        assert eventually(lambda: live.metadata.pending() == 0)
        assert thread.running
    finally:
        thread.stop()
    assert not thread.running


class BrokenCatalog:
    """A catalog with a bug: not an error the refresher expects."""

    mode = "tmdb"

    def movies(self, movie_ids: list[int]) -> Sequence[Movie]:
        raise RuntimeError("a bug")


def test_the_thread_outlives_unexpected_errors(
    live: Services, caplog: pytest.LogCaptureFixture
) -> None:
    stale_movie(live)
    refresher = MetadataRefresher(live.database, catalog=BrokenCatalog())
    thread = BackgroundRefresher(refresher, first_delay=0, retry_delay=0.01)
    with caplog.at_level(logging.ERROR, logger="reelmatch.services.background_refresh"):
        thread.start()
        try:
            assert eventually(lambda: thread.passes >= 3)
            assert thread.running
            assert thread.last_report is None
        finally:
            thread.stop()
    assert "metadata refresh failed" in caplog.text
    assert live.metadata.pending() == 1  # the row is still there, still due


def test_stop_ends_the_thread_in_the_middle_of_a_pass(live: Services, fake_tmdb: FakeTmdb) -> None:
    stale_movie(live)
    fake_tmdb.latency = 0.5  # every TMDB answer is slow
    thread = BackgroundRefresher(live.metadata, first_delay=0)
    thread.start()
    assert eventually(lambda: fake_tmdb.in_flight > 0)
    thread.wake()  # returns at once; the pass goes on
    thread.stop(timeout=10)
    assert not thread.running
