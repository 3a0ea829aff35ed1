"""A replica killed under load loses no stored write: 2 replicas behind HAProxy (as `make
cluster` runs them), logged-in sessions adding movies to their watchlists as fast as the app
answers, and one replica killed by PID (SIGKILL) halfway through.

    .venv/bin/python bench/failover.py [--users 10] [--seconds 30]

Each session opens a movie page (`/movie?id=`) and clicks "Add to watchlist"; a write counts
as confirmed when the next run shows "On your watchlist" (the page read it back). A session
whose replica dies reconnects through the proxy (landing on the survivor), logs in again and
goes on. At the end the database is read: every confirmed write must be stored. Writes in
flight when the replica died were never confirmed, so either outcome is allowed for them.
Prints confirmed, stored and lost writes, reconnected sessions and the longest gap a session
saw, and writes bench/results/failover.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import print_table, write_json  # noqa: E402
from bench.load import PASSWORD, app_environment  # noqa: E402
from bench.load_client import StreamlitSession  # noqa: E402
from deploy.cluster import running_cluster  # noqa: E402
from reelmatch.catalog.offline import load_snapshot  # noqa: E402

ADD, ADDED = "Add to watchlist", "On your watchlist"

STORED = """
import json, sys
from reelmatch.bootstrap import build_services
services = build_services()
stored = {}
for name in sys.argv[1:]:
    user = services.users.get_user(name)
    stored[name] = sorted(item.movie.id for item in services.library.library(user).watchlist)
services.close()
print(json.dumps(stored))
"""


class Visitor:
    """One logged-in session adding movie after movie to its watchlist; it reconnects through
    the proxy when its replica goes away."""

    def __init__(self, url: str, username: str, movies: list[int]) -> None:
        self.url, self.username, self.movies = url, username, movies
        self.confirmed: list[int] = []
        self.reconnects = 0
        self.longest_gap = 0.0

    async def run(self, deadline: float) -> None:
        queue = iter(self.movies)
        movie = next(queue)
        last_success = time.perf_counter()
        while time.perf_counter() < deadline:
            try:
                async with StreamlitSession.connect(self.url) as session:
                    await session.log_in(self.username, PASSWORD)
                    await session.rerun()  # the landing page, so the Movie page is known
                    while time.perf_counter() < deadline:
                        await session.rerun(page="Movie", query=f"id={movie}")
                        result = await session.rerun({ADD: True})
                        if any(widget.label == ADDED for widget in result.widgets):
                            self.confirmed.append(movie)
                            now = time.perf_counter()
                            self.longest_gap = max(self.longest_gap, now - last_success)
                            last_success = now
                            movie = next(queue)
            except Exception:  # the replica went away mid-run: connect again
                self.reconnects += 1
                await asyncio.sleep(0.2)


async def drive(visitors: list[Visitor], *, seconds: float, kill: Callable[[], None]) -> None:
    deadline = time.perf_counter() + seconds

    async def killer() -> None:
        await asyncio.sleep(seconds / 2)
        kill()

    await asyncio.gather(killer(), *(v.run(deadline) for v in visitors))


def watchlists(env: dict[str, str], names: list[str]) -> dict[str, list[int]]:
    """Each user's stored watchlist, read by a fresh process from the database."""
    done = subprocess.run(
        [sys.executable, "-c", STORED, *names], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    stored: dict[str, list[int]] = json.loads(done.stdout)
    return stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--name", default="failover")
    args = parser.parse_args()
    # What bench/load.py's environment builder reads: PostgreSQL, Redis, the offline catalog.
    env_args = argparse.Namespace(
        no_redis=False, sqlite=False, catalog="offline", training=0, users=[args.users],
        redis_url=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        database_url=os.environ.get(
            "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )  # fmt: skip
    ids = [int(record["id"]) for record in load_snapshot()]
    names = [f"bench-{i:02d}" for i in range(args.users)]
    with (
        tempfile.TemporaryDirectory(prefix="rm-failover-") as tmp,
        app_environment(env_args, Path(tmp)) as env,
        running_cluster(env, replicas=2, run_dir=Path(tmp) / "cluster") as cluster,
    ):
        url = cluster.url.replace("http://", "ws://") + "/_stcore/stream"
        visitors = [Visitor(url, name, ids[i :: args.users]) for i, name in enumerate(names)]
        victim = cluster.replicas[0]
        kill = lambda: os.kill(victim.pid, signal.SIGKILL)  # noqa: E731
        asyncio.run(drive(visitors, seconds=args.seconds, kill=kill))
        stored = watchlists(env, names)
    confirmed = sum(len(v.confirmed) for v in visitors)
    lost = sorted(
        (v.username, movie)
        for v in visitors
        for movie in set(v.confirmed) - set(stored[v.username])
    )
    row = {
        "sessions": args.users,
        "confirmed writes": confirmed,
        "stored writes": sum(len(s) for s in stored.values()),
        "lost": len(lost),
        "reconnected sessions": sum(1 for v in visitors if v.reconnects),
        "longest gap s": round(max(v.longest_gap for v in visitors), 2),
    }
    print_table("2 replicas behind HAProxy, one killed halfway", list(row), [list(row.values())])
    if lost:
        print(f"lost writes: {lost[:10]}")
    write_json(args.name, {"config": vars(args), "result": row, "lost": lost})
    raise SystemExit(1 if lost else 0)


if __name__ == "__main__":
    main()
