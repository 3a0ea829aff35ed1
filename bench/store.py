"""Store benchmark: `rate_movie` and `library(user)` on SQLite and PostgreSQL.

    .venv/bin/python bench/store.py [--users 1000] [--ratings 100] [--skip-postgres]

Seeds USERS users with RATINGS ratings each (plus one heavy user with 1,000 rows), then times
`rate_movie` (through the service, write-through included) and `library()` for the heavy user.
Targets: rate_movie p95 < 5 ms on SQLite and < 10 ms on PostgreSQL; library() for 1,000 rows
p95 < 15 ms on SQLite and < 20 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bench.common import database, print_table, summary, timed_ms, write_json
from reelmatch.bootstrap import build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import load_settings
from reelmatch.services.passwords import hash_password
from reelmatch.store.migrate import upgrade
from reelmatch.store.models import UserMovieRow, UserRow
from reelmatch.store.types import utcnow

HEAVY_ROWS = 1000
TARGETS = {"sqlite": 5.0, "postgresql": 10.0}
LIBRARY_TARGETS = {"sqlite": 15.0, "postgresql": 20.0}


def seed(url: str, catalog: OfflineCatalog, *, users: int, ratings: int) -> dict[str, Any]:
    services = build_services(load_settings(DATABASE_URL=url), catalog=catalog, bcrypt_rounds=4)
    movie_ids = sorted(m.id for m in catalog.movies(list(catalog._movies)))
    rng = random.Random(7)
    password_hash = hash_password("benchmark-password", rounds=4)
    now = utcnow()
    with services.database.unit_of_work() as uow:
        uow.movies.upsert_many(catalog.movies(movie_ids))
        uow.session.add_all(
            UserRow(
                username=f"user{i:05d}",
                display_name=f"User {i}",
                password_hash=password_hash,
                role="user",
                created_at=now,
            )
            for i in range(users + 1)
        )
        uow.session.flush()
        rows = []
        for user_id in range(1, users + 2):
            count = HEAVY_ROWS if user_id == users + 1 else ratings
            for movie_id in rng.sample(movie_ids, count):
                rows.append(
                    {
                        "user_id": user_id,
                        "movie_id": movie_id,
                        "rating": rng.randint(1, 10) / 2,
                        "on_watchlist": rng.random() < 0.1,
                        "added_at": now,
                        "updated_at": now,
                        "rated_at": now,
                    }
                )
        uow.session.execute(insert(UserMovieRow), rows)
        uow.commit()
    services.close()
    return {"movie_ids": movie_ids, "heavy_user": f"user{users:05d}", "users": users}


def measure(url: str, catalog: OfflineCatalog, seeded: dict[str, Any]) -> dict[str, Any]:
    services = build_services(load_settings(DATABASE_URL=url), catalog=catalog, bcrypt_rounds=4)
    rng = random.Random(11)
    users = [services.users.get_user(f"user{i:05d}") for i in range(min(200, seeded["users"]))]
    heavy = services.users.get_user(seeded["heavy_user"])

    def rate() -> None:
        services.library.rate_movie(
            rng.choice(users), rng.choice(seeded["movie_ids"]), rng.randint(1, 10) / 2
        )

    timed_ms(rate, repeat=50)  # warm-up
    rate_ms = summary(timed_ms(rate, repeat=500))
    library_ms = summary(timed_ms(lambda: services.library.library(heavy), repeat=50))
    rows = len(services.library.library(heavy).ratings)
    services.close()
    return {"rate_movie_ms": rate_ms, "library_ms": library_ms, "heavy_user_ratings": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--ratings", type=int, default=100)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    catalog = OfflineCatalog()
    results: dict[str, Any] = {}
    for kind in ["sqlite"] + ([] if args.skip_postgres else ["postgresql"]):
        with database(kind) as url:
            upgrade(url)
            seeded = seed(url, catalog, users=args.users, ratings=args.ratings)
            results[kind] = measure(url, catalog, seeded)
    rows = []
    for kind, result in results.items():
        rate, library = result["rate_movie_ms"], result["library_ms"]
        rows.append(
            (
                kind,
                "rate_movie",
                rate["p50"],
                rate["p95"],
                f"< {TARGETS[kind]:g}",
                "yes" if rate["p95"] < TARGETS[kind] else "NO",
            )
        )
        rows.append(
            (
                kind,
                f"library ({result['heavy_user_ratings']} ratings)",
                library["p50"],
                library["p95"],
                f"< {LIBRARY_TARGETS[kind]:g}",
                "yes" if library["p95"] < LIBRARY_TARGETS[kind] else "NO",
            )
        )
    print_table(
        f"Store: {args.users} users x {args.ratings} ratings (ms)",
        ["database", "operation", "p50", "p95", "target p95", "met"],
        rows,
    )
    write_json("store", {"users": args.users, "ratings_per_user": args.ratings, "results": results})


if __name__ == "__main__":
    main()
