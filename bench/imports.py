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
On live TMDB the import is wired as the app wires it: the bundled snapshot answers the titles
it knows for certain and only the rest are TMDB searches (one request each, at most
TMDB_RATE_LIMIT a second). `--refresh N` then times the metadata refresher on N of the
snapshot-matched movies at the app's pace (a quarter of TMDB_RATE_LIMIT).
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import print_table, write_json
from reelmatch.bootstrap import build_catalog, build_services
from reelmatch.catalog import Catalog
from reelmatch.catalog.offline import OfflineCatalog, bundled_snapshot
from reelmatch.config import load_settings
from reelmatch.domain import Movie, User
from reelmatch.events import DiscardEvents
from reelmatch.services.imports import ImportService, UploadedFile
from reelmatch.services.metadata_refresh import MetadataRefresher
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


def run_once(
    catalog: Catalog, upload: UploadedFile, *, requests: Callable[[], int], refresh: int
) -> dict[str, Any]:
    """One import on a fresh database; `requests()` counts TMDB requests so far."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        database = Database.from_url(url)
        user = UserService(database.unit_of_work, bcrypt_rounds=4).create_user(
            username="bench",
            password="benchmark-password",  # noqa: S106 - a throwaway account in a temp database
        )
        live = catalog.mode == "tmdb"
        imports = ImportService(
            database.unit_of_work,
            catalog=catalog,
            events=DiscardEvents(),
            snapshot=bundled_snapshot if live else None,  # as reelmatch.bootstrap wires it
        )
        before = requests()
        timings = _timed_import(imports, user, upload)
        timings["tmdb_requests"] = requests() - before
        started = time.perf_counter()
        again = imports.apply(user, imports.preview(user, "letterboxd", [upload]))
        timings["reimport_s"] = time.perf_counter() - started
        timings["reimport_changes"] = again.rated + again.watchlisted + again.diary_entries
        wired = build_services(load_settings(), catalog=catalog, events=DiscardEvents())
        refresher = wired.metadata  # paced as the app paces it
        timings["refresh_due"] = refresher.pending() if live else 0
        if live and refresh:
            timings.update(_timed_refresh(refresher, limit=refresh))
        wired.close()
        database.dispose()
    return timings


def _timed_refresh(refresher: MetadataRefresher, *, limit: int) -> dict[str, Any]:
    started = time.perf_counter()
    report = refresher.refresh(limit=limit)
    elapsed = time.perf_counter() - started
    return {"refresh_s": elapsed, "refreshed": report.refreshed, "refresh_error": report.error}


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
    parser.add_argument("--refresh", type=int, default=0, metavar="N")
    args = parser.parse_args()
    requests: Callable[[], int] = lambda: 0  # noqa: E731 - unknown without the fake
    if args.fake_tmdb:
        from tests.support.fake_tmdb import API_KEY, FakeTmdb

        fake = FakeTmdb().start()
        os.environ.update(TMDB_API_KEY=API_KEY, TMDB_API_BASE=fake.base_url)
        args.catalog_from_settings = True
        requests = fake.requests
    started = time.perf_counter()
    snapshot = bundled_snapshot()  # what the first live import of a process loads
    snapshot.search("warm up the title index")
    snapshot_load_s = time.perf_counter() - started
    data = generate_ratings_csv(snapshot, rows=args.rows, unmatched=args.unmatched)
    upload = UploadedFile("ratings.csv", data)

    def fresh_catalog() -> Catalog:
        return build_catalog(load_settings()) if args.catalog_from_settings else snapshot

    runs = [
        run_once(fresh_catalog(), upload, requests=requests, refresh=args.refresh)
        for _ in range(args.runs)
    ]
    _report(args, fresh_catalog().mode, runs, snapshot_load_s=snapshot_load_s)


def _report(
    args: argparse.Namespace, mode: str, runs: list[dict[str, Any]], *, snapshot_load_s: float
) -> None:
    median = sorted(runs, key=lambda r: r["total_s"])[len(runs) // 2]
    rate = load_settings().tmdb_rate_limit
    rows: list[tuple[str, Any]] = [
        ("parse", median["parse_s"]),
        ("match (snapshot first, then TMDB)" if mode == "tmdb" else "match", median["match_s"]),
        ("apply (one transaction)", median["apply_s"]),
        ("total: parse + match + apply", median["total_s"]),
        ("re-import (no changes)", median["reimport_s"]),
    ]
    if mode == "tmdb":
        rows.append(("snapshot load (first import of a process)", snapshot_load_s))
    if "refresh_s" in median:
        rows.append((f"metadata refresh of {median['refreshed']} movies", median["refresh_s"]))
    print_table(
        f"Letterboxd import, {args.rows} rows ({args.unmatched} unmatchable), SQLite, "
        f"{mode} catalog (rate limit {rate:g}/s), median of {args.runs} runs (s)",
        ["phase", "seconds"],
        rows,
    )
    met = "yes" if median["total_s"] < TARGET_S else "NO"
    print(f"\nmatched {median['matched']}, unmatched {median['unmatched']}, rated "
          f"{median['rated']}; re-import changed {median['reimport_changes']}; "
          f"TMDB requests {median['tmdb_requests']}; movies due a metadata refresh "
          f"{median['refresh_due']}; target < {TARGET_S:g} s: {met}")  # fmt: skip
    write_json("imports", {"rows": args.rows, "unmatched_rows": args.unmatched,
                           "rate_limit": rate, "catalog": mode,
                           "snapshot_load_s": snapshot_load_s,
                           "target_s": TARGET_S, "median": median, "runs": runs})  # fmt: skip


if __name__ == "__main__":
    main()
