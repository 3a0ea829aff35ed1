"""What costs money survives a restart: lists and AI picks answer again from the stored runs,
in another process or after a restart, with and without Redis in front."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from reelmatch.bootstrap import Services
from reelmatch.domain import Movie, User
from reelmatch.store.models import RecommendationRunRow
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork
from tests.conftest import ROOT
from tests.recommendations.conftest import seed
from tests.recommendations.test_ai import as_pick, ids
from tests.support.events import RecordingEvents
from tests.support.fake_openai import FakeOpenAI

Make = Callable[..., tuple[Services, RecordingEvents]]


def _ai_settings(fake: FakeOpenAI, **more: str) -> dict[str, Any]:
    return {
        "OPENAI_API_KEY": "sk-test-0123456789abcdef",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_MAX_RETRIES": 0,
        "OPENAI_TIMEOUT": 2,
        **more,
    }


def _age_runs(services: Services, seconds: float) -> None:
    with UnitOfWork(services.database) as uow:
        uow.session.execute(
            update(RecommendationRunRow).values(created_at=utcnow() - timedelta(seconds=seconds))
        )
        uow.commit()


def test_a_restarted_app_serves_ai_picks_without_asking_again(
    make_services: Make, fake_openai: FakeOpenAI
) -> None:
    first, _ = make_services(**_ai_settings(fake_openai))
    alice = seed(first)["alice"]
    first.recommendations.retrain()
    candidates = pool_for(first, alice)
    fake_openai.push(fake_openai.picks([as_pick(candidates[3]), as_pick(candidates[5])]))
    asked = first.recommendations.recommend(alice, engine="ai", k=5)
    first.close()

    restarted, _ = make_services(**_ai_settings(fake_openai))  # a new in-process cache
    again = restarted.recommendations.recommend(alice, engine="ai", k=5)

    assert fake_openai.request_count == 1
    assert again.from_cache is True
    assert ids(again) == ids(asked)
    assert [item.source for item in again.items[:2]] == ["ai", "ai"]
    assert again.items[0].reasons == asked.items[0].reasons


def test_a_new_model_reuses_the_paid_picks_of_an_unchanged_taste(
    make_services: Make, fake_openai: FakeOpenAI
) -> None:
    first, _ = make_services(**_ai_settings(fake_openai))
    alice = seed(first)["alice"]
    first.recommendations.retrain()
    candidates = pool_for(first, alice)
    fake_openai.push(fake_openai.picks([as_pick(candidates[2])]))
    first.recommendations.recommend(alice, engine="ai", k=5)

    later, _ = make_services(**_ai_settings(fake_openai))
    later.recommendations.retrain()  # another model: another fingerprint, the same taste
    result = later.recommendations.recommend(alice, engine="ai", k=5)

    assert fake_openai.request_count == 1
    assert ids(result)[0] == candidates[2].id
    assert result.engine == "ai"


def test_stored_lists_expire_with_the_ttl(make_services: Make, fake_openai: FakeOpenAI) -> None:
    settings = _ai_settings(fake_openai, REELMATCH_RECS_TTL="600")
    first, _ = make_services(**settings)
    alice = seed(first)["alice"]
    first.recommendations.retrain()
    candidates = pool_for(first, alice)
    fake_openai.push(fake_openai.picks([as_pick(candidates[1])]))
    first.recommendations.recommend(alice, engine="ai", k=5)
    _age_runs(first, 601)
    fake_openai.push(fake_openai.picks([as_pick(candidates[4])]))

    later, _ = make_services(**settings)
    result = later.recommendations.recommend(alice, engine="ai", k=5)

    assert fake_openai.request_count == 2
    assert ids(result)[0] == candidates[4].id


def test_a_fallback_after_an_ai_failure_is_kept_only_briefly(
    make_services: Make, fake_openai: FakeOpenAI
) -> None:
    first, _ = make_services(**_ai_settings(fake_openai))
    alice = seed(first)["alice"]
    first.recommendations.retrain()
    fake_openai.push(fake_openai.error(500))
    failed = first.recommendations.recommend(alice, engine="ai", k=5)
    assert failed.engine == "local"

    soon, _ = make_services(**_ai_settings(fake_openai))
    assert soon.recommendations.recommend(alice, engine="ai", k=5).engine == "local"
    assert fake_openai.request_count == 1  # within the failure TTL: not asked again

    _age_runs(first, 301)
    candidates = pool_for(soon, alice)
    fake_openai.push(fake_openai.picks([as_pick(candidates[1])]))
    later, _ = make_services(**_ai_settings(fake_openai))
    assert later.recommendations.recommend(alice, engine="ai", k=5).engine == "ai"
    assert fake_openai.request_count == 2


def pool_for(services: Services, user: User) -> list[Movie]:
    """The local engine's best: the candidates an AI request carries."""
    listed = services.recommendations.recommend(user, k=50, shown=False)
    return [item.movie for item in listed.items]


@pytest.mark.slow
@pytest.mark.parametrize("with_redis", [False, pytest.param(True, marks=pytest.mark.redis)])
def test_two_cli_processes_make_one_openai_request(
    request: pytest.FixtureRequest,
    make_services: Make,
    fake_openai: FakeOpenAI,
    tmp_path: Path,
    with_redis: bool,
) -> None:
    settings = _ai_settings(fake_openai)
    if with_redis:
        settings.update(
            REDIS_URL=request.getfixturevalue("redis_url"),
            REELMATCH_CACHE_PREFIX=request.getfixturevalue("redis_prefix"),
        )
    services, _ = make_services(**settings)
    alice = seed(services)["alice"]
    services.recommendations.retrain()
    candidates = pool_for(services, alice)
    fake_openai.push(fake_openai.picks([as_pick(candidates[1]), as_pick(candidates[2])]))
    env = _cli_env(services, settings)

    first, second = (_recommend(env) for _ in range(2))

    assert fake_openai.request_count == 1
    assert [item["movie"]["id"] for item in second["items"]] == [
        item["movie"]["id"] for item in first["items"]
    ]
    assert (first["engine"], second["engine"], second["from_cache"]) == ("ai", "ai", True)


def _cli_env(services: Services, settings: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REDIS_"))}
    env.update({key: str(value) for key, value in settings.items()})
    env["DATABASE_URL"] = services.settings.effective_database_url
    env["REELMATCH_DATA_DIR"] = str(services.settings.data_dir)
    return env


def _recommend(env: dict[str, str]) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "reelmatch", "recommend", "alice", "--engine", "ai", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
