"""Analytics benchmark on SYNTHETIC activity (bench/synthetic_activity.py; never real data).

    .venv/bin/python bench/analytics.py [--events 1000000] [--users 10000] [--skip-postgres]

Loads 10,000 users, 1,000,000 events over a year, 200,000 ratings, 50,000 diary entries and
10,000 recommendation runs into a temp SQLite file and a throwaway PostgreSQL schema, then
times every SQL statement and AnalyticsService query for the last 30 days (with the previous
30 for the KPIs; service calls with the analytics cache emptied first, so nothing is reused),
the real Analytics page run by AppTest for 7, 30 and 90 days (bench/analytics_page.py: cold
cache, past days cached, and the live tiles' refresh), My stats for one user, and the cost of
`EventRecorder.record()`.
Targets (issue 6): each query < 500 ms, the page < 1.5 s, record() p95 < 0.2 ms.

Then the rollups (issue 11, decision 82): the KPIs and every query of a 90-day Analytics page,
cold, from raw events alone; `metrics rollup` over the whole year; the same again served by
the rollups; and how far the rollups' p95 latencies (log buckets) are from the exact
nearest-rank values the raw scan gives (target: within 2 %).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from bench.analytics_page import measure_page
from bench.common import database, print_table, summary, timed_ms, write_json
from bench.synthetic_activity import (
    EVENT_COLUMNS,
    Sizes,
    copy_rows,
    event_rows,
    library_rows,
    recommendation_rows,
    seed_reference_data,
)
from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import load_settings
from reelmatch.events import DiscardEvents
from reelmatch.services.analytics import Period
from reelmatch.services.analytics.series import ACTIVITY_KINDS
from reelmatch.services.event_recorder import EventRecorder
from reelmatch.store.database import Database
from reelmatch.store.migrate import upgrade
from reelmatch.store.repositories.analytics import AnalyticsRepository
from reelmatch.store.repositories.analytics_system import SystemAnalyticsRepository
from reelmatch.store.types import utcnow

QUERY_TARGET_MS, PAGE_TARGET_MS, RECORD_TARGET_MS = 500.0, 1500.0, 0.2
REPEAT = 5


def load(url: str, sizes: Sizes) -> dict[str, float]:
    """Fill the database; returns seconds per table."""
    database = Database.from_url(url)
    now = utcnow()
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    movie_ids = seed_reference_data(database, OfflineCatalog(), sizes, now=now)
    library, watches = library_rows(sizes, movie_ids, now=now)
    copy_rows(
        database,
        "user_movies",
        ("user_id", "movie_id", "rating", "on_watchlist", "added_at", "updated_at", "rated_at"),
        library,
    )
    copy_rows(
        database, "watches", ("user_id", "movie_id", "watched_on", "rewatch", "created_at"), watches
    )
    runs, items = recommendation_rows(sizes, movie_ids, now=now)
    copy_rows(database, "recommendation_runs", RUN_COLUMNS, runs)
    copy_rows(database, "recommendation_items", ITEM_COLUMNS, items)
    seconds["users, movies, library, recommendations"] = time.perf_counter() - start
    start = time.perf_counter()
    copy_rows(database, "events", EVENT_COLUMNS, event_rows(sizes, movie_ids, now=now))
    seconds["events"] = time.perf_counter() - start
    start = time.perf_counter()
    # What autovacuum does after a bulk insert (PostgreSQL: visibility map for index-only scans).
    statement = "VACUUM ANALYZE" if database.dialect == "postgresql" else "ANALYZE"
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))
    seconds["analyze"] = time.perf_counter() - start
    database.dispose()
    return seconds


RUN_COLUMNS = (
    "id", "user_id", "created_at", "engine", "fingerprint", "filters", "prompt_tokens",
    "completion_tokens", "cost_usd", "latency_ms", "hallucinations",
)  # fmt: skip
ITEM_COLUMNS = (
    "run_id", "user_id", "movie_id", "rank", "score", "reasons", "source", "shown_at",
    "clicked_at", "feedback", "feedback_at", "converted", "converted_at",
)  # fmt: skip


def measure(url: str) -> dict[str, Any]:
    services = build_services(load_settings(DATABASE_URL=url), events=DiscardEvents())
    admin = services.users.get_user("synthetic00000")
    heavy = services.users.get_user("synthetic00001")
    month = Period.last(30)
    analytics = services.analytics
    calls: dict[str, Callable[[], object]] = {
        "service: kpis (30 d + previous 30 d)": lambda: analytics.kpis(admin, month),
        "service: activity": lambda: analytics.activity(admin, month),
        "service: conversion": lambda: analytics.conversion(admin, month),
        "service: recommendations": lambda: analytics.recommendations(admin, month),
        "service: top_movies": lambda: analytics.top_movies(admin, month),
        "service: top_genres": lambda: analytics.top_genres(admin, month),
        "service: cache_hit_rate": lambda: analytics.cache_hit_rate(admin, month),
        "service: api_errors": lambda: analytics.api_errors(admin, month),
        "service: api_latency": lambda: analytics.api_latency(admin, month),
        "service: ai_usage": lambda: analytics.ai_usage(admin, month),
        "service: page_render": lambda: analytics.page_render(admin, month),
        "service: my_stats (one user)": lambda: services.stats.my_stats(heavy),
        "service: year_in_review (one user)": lambda: services.stats.year_in_review(
            heavy, month.end.year
        ),
    }
    results: dict[str, Any] = {"sql": {}, "queries": {}}
    for name, sql in sql_statements(services.database, month).items():
        sql()
        results["sql"][name] = summary(timed_ms(sql, repeat=REPEAT))
    for name, call in calls.items():
        call()  # warm-up (the database's own caches, not ours)
        results["queries"][name] = summary(timed_ms(_uncached(services, call), repeat=REPEAT))
    services.close()
    results["page"] = measure_page(url, admin, repeat=REPEAT)
    # Last: it writes 50,000 events stamped now, which would make "today" unusually busy.
    database = Database.from_url(url)
    results["record_ms"] = measure_recording(database)
    database.dispose()
    results["rollups"] = measure_rollups(url)
    return results


def measure_rollups(url: str) -> dict[str, Any]:
    """Cold 90-day KPIs and page queries from raw events, the full rollup, the same served by
    the rollups, and the p95 latencies' error against the exact raw values."""
    services = build_services(load_settings(DATABASE_URL=url), events=DiscardEvents())
    admin = services.users.get_user("synthetic00000")
    analytics, quarter = services.analytics, Period.last(90)

    def page() -> None:  # every query the 90-day page makes, as `dashboard` would
        for call in (analytics.kpis, analytics.activity, analytics.conversion,
                     analytics.recommendations, analytics.top_movies, analytics.top_genres,
                     analytics.cache_hit_rate, analytics.api_errors, analytics.api_latency,
                     analytics.ai_usage, analytics.page_render):  # fmt: skip
            call(admin, quarter)

    def kpis() -> None:
        analytics.kpis(admin, quarter)

    def timings() -> dict[str, Any]:
        return {
            "kpis 90 d, cold": summary(timed_ms(_uncached(services, kpis), repeat=REPEAT)),
            "page 90 d, cold": summary(timed_ms(_uncached(services, page), repeat=REPEAT)),
        }

    _drop_rollups(services.database)  # the page bench's in-process rollup_events job fills them
    exact = _p95s(services, quarter)
    raw = timings()
    start = time.perf_counter()
    built = analytics.rollup(admin, since_days=400)
    rollup_s = time.perf_counter() - start
    served = timings()
    approx = _p95s(services, quarter)  # now from the rollups
    errors = [abs(approx[k] - v) / v for k, v in exact.items() if v and k in approx]
    services.close()
    return {
        "raw": raw,
        "rolled": served,
        "rollup_seconds": rollup_s,
        "rows_written": built.rows_written,
        "p95_compared": len(errors),
        "p95_max_error": max(errors, default=0.0),
        "p95_same_answers": set(exact) == set(approx),
    }


