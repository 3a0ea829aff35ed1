"""Recommendations through the service, as the app and `recommend --all-users` run them.

    .venv/bin/python bench/recommend_service.py [--database sqlite|postgres] [--redis URL]
                                                [--sample N] [--workers N]

Loads MovieLens ml-latest-small (610 users, ~100k ratings; research use only, into a temporary
database that is deleted afterwards) through `bench/movielens_db.py`, trains the local model
with `recommend --retrain`'s code, then measures:
- per-user `recommend()` latency on a cache miss (state read, fingerprint, scoring, the run and
  its items written, shown events queued) and on a cache hit, for a sample of users;
- AI lists after a restart (`bench/ai_restart.py`): paid once from the loopback fake OpenAI,
  then asked again by a new process with an empty in-process cache (served from the stored
  runs: 0 OpenAI requests);
- `precompute_all` for every user in-process, and `python -m reelmatch recommend --all-users`
  as a separate process (start-up and model loading included); with `--redis`, a second run
  of the command, which resumes (skips every cached user).
Targets: miss p95 < 50 ms (excluding AI); all users < 30 s; a warm AI list after a restart
p95 < 20 ms with 0 OpenAI requests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ai_restart import ai_after_restart
from bench.common import (
    MOVIELENS_SMALL,
    TMDB_5000_CSV,
    postgres_schema,
    print_table,
    summary,
    write_json,
)
from bench.movielens_db import load_movielens_users
from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import load_settings
from reelmatch.services.recommendations import precompute_all
from reelmatch.store.migrate import upgrade
from reelmatch.store.models import RecommendationItemRow, RecommendationRunRow

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TARGETS = {"miss_p95_ms": 50.0, "all_users_seconds": 30.0, "ai_restart_p95_ms": 20.0}


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="rm-bench-") as folder, database(args, folder) as url:
        env = environment(url, folder, redis=args.redis)
        started = time.perf_counter()
        loaded = load_movielens_users(url, args.data.resolve(), tmdb_csv=args.tmdb.resolve())
        print(f"loaded {loaded} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        services = build(env)
        try:
            info = services.recommendations.retrain()
            latency = per_user(services, sample=args.sample)
        finally:
            services.close()
        ai = ai_after_restart(build, env, sample=args.ai_sample)
        batch = in_process_batch(env, workers=args.workers)
        commands = cli_runs(env, workers=args.workers, resume=bool(args.redis))
    report(
        args, loaded=loaded, train=info.seconds, latency=latency, ai=ai, batch=batch, cli=commands
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=MOVIELENS_SMALL, help="see bench/common.py")
    parser.add_argument("--tmdb", type=Path, default=TMDB_5000_CSV)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--redis", default=None, help="Redis URL (a unique key prefix is used)")
    parser.add_argument("--sample", type=int, default=200, help="users timed one by one")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--ai-sample", type=int, default=50, help="users in the AI restart run")
    return parser.parse_args()


@contextmanager
def database(args: argparse.Namespace, folder: str) -> Iterator[str]:
    if args.database == "postgres":
        with postgres_schema(args.postgres_url) as url:
            upgrade(url)
            yield url
        return
    url = f"sqlite:///{folder}/bench.db"
    upgrade(url)
    yield url


def environment(url: str, folder: str, *, redis: str | None) -> dict[str, str]:
    env = {"DATABASE_URL": url, "REELMATCH_DATA_DIR": f"{folder}/var"}
    if redis:
        env |= {"REDIS_URL": redis, "REELMATCH_CACHE_PREFIX": f"rm:bench-{uuid.uuid4().hex[:8]}:"}
    return env


def build(env: dict[str, str]) -> Services:
    return build_services(load_settings(**env), catalog=OfflineCatalog(), bcrypt_rounds=4)


def per_user(services: Services, *, sample: int) -> dict[str, dict[str, float]]:
    users = services.users.list_users()
    step = max(1, len(users) // max(1, sample))
    chosen = users[::step][:sample]
    recs = services.recommendations
    recs.recommend(chosen[0], k=10)  # warm-up (first query plans, lazy imports)
    misses, hits = [], []
    for user in chosen[1:]:
        started = time.perf_counter()
        first = recs.recommend(user, k=10)
        misses.append((time.perf_counter() - started) * 1000)
        assert not first.from_cache
        started = time.perf_counter()
        again = recs.recommend(user, k=10)
        hits.append((time.perf_counter() - started) * 1000)
        assert again.from_cache
    return {"miss": summary(misses), "hit": summary(hits)}


def in_process_batch(env: dict[str, str], *, workers: int) -> dict[str, Any]:
    forget_stored_lists(env["DATABASE_URL"])
    fresh = {**env}
    if "REELMATCH_CACHE_PREFIX" in fresh:  # not the entries the per-user runs left
        fresh["REELMATCH_CACHE_PREFIX"] = f"rm:bench-{uuid.uuid4().hex[:8]}:"
    services = build(fresh)
    try:
        users = services.users.list_users()
        report = precompute_all(services.recommendations, users, workers=workers)
    finally:
        services.close()
    return {"users": report.users, "computed": report.computed, "seconds": report.seconds}


def forget_stored_lists(url: str) -> None:
    """Lists outlive processes in `recommendation_runs`: drop them so a batch computes all."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(delete(RecommendationItemRow))
        connection.execute(delete(RecommendationRunRow))
    engine.dispose()


