"""The model lifecycle: never trained on a request, stored for the next process, shared
through Redis by replicas, retrained by the training job when enough ratings changed, and
followed by processes that did not train it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reelmatch.bootstrap import Services
from reelmatch.services.recommendations import RedisModelStore
from reelmatch.services.recommendations import keeper as keeper_module
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
    assert keeper.train_if_due() == "trained"  # no model yet
    first = keeper.model().info.model_id
    services.library.rate_movie(users["carol"], 550, 4.0)
    services.library.rate_movie(users["carol"], 155, 4.0)
    assert keeper.train_if_due() == "fresh"

    services.library.rate_movie(users["carol"], 27205, 3.5)

    assert keeper.train_if_due() == "trained"
    assert keeper.train_if_due() == "fresh"  # idempotent: the second run finds it fresh
    assert keeper.model().info.model_id != first
    assert keeper.model().info.ratings == sum(len(r) for r in TASTES.values()) + 3
    assert keeper.trainings == 2


def test_every_threshold_of_ratings_asks_for_a_training_once(make_services: Make) -> None:
    services, _ = make_services(REELMATCH_RETRAIN_AFTER_RATINGS=3)
    users = seed(services)  # 16 ratings: asked at the 3rd, 6th, ... 15th
    keeper = services.recommendations.keeper
    asked: list[int] = []
    keeper.on_due = lambda: asked.append(1)
    keeper.train_if_due()  # training starts the count again
    for movie_id in (550, 155, 27205, 603, 680, 238, 769):
        services.library.rate_movie(users["carol"], movie_id, 4.0)
    assert len(asked) == 2  # at the 3rd and the 6th change, not at every rating
    assert keeper.trainings == 1  # asking is not training


def test_a_process_follows_a_newer_model_without_a_request_waiting(
    make_services: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keeper_module, "STORE_RECHECK_SECONDS", 0.0)
    trainer, _ = make_services()
    seed(trainer)
    first = trainer.recommendations.retrain()
    app, _ = make_services()
    assert app.recommendations.keeper.model().info.model_id == first.model_id
    second = trainer.recommendations.retrain()

    served = app.recommendations.keeper.model()  # the current one; the newer loads meanwhile

    assert served.info.model_id == first.model_id
    deadline = time.monotonic() + 20
    while app.recommendations.keeper.model().info.model_id != second.model_id:
        assert time.monotonic() < deadline, "the newer model was never loaded"
        time.sleep(0.02)
    assert app.recommendations.keeper.trainings == 0


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

    with one.recommendations.keeper.store.training_lock() as held:
        assert held
        assert two.recommendations.keeper.train_if_due() == "busy"

    assert two.recommendations.keeper.train_if_due() == "trained"
    assert one.recommendations.keeper.train_if_due() == "fresh"  # and it adopted two's model
    assert one.recommendations.keeper.model().info == two.recommendations.keeper.model().info


def test_concurrent_first_requests_both_get_the_stored_model(make_services: Make) -> None:
    trainer, _ = make_services()
    seed(trainer)
    trainer.recommendations.retrain()
    fallbacks = 0
    for _ in range(15):  # two requests race to load the stored model
        keeper = make_services()[0].recommendations.keeper
        other: list[bool] = []
        racer = threading.Thread(target=lambda k=keeper, o=other: o.append(k.model().is_fallback))
        racer.start()
        fallbacks += keeper.model().is_fallback
        racer.join()
        fallbacks += sum(other)
    assert fallbacks == 0
