"""`python -m reelmatch worker` and what `doctor` says about jobs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.jobs.conftest import Make
from tests.support.cli import run_cli

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", db_url)
    return db_url


def test_the_worker_needs_redis(cli_env: str) -> None:
    outcome = run_cli("worker")
    assert outcome.code == 2
    assert "REDIS_URL" in outcome.err


@pytest.mark.redis
def test_doctor_fails_while_no_worker_runs(
    cli_env: str, make: Make, monkeypatch: pytest.MonkeyPatch, redis_url: str, redis_prefix: str
) -> None:
    shared: dict[str, Any] = {"REDIS_URL": redis_url, "REELMATCH_CACHE_PREFIX": redis_prefix}
    for name, value in shared.items():
        monkeypatch.setenv(name, value)

    alone = run_cli("doctor", "--json")

    jobs = next(c for c in alone.json() if c["name"] == "jobs")
    assert (alone.code, jobs["ok"]) == (1, False)
    assert "python -m reelmatch worker" in jobs["detail"]
    worker = make(**shared).jobs.worker(threads=1, schedule=False)
    worker.start()
    try:
        served = run_cli("doctor", "--json")
    finally:
        worker.stop()
    jobs = next(c for c in served.json() if c["name"] == "jobs")
    assert (served.code, jobs["ok"]) == (0, True), jobs
    assert jobs["detail"].startswith("1 worker(s) alive")
