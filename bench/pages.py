"""Page benchmark: server-side render time of each page with AppTest, on live TMDB (the fake).

    .venv/bin/python bench/pages.py [--runs 20] [--library 1000]

Starts the loopback fake TMDB (tests/support/fake_tmdb.py), points the app at it, logs a user in
by session state and times warm reruns of every page (p50/p95 over `--runs`). The user has
`--library` rated movies, so Library shows a full table. Targets (issue 4): every page p95 under
300 ms warm; Library under 100 ms with 1,000 rated movies.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from bench.common import print_table, summary, timed_ms, write_json  # noqa: E402
from reelmatch.bootstrap import build_services  # noqa: E402
from reelmatch.catalog.offline import OfflineCatalog  # noqa: E402
from reelmatch.config import load_settings  # noqa: E402
from reelmatch.domain import User  # noqa: E402
from reelmatch.store.migrate import upgrade  # noqa: E402
from reelmatch.ui.shell import PAGES  # noqa: E402
from tests.support.apptest import app_as  # noqa: E402
from tests.support.fake_tmdb import API_KEY, FakeTmdb  # noqa: E402

TARGET_MS = {"library": 100.0}
DEFAULT_TARGET_MS = 300.0
#: page (URL path), query parameters, and what to type into the first text box (if anything)
SCENARIOS: list[tuple[str, dict[str, str], str | None]] = [
    ("discover", {}, None),
    ("search", {}, "godfather"),
    ("movie", {"id": "550"}, None),
    ("library", {}, None),
    ("recommendations", {}, None),
    ("my_stats", {}, None),
    ("settings", {}, None),
    ("analytics", {}, None),
    ("status", {}, None),
]


def seed_user(library_size: int) -> User:
    services = build_services(load_settings(), catalog=OfflineCatalog(), bcrypt_rounds=4)
    user = services.users.create_user(  # an admin, so Analytics and Status are timed too
        username="bencher",
        password="bench-password",  # noqa: S106
        role="admin",
    )
    movie_ids = random.Random(3).sample(
        sorted(m.id for m in services.catalog.popular(1).movies) + _all_ids(services.catalog),
        library_size,
    )
    for n, movie_id in enumerate(movie_ids):
        services.library.rate_movie(user, movie_id, 0.5 * (1 + n % 10))
    services.close()
    return user


def _all_ids(catalog: Any) -> list[int]:
    ids: set[int] = set()
    for page in range(1, 250):
        found = catalog.popular(page).movies
        if not found:
            break
        ids.update(m.id for m in found)
    return sorted(ids)


def app_for(user: User, page: str, query: dict[str, str], typed: str | None) -> AppTest:
    route = next(route for route, _ in PAGES if route.url_path == page)
    at = app_as(user, page=route, **query)
    if typed is not None:
        at.text_input[0].input(typed).run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    return at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--library", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FakeTmdb() as fake:
        url = f"sqlite:///{folder}/bench.db"
        os.environ.update(
            DATABASE_URL=url,
            REELMATCH_DATA_DIR=folder,
            TMDB_API_KEY=API_KEY,
            TMDB_API_BASE=fake.base_url,
            REELMATCH_SECRETS_FILE=f"{folder}/none.toml",
        )
        upgrade(url)
        user = seed_user(args.library)
        results: dict[str, Any] = {}
        for page, query, typed in SCENARIOS:
            at = app_for(user, page, query, typed)
            at.run()  # warm
            results[page] = summary(timed_ms(at.run, repeat=args.runs))
        upstream = fake.requests()
    rows = []
    for page, stats in results.items():
        target = TARGET_MS.get(page, DEFAULT_TARGET_MS)
        rows.append(
            (
                page,
                stats["p50"],
                stats["p95"],
                f"< {target:g}",
                "yes" if stats["p95"] < target else "NO",
            )
        )
    print_table(
        f"Pages: warm AppTest reruns on live TMDB (fake), {args.runs} runs, "
        f"{args.library} rated movies (ms)",
        ["page", "p50", "p95", "target p95", "met"],
        rows,
    )
    print(f"upstream TMDB requests during the whole benchmark: {upstream}")
    write_json(
        "pages",
        {
            "runs": args.runs,
            "library_size": args.library,
            "results": results,
            "upstream_requests": upstream,
        },
    )


if __name__ == "__main__":
    main()
