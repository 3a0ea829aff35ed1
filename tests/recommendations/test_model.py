"""The model lifecycle: never trained on a request, stored for the next process, shared
through Redis by replicas, retrained in the background when enough ratings changed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reelmatch.bootstrap import Services
from reelmatch.services.recommendations import RedisModelStore
from reelmatch.services.recommendations.service import WARMING_UP
from tests.recommendations.conftest import TASTES, seed
from tests.support.events import RecordingEvents

Make = Callable[..., tuple[Services, RecordingEvents]]


def test_a_request_without_a_model_never_trains(make_services: Make) -> None:
    services, _ = make_services()
    users = seed(services)
    recs = services.recommendations

    result = recs.recommend(users["alice"], k=5)

    assert recs.keeper.trainings == 0
    assert result.notice == WARMING_UP
    assert len(result.items) == 5
    assert not {i.movie.id for i in result.items} & set(TASTES["alice"])
    assert all(item.source == "popular" for item in result.items)


def test_the_trained_model_is_stored_and_reused_by_the_next_process(
    make_services: Make, tmp_path: Path
) -> None:
    first, _ = make_services()
    users = seed(first)
    info = first.recommendations.ensure_model()
    assert first.recommendations.keeper.trainings == 1
    assert (tmp_path / "var" / "models" / "hybrid.model").is_file()
    assert info.ratings == sum(len(r) for r in TASTES.values())
    assert info.users == 3

    second, _ = make_services()
    result = second.recommendations.recommend(users["alice"], k=5)

    keeper = second.recommendations.keeper
    assert (keeper.trainings, keeper.loads) == (0, 1)
    assert keeper.model().info.model_id == info.model_id
    assert result.notice is None
    assert result.items[0].source == "local"


def test_a_damaged_stored_model_is_replaced(make_services: Make, tmp_path: Path) -> None:
    services, _ = make_services()
    seed(services)
    path = tmp_path / "var" / "models" / "hybrid.model"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"model_id": "abc", "trained_at": "2020"}\nnot an npz archive')

    info = services.recommendations.ensure_model()

    assert info.model_id != "abc"
    assert services.recommendations.keeper.trainings == 1


def test_retraining_waits_for_enough_changed_ratings(make_services: Make) -> None:
    services, _ = make_services(REELMATCH_RETRAIN_AFTER_RATINGS=3)
    users = seed(services)
    keeper = services.recommendations.keeper
    assert keeper.check() == "trained"  # no model yet
    first = keeper.model().info.model_id
    services.library.rate_movie(users["carol"], 550, 4.0)
    services.library.rate_movie(users["carol"], 155, 4.0)
    assert keeper.check() == "fresh"

    services.library.rate_movie(users["carol"], 27205, 3.5)

    assert keeper.check() == "trained"
    assert keeper.model().info.model_id != first
    assert keeper.model().info.ratings == sum(len(r) for r in TASTES.values()) + 3


def test_the_background_thread_trains_and_picks_up_new_models(make_services: Make) -> None:
    services, _ = make_services(REELMATCH_RETRAIN_CHECK_SECONDS=0.05)
    users = seed(services)
    recs = services.recommendations
    assert recs.recommend(users["alice"], k=3).notice == WARMING_UP

    recs.start_background()
    deadline = time.monotonic() + 20
    while recs.keeper.trainings == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    recs.close()

    assert recs.keeper.trainings == 1
    assert recs.recommend(users["alice"], k=3).notice is None


@pytest.mark.redis
def test_replicas_share_the_model_and_the_lists_through_redis(
    make_services: Make, redis_url: str, redis_prefix: str
) -> None:
    shared = {"REDIS_URL": redis_url, "REELMATCH_CACHE_PREFIX": redis_prefix}
    one, _ = make_services(**shared)
    users = seed(one)
    info = one.recommendations.retrain()
    alice_list = one.recommendations.recommend(users["alice"], k=5)
    two, _ = make_services(**shared)

    served = two.recommendations.recommend(users["alice"], k=5)

    keeper = two.recommendations.keeper
    assert (keeper.trainings, keeper.loads) == (0, 1)
    assert keeper.model().info.model_id == info.model_id
    assert served.from_cache is True
    assert served.run_id == alice_list.run_id
    assert isinstance(keeper.store, RedisModelStore)


@pytest.mark.redis
def test_only_one_replica_trains_at_a_time(
    make_services: Make, redis_url: str, redis_prefix: str
) -> None:
    shared = {"REDIS_URL": redis_url, "REELMATCH_CACHE_PREFIX": redis_prefix}
    one, _ = make_services(**shared)
    seed(one)
    two, _ = make_services(**shared)
    token = one.recommendations.keeper.store.try_lock()
    assert token is not None

    assert two.recommendations.keeper.check() == "busy"

    one.recommendations.keeper.store.unlock(token)
    assert two.recommendations.keeper.check() == "trained"
    assert one.recommendations.keeper.check() == "loaded"


def test_a_request_during_the_threads_first_load_waits_for_that_model(make_services: Make) -> None:
    trainer, _ = make_services()
    seed(trainer)
    trainer.recommendations.retrain()
    fallbacks = 0
    for _ in range(15):  # the thread and the request race to load the stored model
        app, _ = make_services()
        app.recommendations.start_background()
        fallbacks += app.recommendations.keeper.model().is_fallback
        app.recommendations.close()
    assert fallbacks == 0
