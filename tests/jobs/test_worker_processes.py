"""Real worker processes on the real Redis and PostgreSQL: two of them share the scheduled jobs
and `recommend --all-users`; one killed with SIGKILL in the middle of a job leaves it to the
other, which runs it to the end once the dead one's heartbeat is old (1 s here).

A job is held in the middle of its work by a PostgreSQL table lock the test takes and lets go
of: no hook in the code under test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import load_settings
from reelmatch.jobs import RECOMMEND_CHUNK, TRAIN_MODEL
from reelmatch.jobs.ledger_store import Attempt
from reelmatch.store.models import RecommendationRunRow
from reelmatch.store.uow import UnitOfWork
from tests.jobs.conftest import eventually
from tests.support.cli import run_cli
from tests.support.workers import ROOT, WorkerProcesses, worker_processes

pytestmark = [
    pytest.mark.slow,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.parametrize("db_url", ["postgres"], indirect=True),
]

MOVIES = (238, 680, 550, 603, 27205, 155, 769, 278, 597, 11036)


@pytest.fixture
def env(db_url: str, redis_url: str, redis_prefix: str, tmp_path: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "REELMATCH_CACHE_PREFIX": redis_prefix,
        "REELMATCH_DATA_DIR": str(tmp_path / "var"),
        "REELMATCH_WORKER_HEARTBEAT_TIMEOUT": "1",
        "REELMATCH_JOB_RETRY_SECONDS": "0.2",
        "REELMATCH_EVENTS_RETENTION_DAYS": "0",
        "REELMATCH_RETRAIN_CHECK_SECONDS": "3600",
        "REELMATCH_LOG_LEVEL": "INFO",
    }


@pytest.fixture
def services(env: dict[str, str], offline_catalog: OfflineCatalog) -> Iterator[Services]:
    """The test's own view of the same installation."""
    built = build_services(load_settings(**env), catalog=offline_catalog, bcrypt_rounds=4)
    yield built
    built.close()


@pytest.fixture
def workers(env: dict[str, str], tmp_path: Path) -> Iterator[WorkerProcesses]:
    yield from worker_processes(env, tmp_path)


def seed(services: Services, count: int) -> list[str]:
    """Users user00 … up to `count` (those already there are kept), each with four ratings."""
    names = [f"user{n:02d}" for n in range(count)]
    known = {user.username for user in services.users.list_users()}
    for n, name in enumerate(names):
        if name in known:
            continue
        user = services.users.create_user(username=name, password="password1")
        for movie_id in MOVIES[n % 4 : n % 4 + 4]:
            services.library.rate_movie(user, movie_id, 4.0 + (n % 2) / 2)


class TableLock:
    """An ACCESS EXCLUSIVE lock on a table, held from another connection until released:
    every statement touching the table waits meanwhile."""

    def __init__(self, url: str, table: str) -> None:
        self._engine = create_engine(url)
        self._connection = self._engine.connect()
        self._transaction = self._connection.begin()
        self._connection.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))

    def release(self) -> None:
        self._transaction.rollback()
        self._connection.close()
        self._engine.dispose()


def runs_per_user(services: Services) -> Counter[int]:
    with UnitOfWork(services.database, read_only=True) as uow:
        query = select(RecommendationRunRow.user_id, func.count()).group_by(
            RecommendationRunRow.user_id
        )
        return Counter({user_id: count for user_id, count in uow.session.execute(query)})  # noqa: C416


def running(services: Services, job: str) -> list[dict[str, Any]]:
    return services.jobs.ledger.store.running(job)


def test_a_training_killed_mid_run_is_retried_and_finishes(
    db_url: str, services: Services, workers: WorkerProcesses
) -> None:
    seed(services, 3)
    lock = TableLock(db_url, "user_movies")  # the training waits on its first read
    try:
        # `worker --processes 2`: the first period finds no model, one of them trains.
        workers.start_supervised(2)
        first = workers.alive()
        assert eventually(lambda: len(running(services, TRAIN_MODEL)) == 1, within=30)
        [entry] = running(services, TRAIN_MODEL)
        workers.kill_by_name(entry["worker"])
    finally:
        lock.release()

    store = services.recommendations.keeper.store
    assert eventually(lambda: store.meta() is not None, within=30), workers.output()
    assert eventually(lambda: services.jobs.overview().job(TRAIN_MODEL).last_ok_at is not None)
    done = [a for a in history(services, TRAIN_MODEL) if a.outcome == "done"]
    assert [a.message_id for a in done] == [entry["id"]]  # the same message, finished
    assert done[0].worker in first - {entry["worker"]}  # by the other worker
    counts = services.jobs.overview().job(TRAIN_MODEL)
    assert (counts.queued, counts.running, counts.failed) == (0, 0, 0)
    assert store.meta()["ratings"] == 12  # type: ignore[index]
    # The supervisor starts a new worker in place of the dead one.
    assert eventually(lambda: "restarting" in workers.output()), workers.output()


def all_users(env: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "reelmatch", "recommend", "--all-users"]
    command += ["--workers", "0", "--chunk-size", "2", "--json"]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_workers_share_schedules_and_runs_and_survive_losing_one(
    db_url: str,
    env: dict[str, str],
    services: Services,
    workers: WorkerProcesses,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed(services, 12)
    services.recommendations.retrain()  # so each scheduled check is quick ("fresh")
    workers.env["REELMATCH_RETRAIN_CHECK_SECONDS"] = "0.5"
    workers.start(2)

    # `recommend --all-users`, here in this process, leaving the work to the two workers
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    outcome = run_cli("recommend", "--all-users", "--workers", "0", "--chunk-size", "2", "--json")
    assert outcome.code == 0, outcome.err + workers.output()
    assert _totals(outcome.out) == (12, 12, 0)
    assert runs_per_user(services) == Counter(dict.fromkeys(range(1, 13), 1))
    assert sorted(a.outcome for a in history(services, RECOMMEND_CHUNK)) == ["done"] * 6

    # Meanwhile both workers looked at the clock four times a period: each ran once.
    assert eventually(lambda: len(periods_done(services)) >= 3), workers.output()
    assert set(periods_done(services).values()) == {1}, periods_done(services)
    runs = Counter(a.message_id for a in history(services, TRAIN_MODEL) if a.period)
    assert set(runs.values()) == {1}  # each period one message, run once

    # Eight newcomers; this time one worker is killed in the middle of its chunk.
    seed(services, 20)
    lock = TableLock(db_url, "recommendation_runs")  # each chunk waits on its first write
    try:
        command = all_users(env)
        assert eventually(lambda: len(running(services, RECOMMEND_CHUNK)) == 2, within=60)
        victim = running(services, RECOMMEND_CHUNK)[0]
        workers.kill(workers.by_name(victim["worker"]))
    finally:
        lock.release()
    out, err = command.communicate(timeout=120)

    assert command.returncode == 0, err + workers.output()
    assert _totals(out) == (20, 8, 0)  # the first twelve were cached already
    assert runs_per_user(services) == Counter(dict.fromkeys(range(1, 21), 1))
    redone = [a.outcome for a in history(services, RECOMMEND_CHUNK) if a.message_id == victim["id"]]
    assert redone == ["done"]  # finished by the survivor


def history(services: Services, job: str) -> list[Attempt]:
    return services.jobs.ledger.store.history(job, limit=50)


def periods_done(services: Services) -> Counter[int | None]:
    return Counter(a.period for a in history(services, TRAIN_MODEL) if a.outcome == "done")


def _totals(out: str) -> tuple[int, int, int]:
    report = json.loads(out)
    return report["users"], report["computed"], report["failed"]
