"""With Redis: web processes only enqueue, workers (here a worker in the test process, on
the same Redis queues) run the jobs, and every process reads the same counts."""

from __future__ import annotations

from typing import Any

import pytest

from reelmatch.jobs import METADATA_REFRESH, PRUNE_EVENTS, TRAIN_MODEL, WARM_CACHE
from reelmatch.services.recommendations import keeper as keeper_module
from reelmatch.services.recommendations.service import WARMING_UP
from tests.jobs.conftest import Make, eventually
from tests.jobs.test_in_process import stale_movie
from tests.support.fake_tmdb import FakeTmdb

pytestmark = [pytest.mark.redis, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]

MOVIES = (238, 680, 550, 603, 27205, 155, 769)


@pytest.fixture
def shared(redis_url: str, redis_prefix: str) -> dict[str, Any]:
    return {"REDIS_URL": redis_url, "REELMATCH_CACHE_PREFIX": redis_prefix}


def test_web_processes_enqueue_training_and_never_train(
    make: Make, shared: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keeper_module, "STORE_RECHECK_SECONDS", 0.0)
    web = make(REELMATCH_RETRAIN_AFTER_RATINGS=3, **shared)
    web.start_background()  # what the app does: with Redis, no jobs run here
    amy = web.users.create_user(username="amy", password="password1")
    for movie_id in MOVIES:  # asks for a training at the 3rd and 6th rating
        web.library.rate_movie(amy, movie_id, 4.5)

    assert web.jobs.overview().job(TRAIN_MODEL).queued == 1  # the burst sent one job
    assert web.recommendations.recommend(amy, k=5).notice == WARMING_UP  # not trained here
    worker = make(**shared)
    run = worker.jobs.worker(threads=1, schedule=False, idle_poll_ms=50)
    run.start()
    try:
        assert eventually(lambda: web.jobs.overview().job(TRAIN_MODEL).last_ok_at is not None)
        assert eventually(lambda: not web.recommendations.keeper.model().is_fallback)
    finally:
        run.stop()
    assert (web.recommendations.keeper.trainings, worker.recommendations.keeper.trainings) == (
        0,
        1,
    )
    assert web.jobs.overview().job(TRAIN_MODEL).queued == 0


def test_every_process_reads_the_same_counts(
    make: Make, shared: dict[str, Any], fake_tmdb: FakeTmdb
) -> None:
    web = make(live=fake_tmdb, **shared)
    admin = make(**shared)  # another process reading the Status page
    web.jobs.send(PRUNE_EVENTS)
    web.jobs.send(PRUNE_EVENTS)
    assert admin.jobs.overview().job(PRUNE_EVENTS).queued == 2
    assert admin.jobs.overview().workers == ()

    stale_movie(web)
    fake_tmdb.latency = 0.5
    worker = make(live=fake_tmdb, **shared)
    run = worker.jobs.worker(threads=2, schedule=False, idle_poll_ms=50)
    run.start()
    try:
        web.jobs.send(METADATA_REFRESH)
        assert eventually(lambda: admin.jobs.overview().job(METADATA_REFRESH).running == 1)
        assert admin.jobs.overview().workers == (worker.jobs.ledger.worker,)
        assert eventually(lambda: admin.jobs.overview().job(PRUNE_EVENTS).queued == 0)
        fake_tmdb.latency, fake_tmdb.outage = 0.0, True
        worker.jobs.actors[WARM_CACHE].send_with_options(kwargs={}, max_retries=1)
        assert eventually(lambda: admin.jobs.overview().job(WARM_CACHE).failed == 1)
    finally:
        run.stop()
    counts = admin.jobs.overview().job(WARM_CACHE)
    assert counts.last_error is not None
    assert "TMDB" in counts.last_error
    assert counts.last_error_at is not None
    assert counts.last_ok_at is None
    assert (counts.queued, counts.running, counts.retrying) == (0, 0, 0)
    assert admin.jobs.overview().job(PRUNE_EVENTS).last_ok_at is not None
    assert admin.jobs.overview().workers == ()  # it left when it stopped
