"""Replicas that start together all run `db upgrade`: one migrates, the others wait for it
and find nothing to do, and all of them succeed."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelmatch.store.migrate import current_revision, head_revision
from tests.conftest import ROOT
from tests.support.services import postgres_url_for_schema, reachable_postgres, require_services

BASE = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    if not reachable_postgres(BASE):
        require_services("PostgreSQL", BASE)
        pytest.skip(f"PostgreSQL is not reachable at TEST_DATABASE_URL ({BASE})")
    url, drop = postgres_url_for_schema(BASE, f"rm_race_{uuid.uuid4().hex[:10]}")
    yield url
    drop()


def _upgrade_together(url: str, tmp_path: Path, *, processes: int = 4) -> list[str]:
    env = {**os.environ, "DATABASE_URL": url, "REELMATCH_DATA_DIR": str(tmp_path / "var")}
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "reelmatch", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    outputs = []
    for process in started:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        outputs.append(out)
    return outputs


@pytest.mark.slow
@pytest.mark.postgres
def test_four_replicas_upgrade_an_empty_postgresql_at_once(
    empty_postgres: str, tmp_path: Path
) -> None:
    outputs = _upgrade_together(empty_postgres, tmp_path)
    assert sum("Migrated the database" in out for out in outputs) == 1, outputs
    assert sum("up to date" in out for out in outputs) == 3, outputs
    assert current_revision(empty_postgres) == head_revision()


@pytest.mark.slow
def test_processes_on_one_sqlite_file_take_turns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'reelmatch.db'}"
    outputs = _upgrade_together(url, tmp_path, processes=3)
    assert sum("Migrated the database" in out for out in outputs) == 1, outputs
    assert current_revision(url) == head_revision()
