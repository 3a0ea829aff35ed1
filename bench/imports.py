"""Import benchmark: a generated 2,000-row Letterboxd `ratings.csv`, end to end on SQLite.

    .venv/bin/python bench/imports.py [--rows 2000] [--unmatched 20] [--runs 3]

Titles (with their years) are drawn from the offline catalog, plus a few invented ones that
match nothing. Each run uses a fresh database and times parse, match (title + year search for
every row: Letterboxd exports carry no ids), apply (one transaction) and an idempotent
re-import of the same file. Target (issue 4): the whole import under 10 s.

`--catalog-from-settings` matches through the catalog the app would build from the
environment (e.g. TMDB_API_BASE pointing at the fake TMDB server, plus a key) instead of the
offline snapshot; titles are still drawn from the snapshot. `--fake-tmdb` starts the loopback
fake TMDB (tests/support/fake_tmdb.py) and does exactly that, with a cold cache for every run.
Every distinct title is one TMDB search, so TMDB_RATE_LIMIT (default 40/s) sets a floor:
2,000 titles cannot take less than 50 s at 40 requests per second.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_table, write_json
from reelmatch.bootstrap import build_catalog
from reelmatch.catalog import Catalog
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import load_settings
from reelmatch.domain import Movie, User
from reelmatch.events import DiscardEvents
from reelmatch.services.imports import ImportService, UploadedFile
from reelmatch.services.users import UserService
from reelmatch.store.database import Database
from reelmatch.store.migrate import upgrade

TARGET_S = 10.0


def generate_ratings_csv(catalog: OfflineCatalog, *, rows: int, unmatched: int) -> bytes:
    """A Letterboxd ratings.csv: Date, Name, Year, Letterboxd URI, Rating."""
    rng = random.Random(7)
    movies = _all_movies(catalog)
    chosen = rng.sample(movies, rows - unmatched)
    films = [(m.title, m.year) for m in chosen]
    films += [(f"Unreleased Film Number {n}", 2030) for n in range(unmatched)]
    rng.shuffle(films)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Date", "Name", "Year", "Letterboxd URI", "Rating"])
    for n, (title, year) in enumerate(films):
        stars = rng.randint(1, 10) / 2
        writer.writerow([f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}", title, year or "",
                         f"https://boxd.it/{n:x}", f"{stars:g}"])  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def _all_movies(catalog: OfflineCatalog) -> list[Movie]:
    movies: list[Movie] = []
    page = 1
    while True:
        listed = catalog.popular(page)
        movies += listed.movies
        if page >= listed.total_pages:
            return movies
        page += 1


def run_once(catalog: Catalog, upload: UploadedFile) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        database = Database.from_url(url)
        user = UserService(database, bcrypt_rounds=4).create_user(
            username="bench",
            password="benchmark-password",  # noqa: S106 - a throwaway account in a temp database
        )
        imports = ImportService(database, catalog=catalog, events=DiscardEvents())
        timings = _timed_import(imports, user, upload)
        started = time.perf_counter()
        again = imports.apply(user, imports.preview(user, "letterboxd", [upload]))
        timings["reimport_s"] = time.perf_counter() - started
        timings["reimport_changes"] = again.rated + again.watchlisted + again.diary_entries
        database.dispose()
    return timings


def _timed_import(imports: ImportService, user: User, upload: UploadedFile) -> dict[str, Any]:
    started = time.perf_counter()
    parsed = imports.parse("letterboxd", [upload])
    parsed_at = time.perf_counter()
    preview = imports.preview(user, "letterboxd", [upload])
    previewed_at = time.perf_counter()
    result = imports.apply(user, preview)
    applied_at = time.perf_counter()
    parse_s = parsed_at - started
    return {
        "parse_s": parse_s,
        "match_s": previewed_at - parsed_at - parse_s,  # the preview parses again
        "apply_s": applied_at - previewed_at,
        "total_s": applied_at - parsed_at,  # preview (parse + match) + apply
        "rows": len(parsed.rows),
        "matched": len(preview.matched),
        "unmatched": result.unmatched,
        "rated": result.rated,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--unmatched", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--catalog-from-settings", action="store_true")
    parser.add_argument("--fake-tmdb", action="store_true")
    args = parser.parse_args()
    if args.fake_tmdb:
        from tests.support.fake_tmdb import API_KEY, FakeTmdb

        fake = FakeTmdb().start()
        os.environ.update(TMDB_API_KEY=API_KEY, TMDB_API_BASE=fake.base_url)
        args.catalog_from_settings = True
    snapshot = OfflineCatalog()
    snapshot.search("warm up the title index")
    data = generate_ratings_csv(snapshot, rows=args.rows, unmatched=args.unmatched)
    upload = UploadedFile("ratings.csv", data)

    def fresh_catalog() -> Catalog:
        return build_catalog(load_settings()) if args.catalog_from_settings else snapshot

    runs = [run_once(fresh_catalog(), upload) for _ in range(args.runs)]
    catalog = fresh_catalog()
    median = sorted(runs, key=lambda r: r["total_s"])[len(runs) // 2]
    print_table(
        f"Letterboxd import, {args.rows} rows ({args.unmatched} unmatchable), SQLite, "
        f"{catalog.mode} catalog (rate limit {load_settings().tmdb_rate_limit:g}/s), "
        f"median of {args.runs} runs (s)",
        ["phase", "seconds"],
        [
            ("parse", median["parse_s"]),
            ("match (title + year search)", median["match_s"]),
            ("apply (one transaction)", median["apply_s"]),
            ("total: parse + match + apply", median["total_s"]),
            ("re-import (no changes)", median["reimport_s"]),
        ],
    )
    met = "yes" if median["total_s"] < TARGET_S else "NO"
    print(f"\nmatched {median['matched']}, unmatched {median['unmatched']}, rated "
          f"{median['rated']}; re-import changed {median['reimport_changes']}; "
          f"target < {TARGET_S:g} s: {met}")  # fmt: skip
    write_json("imports", {"rows": args.rows, "unmatched_rows": args.unmatched,
                           "rate_limit": load_settings().tmdb_rate_limit,
                           "catalog": catalog.mode,
                           "target_s": TARGET_S, "median": median, "runs": runs})  # fmt: skip


if __name__ == "__main__":
    main()
