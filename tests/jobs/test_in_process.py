"""Without Redis the app runs its jobs itself (`start_background()`): an in-process broker and
one worker thread, with the same actors, schedules, retries and ledger as the worker role."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import Movie
from reelmatch.jobs import (
    METADATA_REFRESH,
    PRUNE_EVENTS,
    PRUNE_SANDBOXES,
    ROLLUP_EVENTS,
    TRAIN_MODEL,
    WARM_CACHE,
    JobDeps,
    Jobs,
)
from reelmatch.services.metadata_refresh import MetadataRefresher
from reelmatch.store.repositories.movies import NEEDS_REFRESH_AT
from reelmatch.store.uow import UnitOfWork
from tests.jobs.conftest import Make, eventually
from tests.services.refresh_support import FILMS, import_films, posters
from tests.support.fake_tmdb import FakeTmdb

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def stale_movie(services: Services, movie_id: int = 348) -> None:
    with UnitOfWork(services.database) as uow:
        uow.movies.add_missing([Movie(id=movie_id, title="Alien")], fetched_at=NEEDS_REFRESH_AT)
        uow.commit()


def scheduled(services: Services) -> set[str]:
    return {schedule.job for schedule in services.jobs.schedules}


def test_an_import_sends_the_refresh_job_and_posters_appear(
    make: Make, fake_tmdb: FakeTmdb
) -> None:
    live = make(live=fake_tmdb)
    amy = live.users.create_user(username="amy", password="password1")
    live.start_background()  # what the app does
    assert eventually(lambda: bool(live.jobs.overview().job(TRAIN_MODEL).last_ok_at))
    import_films(live, amy)  # asks for a metadata refresh

    assert eventually(lambda: None not in posters(live, amy).values())
    assert set(posters(live, amy)) == set(FILMS)
    assert live.jobs.overview().workers == (live.jobs.ledger.worker,)


def test_what_is_scheduled_follows_the_settings(make: Make, fake_tmdb: FakeTmdb) -> None:
    offline = {TRAIN_MODEL, PRUNE_EVENTS, PRUNE_SANDBOXES, ROLLUP_EVENTS}  # nothing to refresh
    assert scheduled(make()) == offline
    assert scheduled(make(live=fake_tmdb)) == offline | {METADATA_REFRESH, WARM_CACHE}
    quiet = make(live=fake_tmdb, REELMATCH_METADATA_REFRESH="false",
                 REELMATCH_EVENTS_RETENTION_DAYS=0)  # fmt: skip
    assert scheduled(quiet) == {TRAIN_MODEL, PRUNE_SANDBOXES, ROLLUP_EVENTS, WARM_CACHE}
    amy = quiet.users.create_user(username="amy", password="password1")
    import_films(quiet, amy)
    assert quiet.jobs.overview().job(METADATA_REFRESH).queued == 0


def test_a_failing_job_is_retried_with_back_off_until_it_succeeds(
    make: Make, fake_tmdb: FakeTmdb
) -> None:
    live = make(live=fake_tmdb, REELMATCH_JOB_RETRY_SECONDS=0.2)
    stale_movie(live)
    fake_tmdb.outage = True
    live.start_background()

    assert eventually(lambda: live.jobs.overview().job(METADATA_REFRESH).last_error is not None)
    failing = live.jobs.overview().job(METADATA_REFRESH)
    assert failing.last_error_at is not None
    assert "TMDB" in (failing.last_error or "")
    assert live.metadata.pending() == 1
    fake_tmdb.outage = False

    assert eventually(lambda: live.metadata.pending() == 0)
    assert eventually(lambda: live.jobs.overview().job(METADATA_REFRESH).last_ok_at is not None)
    recovered = live.jobs.overview().job(METADATA_REFRESH)
    assert recovered.last_ok_at is not None
    assert recovered.last_ok_at > failing.last_error_at
    assert (recovered.failed, recovered.running, recovered.queued) == (0, 0, 0)
    history = live.jobs.ledger.store.history(METADATA_REFRESH)
    assert history[0].outcome == "done"
    first_run = [a.outcome for a in reversed(history) if a.message_id == history[-1].message_id]
    assert (first_run[0], first_run[-1]) == ("error", "done")  # the same message, retried


class BrokenCatalog:
    """A catalog with a bug (and a secret in its message): not an error jobs expect."""

    mode = "tmdb"

    def movies(self, movie_ids: list[int]) -> Sequence[Movie]:
        raise RuntimeError("https://api.example/?api_key=secret broke")


def test_an_unexpected_error_is_shown_by_its_type_and_given_up_after_the_retries(
    make: Make,
) -> None:
    services = make()
    stale_movie(services)
    broken = MetadataRefresher(services.database.unit_of_work, catalog=BrokenCatalog())
    deps = JobDeps(settings=services.settings, metadata=broken,
                   recommendations=services.recommendations, analytics=services.analytics,
                   users=services.users, catalog=services.catalog,
                   demo=services.demo, sessions=services.sessions)  # fmt: skip
    jobs = Jobs(services.settings, deps, link=None)
    worker = jobs.worker(threads=1, schedule=False, idle_poll_ms=50)
    worker.start()
    try:
        jobs.actors[METADATA_REFRESH].send_with_options(kwargs={}, max_retries=2)
        assert eventually(lambda: jobs.overview().job(METADATA_REFRESH).failed == 1)
    finally:
        worker.stop()
    counts = jobs.overview().job(METADATA_REFRESH)
    assert counts.last_error == "RuntimeError"  # never the message: it may carry a key
    assert [a.outcome for a in jobs.ledger.store.history(METADATA_REFRESH)] == [
        "failed", "error", "error"]  # fmt: skip
    assert services.metadata.pending() == 1  # the row is still there, still due
    jobs.close()


def test_stopping_ends_a_refresh_pass_after_its_batch(make: Make, fake_tmdb: FakeTmdb) -> None:
    live = make(live=fake_tmdb)
    for movie_id in (348, 550, 11, 603, 680, 238, 769, 155, 27205, 278, 597, 424):
        stale_movie(live, movie_id)
    fake_tmdb.latency = 0.3  # every TMDB answer is slow
    worker = live.jobs.worker(threads=1, schedule=False, idle_poll_ms=50)
    worker.start()
    live.jobs.send(METADATA_REFRESH)
    assert eventually(lambda: fake_tmdb.in_flight > 0)
    worker.stop()  # returns once the current batch is written, not after every movie
    counts = live.jobs.overview().job(METADATA_REFRESH)
    assert (counts.running, counts.last_ok_at is not None) == (0, True)
    assert 0 < live.metadata.pending() < 12


def test_the_counts_of_jobs_nobody_runs_yet(make: Make) -> None:
    services = make()
    services.jobs.send(PRUNE_EVENTS)
    services.jobs.send(PRUNE_EVENTS)
    assert services.jobs.request(TRAIN_MODEL)
    assert not services.jobs.request(TRAIN_MODEL)  # already asked for, not started yet

    overview = services.jobs.overview()

    assert (overview.mode, overview.workers) == ("in-process", ())
    assert overview.job(PRUNE_EVENTS).queued == 2
    assert overview.job(TRAIN_MODEL).queued == 1
    assert overview.job(WARM_CACHE).queued == 0
