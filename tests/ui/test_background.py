"""The app's services run the background jobs in the app process when there is no Redis (one
per process, not per session), and stop them when Streamlit drops the services; with Redis
they only enqueue: the worker role runs the jobs."""

from __future__ import annotations

import time

import pytest
import streamlit as st

from reelmatch.jobs import METADATA_REFRESH, TRAIN_MODEL
from reelmatch.ui.state import get_services
from tests.support.fake_tmdb import FakeTmdb
from tests.support.redis import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url"]

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_live_app_services_run_the_jobs_until_released(live_tmdb: FakeTmdb) -> None:
    services = get_services()
    assert services.catalog.mode == "tmdb"
    assert services.jobs.overview().workers == (services.jobs.ledger.worker,)
    assert METADATA_REFRESH in {schedule.job for schedule in services.jobs.schedules}
    assert get_services() is services  # one worker per process, not per session
    st.cache_resource.clear()
    assert services.jobs.overview().workers == ()


def test_offline_app_services_train_in_the_app(app_env: str) -> None:
    services = get_services()
    assert services.catalog.mode == "offline"
    deadline = time.monotonic() + 20
    while services.jobs.overview().job(TRAIN_MODEL).last_ok_at is None:
        assert time.monotonic() < deadline, "the app never ran its training job"
        time.sleep(0.05)


@pytest.mark.redis
def test_with_redis_the_app_runs_no_jobs_itself(
    app_env: str, monkeypatch: pytest.MonkeyPatch, redis_url: str, redis_prefix: str
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("REELMATCH_CACHE_PREFIX", redis_prefix)
    services = get_services()
    assert services.jobs.shared
    time.sleep(0.3)
    overview = services.jobs.overview()
    assert overview.workers == ()
    assert overview.job(TRAIN_MODEL).queued + overview.job(TRAIN_MODEL).running == 0