def _drop_rollups(database: Database) -> None:
    """Empty the rollups so the raw timings and the exact p95s really scan raw events."""
    with database.engine.begin() as connection:
        for table in ("event_hourly", "user_hourly", "latency_daily", "rollup_state"):
            connection.execute(text(f"DELETE FROM {table}"))


def _p95s(services: Services, period: Period) -> dict[str, float]:
    """p95 latency per endpoint and per page, straight from the repositories (no cache)."""
    found = {}
    with services.database.unit_of_work(read_only=True) as uow:
        for row in uow.system_analytics.api_latency(period.span):
            if row.get("p95_ms") is not None:
                found[f"{row['service']} {row['endpoint']}"] = float(row["p95_ms"])
        for row in uow.system_analytics.page_render(period.span):
            if row.get("p95_ms") is not None:
                found[f"page {row['page']}"] = float(row["p95_ms"])
    return found


def _uncached(services: Services, call: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        services.cache.invalidate_prefix("analytics:")
        return call()

    return run


def sql_statements(database: Database, month: Period) -> dict[str, Callable[[], object]]:
    """Each SQL statement behind the page on its own (KPIs cover the month and the one
    before it, so the per-day series span 60 days)."""
    both, days = month.extended_back(month.days), month.local_days()
    spans = [month.span, month.previous().span]

    def run(call: Callable[[AnalyticsRepository, SystemAnalyticsRepository], object]) -> Any:
        def timed() -> object:
            with database.unit_of_work(read_only=True) as uow:
                return call(uow.analytics, uow.system_analytics)

        return timed

    kinds = list(ACTIVITY_KINDS.values())
    trailing = [p.trailing(d) for p in (month, month.previous()) for d in (7, 30)]
    return {
        "active users per day (60 d)": run(lambda a, s: a.active_users_per_day(both.local_days())),
        "events per day by kind (60 d)": run(
            lambda a, s: a.events_per_day(both.local_days(), kinds)
        ),
        "new users per day (60 d)": run(lambda a, s: a.new_users_per_day(both.local_days())),
        "distinct users, 6 spans": run(lambda a, s: a.distinct_users(spans + trailing)),
        "watchlist conversion": run(lambda a, s: a.watchlist_conversion(days, window_days=30)),
        "recommendations by engine": run(lambda a, s: a.recommendations_by_engine(month.span)),
        "ratings per movie": run(lambda a, s: a.ratings_per_movie(month.span)),
        "api calls per day (60 d)": run(lambda a, s: s.api_per_day(both.local_days())),
        "ai usage per day (60 d)": run(lambda a, s: s.ai_per_day(both.local_days())),
        "api latency per endpoint": run(lambda a, s: s.api_latency(month.span)),
        "api p95, both periods": run(lambda a, s: s.p95_per_span("api_call", spans)),
        "page render per page": run(lambda a, s: s.page_render(month.span)),
        "page p95, both periods": run(lambda a, s: s.p95_per_span("page_view", spans)),
    }


def measure_recording(database: Database, *, count: int = 50_000) -> dict[str, float]:
    """`record()` latency while the writer thread flushes to the real database."""
    recorder = EventRecorder(database.unit_of_work, capacity=count * 2)
    samples = []
    clock = time.perf_counter_ns
    for index in range(count):
        start = clock()
        recorder.record("page_view", user_id=1 + index % 100, duration_ms=42.0, page="Discover")
        samples.append((clock() - start) / 1e6)
    recorder.close(timeout=60)
    health = recorder.health()
    return {**summary(samples), "written": health.written, "dropped": health.dropped}


def report(results: dict[str, Any]) -> None:
    rows = []
    for kind, result in results.items():
        for name, s in result["sql"].items():
            rows.append((kind, f"SQL: {name}", s["p50"], s["p95"], f"< {QUERY_TARGET_MS:g}",
                         _met(s["p95"], QUERY_TARGET_MS)))  # fmt: skip
        for name, s in result["queries"].items():
            rows.append((kind, name, s["p50"], s["p95"], f"< {QUERY_TARGET_MS:g}",
                         _met(s["p95"], QUERY_TARGET_MS)))  # fmt: skip
        for name, s in result["page"].items():
            target = QUERY_TARGET_MS if name.startswith("live") else PAGE_TARGET_MS
            rows.append((kind, name, s["p50"], s["p95"], f"< {target:g}",
                         _met(s["p95"], target)))  # fmt: skip
        r = result["record_ms"]
        rows.append((kind, f"record() x{r['n']}", r["p50"], r["p95"],
                     f"< {RECORD_TARGET_MS:g}", _met(r["p95"], RECORD_TARGET_MS)))  # fmt: skip
    print_table(
        "Analytics on synthetic activity (ms)",
        ["database", "query", "p50", "p95", "target", "met"],
        rows,
    )
    rolled = []
    for kind, result in results.items():
        r = result["rollups"]
        for name in r["raw"]:
            before, after = r["raw"][name]["p95"], r["rolled"][name]["p95"]
            rolled.append((kind, name, before, after, f"{before / after:.1f}x" if after else "-"))
        rolled.append((kind, f"metrics rollup (rows {r['rows_written']:,})",
                       r["rollup_seconds"] * 1000, "", ""))  # fmt: skip
        rolled.append((kind, f"p95 error, {r['p95_compared']} endpoints/pages",
                       f"{r['p95_max_error']:.2%} max", "< 2%",
                       _met(r["p95_max_error"], 0.02)))  # fmt: skip
    print_table(
        "Rollups: raw events vs rollups (p95 ms)",
        ["database", "query", "raw", "rollups", "speed-up"],
        rolled,
    )


def _met(value: float, target: float) -> str:
    return "yes" if value < target else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--ratings", type=int, default=200_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    sizes = Sizes(users=args.users, events=args.events, ratings=args.ratings)
    results: dict[str, Any] = {}
    for kind in ["sqlite"] + ([] if args.skip_postgres else ["postgresql"]):
        with database(kind) as url:
            upgrade(url)
            loaded = load(url, sizes)
            print(f"{kind}: loaded in " + ", ".join(f"{k} {v:.1f} s" for k, v in loaded.items()))
            results[kind] = {"load_seconds": loaded, **measure(url)}
    report(results)
    write_json("analytics", {"synthetic": True, "sizes": vars(sizes), "results": results})


if __name__ == "__main__":
    main()