def cli_runs(env: dict[str, str], *, workers: int, resume: bool) -> list[dict[str, Any]]:
    forget_stored_lists(env["DATABASE_URL"])
    if "REELMATCH_CACHE_PREFIX" in env:
        env = {**env, "REELMATCH_CACHE_PREFIX": f"rm:bench-{uuid.uuid4().hex[:8]}:"}
    runs = [cli_all_users(env, workers=workers)]
    if resume:
        runs.append(cli_all_users(env, workers=workers))
    return runs


def cli_all_users(env: dict[str, str], *, workers: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "reelmatch", "recommend", "--all-users", "--json"]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--workers", str(workers)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    return {**json.loads(done.stdout), "wall_seconds": round(seconds, 2)}


def report(
    args: argparse.Namespace,
    *,
    loaded: Any,
    train: float,
    latency: dict[str, dict[str, float]],
    ai: dict[str, Any],
    batch: dict[str, Any],
    cli: list[dict[str, Any]],
) -> None:
    setting = f"{args.database}, {'Redis' if args.redis else 'in-process cache'}"
    print_table(
        f"recommend() through the service ({setting}; k=10, {latency['miss']['n']} users)",
        ["call", "p50 ms", "p95 ms"],
        [[name, s["p50"], s["p95"]] for name, s in latency.items()],
    )
    print_table(
        f"AI lists after a restart ({ai['users']} users; {ai['paid_requests']} paid requests)",
        ["call", "p50 ms", "p95 ms", "OpenAI requests"],
        [["recommend(engine='ai'), new process", ai["latency_ms"]["p50"],
          ai["latency_ms"]["p95"], ai["requests_after_restart"]]],
    )  # fmt: skip
    print_table(
        f"All users ({args.workers} workers; model trained in {train:.1f} s)",
        ["what", "users", "computed", "skipped", "seconds"],
        batch_rows(batch, cli),
    )
    checks = [
        ["miss p95 ms", latency["miss"]["p95"], TARGETS["miss_p95_ms"]],
        ["recommend --all-users s", cli[0]["wall_seconds"], TARGETS["all_users_seconds"]],
        ["AI list after restart p95 ms", ai["latency_ms"]["p95"], TARGETS["ai_restart_p95_ms"]],
        ["OpenAI requests after restart", ai["requests_after_restart"], 1],
    ]
    print_table(
        "Targets", ["measure", "value", "target", "met"], [[*c, c[1] < c[2]] for c in checks]
    )
    write_json(
        f"recommend_service_{args.database}{'_redis' if args.redis else ''}",
        {
            "data": {"users": loaded.users, "movies": loaded.movies, "ratings": loaded.ratings},
            "train_seconds": train,
            "latency_ms": latency,
            "ai_after_restart": ai,
            "batch_in_process": batch,
            "cli_all_users": cli,
            "targets": {c[0]: {"value": c[1], "target": c[2], "met": c[1] < c[2]} for c in checks},
        },
    )


def batch_rows(batch: dict[str, Any], cli: list[dict[str, Any]]) -> list[list[Any]]:
    rows = [["precompute_all (in process)", batch["users"], batch["computed"], 0, batch["seconds"]]]
    for number, run in enumerate(cli, start=1):
        rows.append(
            [f"recommend --all-users, run {number}", run["users"], run["computed"],
             run["skipped"], run["wall_seconds"]]
        )  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
