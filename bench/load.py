"""Load benchmark: the real app (`streamlit run app.py`) driven over Streamlit's websocket by
concurrent logged-in sessions, as browsers drive it.

    .venv/bin/python bench/load.py [--users 1,5,10,20] [--seconds 20] [--scenario discover]
                                   [--idle-sessions 40] [--soak 10000] [--replicas 1,2]
                                   [--training 5] [--accounts 10000]

Each simulated user logs in through the real form, then reruns closed-loop (no think time):
`discover` switches the Discover list on every rerun; `mixed` alternates that with opening a
movie from the list (the Movie page, `?id=`). Per concurrency level it prints p50/p95 rerun
latency (BackMsg `rerun_script` → ForwardMsg `script_finished`), reruns/s, and the app
processes' CPU seconds per rerun (from /proc, so Streamlit's post-run GC and the network path
count), then the memory one idle logged-in session costs, and optionally a soak: RSS after
1,000 reruns against RSS after `--soak` reruns, and optionally (`--training USERS`) p95
without and with a model training running in another process all the time. `--accounts N`
adds N more accounts that never log in (a deployment's users who are not online), so what a
run costs per account shows.

The app runs on PostgreSQL (`--database-url`, default TEST_DATABASE_URL; a throwaway schema)
and Redis (`--redis-url`, default TEST_REDIS_URL; a throwaway key prefix), on live TMDB served
by the loopback fake (tests/support/fake_tmdb.py) unless `--catalog offline`. `--replicas 2`
puts two app processes behind HAProxy (`deploy/cluster.py`, as `make cluster` runs them);
each session is one websocket, so the proxy spreads sessions round-robin, and the CPU counted
is the replicas' (the proxy's own is small and not counted).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import postgres_schema, print_table, summary, write_json  # noqa: E402
from bench.load_client import RunResult, StreamlitSession  # noqa: E402
from bench.load_server import (  # noqa: E402
    ProcessMeter,
    Replica,
    run_cli,
    run_python,
    start_replica,
)

PASSWORD = "bench-password-1"  # noqa: S105 (throwaway accounts in a throwaway schema)
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


@dataclass
class Target:
    """Where sessions connect, and the app processes whose CPU and memory count."""

    stream_urls: list[str]
    meters: list[ProcessMeter]
    label: str

    def cpu_seconds(self) -> float:
        return sum(meter.cpu_seconds() for meter in self.meters)

    def rss_mb(self) -> float:
        return sum(meter.rss_mb() for meter in self.meters)


@dataclass
class LevelResult:
    users: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def row(self) -> dict[str, Any]:
        stats = summary(self.latencies) if self.latencies else {"p50": 0.0, "p95": 0.0, "n": 0}
        reruns = len(self.latencies)
        return {
            "users": self.users,
            "reruns": reruns,
            "reruns_per_s": reruns / self.seconds if self.seconds else 0.0,
            "p50_ms": stats["p50"] * 1000,
            "p95_ms": stats["p95"] * 1000,
            "cpu_ms_per_rerun": self.cpu_seconds / reruns * 1000 if reruns else 0.0,
            "errors": self.errors,
        }


class User:
    """One simulated person: a logged-in session and the next thing they click."""

    def __init__(self, session: StreamlitSession, scenario: str) -> None:
        self.session = session
        self.scenario = scenario
        self._lists: Iterator[str] | None = None
        self._step = 0

    async def click(self) -> float:
        self._step += 1
        if self.scenario == "mixed" and self._step % 2 == 0 and self.session.last is not None:
            links = self.session.last.page_links
            if links:
                result = await self.session.rerun(
                    page="Movie", query=links[self._step % len(links)]
                )
                return result.seconds
        return (await self._switch_list()).seconds

    async def _switch_list(self) -> RunResult:
        if (
            "Discover" in self.session.pages
            and self.session.page_hash != self.session.pages["Discover"]
        ):
            await self.session.rerun(page="Discover", query="")
        if self._lists is None:
            self._lists = itertools.cycle(self.session.widget("List").options)
        return await self.session.rerun({"List": [next(self._lists)]})


async def logged_in_user(
    url: str, username: str, scenario: str, stack: contextlib.AsyncExitStack
) -> User:
    session = await stack.enter_async_context(StreamlitSession.connect(url))
    await session.log_in(username, PASSWORD)
    user = User(session, scenario)
    for _ in range(3):  # warm: the lists and pages this session will see
        await user.click()
    return user


async def run_level(target: Target, *, users: int, seconds: float, scenario: str) -> LevelResult:
    result = LevelResult(users=users)
    async with contextlib.AsyncExitStack() as stack:
        people = [
            await logged_in_user(
                target.stream_urls[i % len(target.stream_urls)], f"bench-{i:02d}", scenario, stack
            )
            for i in range(users)
        ]
        cpu_before, started = target.cpu_seconds(), time.perf_counter()
        deadline = started + seconds

        async def loop(user: User) -> None:
            while time.perf_counter() < deadline:
                try:
                    result.latencies.append(await user.click())
                except Exception:  # a failed rerun is counted, and the user keeps clicking
                    result.errors += 1

        await asyncio.gather(*(loop(user) for user in people))
        result.seconds = time.perf_counter() - started
        result.cpu_seconds = target.cpu_seconds() - cpu_before
    return result


async def idle_session_cost(target: Target, *, sessions: int) -> dict[str, float]:
    """Resident memory per idle logged-in session: RSS with `sessions` of them, minus before.
    Measured on a fresh server before any load (after the load, freed memory the allocator
    keeps would hide it), after a few logins have loaded every page module and list."""
    async with contextlib.AsyncExitStack() as stack:
        for i in range(3):
            await logged_in_user(target.stream_urls[0], f"bench-{i:02d}", "mixed", stack)
    await asyncio.sleep(1)
    before = target.rss_mb()
    async with contextlib.AsyncExitStack() as stack:
        for i in range(sessions):
            session = await stack.enter_async_context(
                StreamlitSession.connect(target.stream_urls[i % len(target.stream_urls)])
            )
            await session.log_in(f"bench-{i % 20:02d}", PASSWORD)
        await asyncio.sleep(2)
        after = target.rss_mb()
    return {"sessions": sessions, "rss_before_mb": before, "rss_after_mb": after,
            "kb_per_session": (after - before) * 1000 / sessions}  # fmt: skip


async def soak(target: Target, *, reruns: int, users: int = 5) -> dict[str, Any]:
    """`reruns` Discover reruns over `users` sessions; RSS sampled every 1,000."""
    samples: dict[int, float] = {0: target.rss_mb()}
    done = 0
    async with contextlib.AsyncExitStack() as stack:
        people = [
            await logged_in_user(target.stream_urls[0], f"bench-{i:02d}", "discover", stack)
            for i in range(users)
        ]

        async def loop(user: User) -> None:
            nonlocal done
            while done < reruns:
                await user.click()
                done += 1
                if done % 1000 == 0:
                    samples[done] = target.rss_mb()

        await asyncio.gather(*(loop(user) for user in people))
    first, last = samples.get(1000, samples[0]), samples[max(samples)]
    return {"reruns": done, "rss_mb": samples, "growth_after_1000": (last - first) / first}


def during_training(
    env: dict[str, str], target: Target, args: argparse.Namespace
) -> dict[str, Any]:
    """p95 at `--training` users without, then with, a model training running all the time in
    another process (`recommend --retrain`, the function the worker's training job runs)."""
    users = args.training
    quiet = asyncio.run(
        run_level(target, users=users, seconds=args.seconds, scenario=args.scenario)
    ).row()
    trainings = 0
    stop = threading.Event()

    def keep_training() -> None:
        nonlocal trainings
        while not stop.is_set():
            run_cli(env, "recommend", "--retrain")
            trainings += 1

    trainer = threading.Thread(target=keep_training, daemon=True)
    trainer.start()
    try:
        busy = asyncio.run(
            run_level(target, users=users, seconds=args.seconds, scenario=args.scenario)
        ).row()
    finally:
        stop.set()
        trainer.join()
    ratio = busy["p95_ms"] / quiet["p95_ms"] if quiet["p95_ms"] else 0.0
    columns = ["reruns_per_s", "p50_ms", "p95_ms", "cpu_ms_per_rerun"]
    print_table(
        f"{target.label}: {users} users, a training running in another process",
        ["training", "reruns/s", "p50 ms", "p95 ms", "CPU ms/rerun"],
        [["no", *(quiet[c] for c in columns)], ["yes", *(busy[c] for c in columns)]],
    )
    print(f"p95 with training / without: {ratio:.2f} ({trainings} trainings finished)")
    return {"users": users, "without": quiet, "with": busy, "p95_ratio": ratio,
            "trainings": trainings}  # fmt: skip


def print_levels(label: str, rows: list[dict[str, Any]]) -> None:
    headers = ["users", "reruns", "reruns/s", "p50 ms", "p95 ms", "CPU ms/rerun", "errors"]
    print_table(f"{label}: closed-loop reruns", headers, [list(row.values()) for row in rows])


CREATE_USERS = """
import random, sys
from reelmatch.bootstrap import build_services
services = build_services()
ratings = int(sys.argv[2])
movies = [m.id for page in range(1, 11) for m in services.catalog.popular(page).movies]
chooser = random.Random(7)
for name in sys.argv[3:]:
    user = services.users.create_user(username=name, password=sys.argv[1])
    for movie_id in chooser.sample(movies, min(ratings, len(movies))):
        services.library.rate_movie(user, movie_id, chooser.choice([2.5, 3, 3.5, 4, 4.5, 5]))
services.close()
"""


OTHER_ACCOUNTS = """
import sys
from sqlalchemy import insert
from reelmatch.bootstrap import build_services
from reelmatch.services.passwords import hash_password
from reelmatch.store.models import UserRow
from reelmatch.store.types import utcnow
services = build_services()
digest, now = hash_password(sys.argv[1], rounds=4), utcnow()
rows = [
    {"username": f"other-{i:06d}", "display_name": f"Other {i}", "password_hash": digest,
     "role": "user", "created_at": now}
    for i in range(int(sys.argv[2]))
]
with services.database.unit_of_work() as uow:
    uow.session.execute(insert(UserRow), rows)
    uow.commit()
services.close()
"""


def create_other_accounts(env: dict[str, str], *, count: int) -> None:
    """`count` accounts in one insert, all with one cheap hash: they never log in."""
    run_python(env, OTHER_ACCOUNTS, PASSWORD, str(count))


def create_users(env: dict[str, str], *, count: int, ratings: int) -> None:
    """Accounts bench-00 … with the real bcrypt cost (one process: the CLI would start 20),
    each rating `ratings` popular movies (so a training has data to fit)."""
    run_python(env, CREATE_USERS, PASSWORD, str(ratings), *(f"bench-{i:02d}" for i in range(count)))


@contextlib.contextmanager
def app_environment(args: argparse.Namespace, workdir: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMDB_", "OPENAI_"))}
    env.update(
        REELMATCH_DATA_DIR=str(workdir / "var"),
        REELMATCH_SECRETS_FILE=str(workdir / "none.toml"),
        REELMATCH_COOKIE_KEY="bench-cookie-key-" + "x" * 32,
        REELMATCH_LOG_LEVEL="WARNING",
    )
    if not args.no_redis:
        env.update(
            REDIS_URL=args.redis_url, REELMATCH_CACHE_PREFIX=f"rm:bench:{uuid.uuid4().hex[:8]}:"
        )
    with contextlib.ExitStack() as stack:
        if args.sqlite:
            env["DATABASE_URL"] = f"sqlite:///{workdir / 'var' / 'bench.db'}"
        else:
            env["DATABASE_URL"] = stack.enter_context(postgres_schema(args.database_url))
        if args.catalog == "fake-tmdb":
            from tests.support.fake_tmdb import API_KEY, FakeTmdb

            tmdb = stack.enter_context(FakeTmdb())
            env.update(TMDB_API_KEY=API_KEY, TMDB_API_BASE=tmdb.base_url)
        (workdir / "var").mkdir(parents=True, exist_ok=True)
        run_cli(env, "db", "upgrade")
        create_users(env, count=max(20, *args.users), ratings=150 if args.training else 0)
        if args.accounts:
            create_other_accounts(env, count=args.accounts)
        yield env


@contextlib.contextmanager
def targets(
    env: dict[str, str], replicas: int, workdir: Path, *, via_proxy: bool = False
) -> Iterator[Target]:
    if replicas == 1 and not via_proxy:
        replica: Replica = start_replica(env, log=workdir / "replica-1.log")
        try:
            asyncio.run(_first_runs(replica.stream_url))
            yield Target([replica.stream_url], [replica.meter], "1 replica")
        finally:
            replica.stop()
        return
    from deploy.cluster import running_cluster

    with running_cluster(
        env, replicas=replicas, run_dir=workdir / f"cluster-{replicas}"
    ) as cluster:
        proxied = cluster.url.replace("http://", "ws://") + "/_stcore/stream"
        for member in cluster.replicas:
            asyncio.run(_first_runs(f"ws://127.0.0.1:{member.port}/_stcore/stream"))
        meters = [ProcessMeter(member.pid) for member in cluster.replicas]
        label = f"{replicas} replica{'s' if replicas > 1 else ''} behind HAProxy"
        yield Target([proxied], meters, label)


async def _first_runs(url: str) -> None:
    """A fresh server's first runs switch its routing mode; no measured session sees them."""
    async with StreamlitSession.connect(url) as session:
        await session.rerun()
        await session.rerun()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--users", type=lambda s: [int(x) for x in s.split(",")], default=[1, 5, 10, 20]
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--scenario", choices=["discover", "mixed"], default="discover")
    parser.add_argument("--replicas", type=lambda s: [int(x) for x in s.split(",")], default=[1])
    parser.add_argument("--idle-sessions", type=int, default=40)
    parser.add_argument("--soak", type=int, default=0, help="reruns in the soak (0: no soak)")
    parser.add_argument(
        "--training", type=int, default=0, metavar="USERS",
        help="compare p95 at USERS sessions without and with a training running (0: skip)",
    )  # fmt: skip
    parser.add_argument(
        "--accounts", type=int, default=0, help="accounts besides the sessions' (never online)"
    )
    parser.add_argument("--catalog", choices=["fake-tmdb", "offline"], default="fake-tmdb")
    parser.add_argument(
        "--database-url", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--redis-url", default=os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--no-redis", action="store_true", help="in-process cache only")
    parser.add_argument(
        "--via-proxy", action="store_true", help="one replica behind HAProxy too (like for like)"
    )
    parser.add_argument("--name", default="load", help="results file: bench/results/NAME.json")
    return parser.parse_args()  # fmt: skip


def main() -> None:
    args = parse_args()
    report: dict[str, Any] = {
        "config": {k: v for k, v in vars(args).items() if k != "database_url"}
    }
    with (
        tempfile.TemporaryDirectory(prefix="rm-load-") as tmp,
        app_environment(args, Path(tmp)) as env,
    ):
        for replicas in args.replicas:
            with targets(env, replicas, Path(tmp), via_proxy=args.via_proxy) as target:
                entry: dict[str, Any] = {}
                if args.idle_sessions:
                    entry["idle"] = asyncio.run(
                        idle_session_cost(target, sessions=args.idle_sessions)
                    )
                rows = [
                    asyncio.run(
                        run_level(target, users=n, seconds=args.seconds, scenario=args.scenario)
                    ).row()
                    for n in args.users
                ]
                print_levels(f"{target.label} ({args.scenario})", rows)
                entry["levels"] = rows
                if args.idle_sessions:
                    print(f"idle logged-in session: {entry['idle']['kb_per_session']:.0f} KB "
                          f"({args.idle_sessions} sessions)")  # fmt: skip
                if args.training:
                    entry["training"] = during_training(env, target, args)
                if args.soak:
                    entry["soak"] = asyncio.run(soak(target, reruns=args.soak))
                    print(f"soak: RSS {entry['soak']['rss_mb']} MB; growth after 1,000 reruns: "
                          f"{entry['soak']['growth_after_1000']:.1%}")  # fmt: skip
                report[target.label] = entry
    write_json(args.name, report)


if __name__ == "__main__":
    main()
