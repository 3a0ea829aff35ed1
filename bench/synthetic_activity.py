"""SYNTHETIC activity for benchmarks ONLY: random users, events, ratings, diary entries and
recommendation runs with plausible shapes. None of it is real usage data; never load it into
a database people use.

`load(url, ...)` fills a migrated, empty database: SQLite through executemany on the raw
driver connection, PostgreSQL through COPY.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.store.database import Database

#: (kind, share of events): roughly what a busy week of the app produces.
EVENT_MIX = (
    ("page_view", 0.35),
    ("api_call", 0.35),
    ("search", 0.08),
    ("rating_set", 0.06),
    ("login", 0.04),
    ("watchlist_add", 0.03),
    ("recommendation_shown", 0.03),
    ("watch_logged", 0.02),
    ("recommendation_clicked", 0.01),
    ("ai_usage", 0.01),
    ("recommendation_feedback", 0.01),
    ("error", 0.005),
    ("rating_cleared", 0.005),
)
PAGES = ("Home", "Discover", "Movie", "Library", "Recommendations", "My stats", "Analytics")
#: (service, endpoint, cache kind) of the synthetic `api_call` events.
ENDPOINTS = (
    ("tmdb", "/movie/{id}", "movie"),
    ("tmdb", "/search/movie", "search"),
    ("tmdb", "/discover/movie", "list"),
    ("tmdb", "/movie/popular", "list"),
    ("tmdb", "/trending/movie/{window}", "list"),
    ("openai", "/chat/completions", None),
)
EVENT_COLUMNS = (
    "ts", "user_id", "kind", "subject", "service", "status", "cache", "cache_kind", "movie_id",
    "tokens", "cost_usd", "properties", "duration_ms",
)  # fmt: skip


@dataclass(frozen=True)
class Sizes:
    users: int = 10_000
    events: int = 1_000_000
    ratings: int = 200_000
    watches: int = 50_000
    runs: int = 10_000
    items_per_run: int = 10
    days: int = 365


def _ts(now: datetime, seconds_ago: float) -> datetime:
    return now - timedelta(seconds=float(seconds_ago))


def event_rows(
    sizes: Sizes, movie_ids: Sequence[int], *, now: datetime, seed: int = 1
) -> Iterator[tuple[Any, ...]]:
    rng = np.random.default_rng(seed)
    n = sizes.events
    kinds = rng.choice([k for k, _ in EVENT_MIX], size=n, p=_shares())
    # Oldest first, as the recorder appends them: ids grow with time, as in a real table.
    ages = np.sort(rng.uniform(0, sizes.days * 86400, n))[::-1]
    users = rng.integers(1, sizes.users + 1, n)
    anonymous = rng.random(n) < 0.15
    movies = rng.integers(0, 4803, n)
    duration = rng.lognormal(4.5, 0.8, n)
    endpoint = rng.integers(0, len(ENDPOINTS), n)
    cache = rng.choice(["hit", "miss", "stale"], size=n, p=[0.7, 0.27, 0.03])
    status = rng.choice([200, 404, 429, 500, 0], size=n, p=[0.95, 0.02, 0.015, 0.01, 0.005])
    page = rng.integers(0, len(PAGES), n)
    for i in range(n):
        yield _event(
            str(kinds[i]),
            ts=_ts(now, ages[i]),
            user=None if anonymous[i] else int(users[i]),
            movie=movie_ids[movies[i]],
            duration=float(duration[i]),
            endpoint=ENDPOINTS[endpoint[i]],
            cache=str(cache[i]),
            status=int(status[i]),
            page=PAGES[page[i]],
        )


def _shares() -> list[float]:
    shares = [share for _, share in EVENT_MIX]
    total = sum(shares)
    return [share / total for share in shares]


def _event(kind: str, **v: Any) -> tuple[Any, ...]:
    subject = service = status = cache = cache_kind = movie = tokens = cost = duration = None
    properties = "{}"
    if kind == "page_view":
        subject, duration = v["page"], v["duration"]
    elif kind == "api_call":
        service, subject, cache_kind = v["endpoint"]
        status, duration = v["status"], v["duration"]
        cache = None if service == "openai" else v["cache"]
    elif kind == "ai_usage":
        subject, tokens, cost = "gpt-4o-mini", int(v["duration"] * 10), v["duration"] * 1e-5
    elif kind.startswith("recommendation_"):
        subject, movie = "local", v["movie"]
    elif kind == "error":
        subject = "discover"
    elif kind in {"rating_set", "watchlist_add", "watch_logged", "rating_cleared"}:
        movie = v["movie"]
    return (v["ts"], v["user"], kind, subject, service, status, cache, cache_kind, movie,
            tokens, cost, properties, duration)  # fmt: skip


def seed_reference_data(
    database: Database, catalog: OfflineCatalog, sizes: Sizes, *, now: datetime
) -> list[int]:
    """Movies (the offline catalog) and the users; returns the movie ids."""
    movie_ids = sorted(m.id for m in catalog.movies(list(catalog._movies)))
    rng = np.random.default_rng(2)
    with database.unit_of_work() as uow:
        uow.movies.upsert_many(catalog.movies(movie_ids))
        uow.commit()
    ages = rng.uniform(0, sizes.days * 86400, sizes.users)
    users = [
        (f"synthetic{i:05d}", f"Synthetic {i}", "x" * 60, "admin" if i == 0 else "user",
         _ts(now, ages[i]))
        for i in range(sizes.users)
    ]  # fmt: skip
    copy_rows(
        database,
        "users",
        ("username", "display_name", "password_hash", "role", "created_at"),
        users,
    )
    return movie_ids


def library_rows(
    sizes: Sizes, movie_ids: Sequence[int], *, now: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(user_movies rows, watches rows): `ratings` ratings spread over the users."""
    rng = np.random.default_rng(3)
    per_user = max(1, sizes.ratings // sizes.users)
    library, watches = [], []
    for user in range(1, sizes.users + 1):
        picks = rng.choice(len(movie_ids), per_user + 2, replace=False)
        for k, pick in enumerate(picks):
            when = _ts(now, rng.uniform(0, sizes.days * 86400))
            stars = None if k >= per_user else float(rng.integers(1, 11)) / 2
            library.append((user, movie_ids[pick], stars, stars is None, when, when,
                            when if stars is not None else None))  # fmt: skip
    for _ in range(sizes.watches):
        user, movie = (
            int(rng.integers(1, sizes.users + 1)),
            movie_ids[int(rng.integers(0, len(movie_ids)))],
        )
        watches.append((user, movie, (now - timedelta(days=float(rng.uniform(0, 365)))).date(),
                        False, now))  # fmt: skip
    return library, watches


def recommendation_rows(
    sizes: Sizes, movie_ids: Sequence[int], *, now: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rng = np.random.default_rng(4)
    runs, items = [], []
    for run in range(1, sizes.runs + 1):
        engine = "ai" if rng.random() < 0.2 else "local"
        when = _ts(now, rng.uniform(0, sizes.days * 86400))
        user = int(rng.integers(1, sizes.users + 1))
        cost = float(rng.uniform(0.0005, 0.003)) if engine == "ai" else 0.0
        runs.append((run, user, when, engine, "", "{}", 0, 0, cost, 100.0, 0))
        for rank in range(sizes.items_per_run):
            feedback = ("up", "down", None, None, None, None)[int(rng.integers(0, 6))]
            movie = movie_ids[int(rng.integers(0, len(movie_ids)))]
            items.append((run, user, movie, rank, 1.0, "[]", engine, when, None, feedback, None,
                          None, None))  # fmt: skip
    return runs, items


def copy_rows(
    database: Database, table: str, columns: Sequence[str], rows: Any, *, page: int = 50_000
) -> int:
    """Bulk insert on the raw driver connection: COPY on PostgreSQL, executemany on SQLite."""
    raw = database.engine.raw_connection()
    count = 0
    try:
        cursor = raw.cursor()
        if database.dialect == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            cursor.execute("BEGIN")
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(tuple(_sqlite_value(v) for v in row))
                if len(batch) >= page:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            count += len(batch)
        raw.commit()
    finally:
        raw.close()
    return count


def _sqlite_value(value: Any) -> Any:
    """What UTCDateTime stores on SQLite: naive UTC text."""
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        )
    if isinstance(value, date):
        return value.isoformat()
    return value
