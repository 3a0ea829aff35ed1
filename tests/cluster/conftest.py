"""A real cluster (deploy/cluster.py): two app replicas and the worker behind Debian's
HAProxy, on a PostgreSQL schema and a Redis key prefix of its own, driven by Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, expect

from deploy.cluster import Cluster, running_cluster
from tests.browser.conftest import _app_env, _require_chromium, browser
from tests.conftest import ROOT
from tests.support.redis import configured_url, delete_prefix, reachable
from tests.support.services import postgres_url_for_schema, reachable_postgres, require_services

__all__ = ["browser"]

BASE = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "cluster-password-1"


def _require(name: str, ok: bool, where: str) -> None:
    if not ok:
        require_services(name, where)
        pytest.skip(f"{name} is not available ({where})")


@dataclass
class LiveCluster:
    cluster: Cluster
    env: dict[str, str]

    @property
    def url(self) -> str:
        return self.cluster.url

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """`python -m reelmatch ...` against the cluster's database, as an operator runs it."""
        return _cli(self.env, *args, stdin=stdin)


def warm(browser: Browser, cluster: Cluster) -> None:
    """Load each replica once, directly: a fresh process's first page run imports and loads
    what every later run reuses, which on a busy machine can outlast a test's timeouts."""
    for replica in cluster.replicas:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{replica.port}")
        expect(page.get_by_role("heading", name="Reel Matchmaker")).to_be_visible(timeout=120_000)
        page.close()


@pytest.fixture(scope="module")
def live_cluster(
    tmp_path_factory: pytest.TempPathFactory, browser: Browser
) -> Iterator[LiveCluster]:
    _require_chromium()
    _require("HAProxy", shutil.which("haproxy") is not None, "apt-get install -y haproxy")
    _require("PostgreSQL", reachable_postgres(BASE), BASE)
    redis_url = configured_url()
    _require("Redis", reachable(redis_url), redis_url)
    database_url, drop = postgres_url_for_schema(BASE, f"rm_cluster_{uuid.uuid4().hex[:8]}")
    prefix = f"rm:cluster-{uuid.uuid4().hex[:8]}:"
    data_dir = tmp_path_factory.mktemp("cluster")
    env = _app_env(data_dir / "var", database_url) | {
        "REDIS_URL": redis_url,
        "REELMATCH_CACHE_PREFIX": prefix,
    }
    try:
        with running_cluster(env, replicas=2, run_dir=data_dir / "run") as started:
            _cli(env, "users", "add", "kim", "--password-stdin", stdin=PASSWORD)
            warm(browser, started)
            yield LiveCluster(started, env)
        for log in (data_dir / "run").glob("app*.log"):
            assert "Traceback" not in log.read_text(errors="replace"), log.read_text()
    finally:
        drop()
        delete_prefix(redis_url, prefix)


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        [sys.executable, "-m", "reelmatch", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    ).stdout
