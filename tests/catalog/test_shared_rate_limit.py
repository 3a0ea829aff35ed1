"""Two app processes sharing Redis stay under TMDB_RATE_LIMIT together, as counted by the fake
TMDB when the requests arrive."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.cache_helpers import busiest_second
from tests.support.fake_tmdb import API_KEY, FakeTmdb

ROOT = Path(__file__).resolve().parent.parent.parent

# Each worker builds the app's services from the environment (as `python -m reelmatch` does)
# and loads popular pages nobody has cached, so every call is one upstream request.
WORKER = """
import sys, time
from reelmatch.bootstrap import build_services
start, first, last = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
services = build_services()
while time.time() < start:
    time.sleep(0.001)
for page in range(first, last + 1):
    assert services.catalog.popular(page).page == page
services.close()
"""


@pytest.mark.redis
@pytest.mark.slow
def test_two_processes_never_exceed_the_shared_rate(
    fake_tmdb: FakeTmdb, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TMDB_API_KEY": API_KEY,
        "TMDB_API_BASE": fake_tmdb.base_url,
        "TMDB_RATE_LIMIT": "10",
        "REDIS_URL": redis_url,
        "REELMATCH_CACHE_PREFIX": redis_prefix,
        "REELMATCH_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    start = time.time() + 3  # both processes are up by then
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(start), str(first), str(first + 14)],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
        )
        for first in (1, 16)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode(errors="replace")

    arrivals = [a.at for a in fake_tmdb.arrivals]
    assert fake_tmdb.requests("movie/popular") == 30
    assert len(arrivals) in (31, 32)  # plus the genre list, once or once per process
    assert busiest_second(arrivals) <= 10
    assert busiest_second(arrivals) >= 9  # the limit was what paced them
