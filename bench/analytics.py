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

Then the rollups (issue 11, decisions 82, 83, 91): the KPIs and every query of a 90-day page
cold from raw events alone; `metrics rollup` over the whole year; the `rollup_events` job's
upkeep, rolling up the last 24 hours one hour at a time, against the time `EventRecorder`
takes to write the same number of events; the KPIs and every query of the page (`dashboard`)
for 7, 30, 90 and 365 days, cold, and the real page (AppTest) for 7, 30, 90 days and a custom
365, cold, served by the rollups; and how far the rollups' p95 latencies (log buckets) are
from the exact nearest-rank values of the raw scan. Targets (issue 11, at 10M events):
KPIs < 300 ms, every page range < 800 ms, upkeep < 5 % of recording, a year's rebuild < 60 s,
p95 error < 2 %. `--rollups-only` skips the issue-6 figures (at 10M events they take long):

    .venv/bin/python bench/analytics.py --events 10000000 --rollups-only
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
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
from reelmatch.domain import User
from reelmatch.events import DiscardEvents
from reelmatch.services.analytics import Period
from reelmatch.services.analytics.rollups import Rollups
from reelmatch.services.analytics.series import ACTIVITY_KINDS
from reelmatch.services.event_recorder import EventRecorder
from reelmatch.store.database import Database
from reelmatch.store.migrate import upgrade
from reelmatch.store.repositories.analytics import AnalyticsRepository
from reelmatch.store.repositories.analytics_system import SystemAnalyticsRepository
from reelmatch.store.types import utcnow

QUERY_TARGET_MS, PAGE_TARGET_MS, RECORD_TARGET_MS = 500.0, 1500.0, 0.2
ROLLUP_KPI_TARGET_MS, ROLLUP_PAGE_TARGET_MS = 300.0, 800.0
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
    return results


#: Ranges the rollups are timed over; 365 is the page's custom range at its widest.
ROLLUP_RANGES = (7, 30, 90, 365)
#: Hours rolled up one at a time, as the `rollup_events` job does, for the upkeep figure.
UPKEEP_HOURS = 24


def measure_rollups(url: str, *, raw: bool) -> dict[str, Any]:
    """Cold KPIs and every query of the page from raw events (`raw`), the rollup of the
    year, the job's upkeep an hour at a time, the same queries and the real page served by
    the rollups, and the p95 latencies' error against the exact raw values."""
    services = build_services(load_settings(DATABASE_URL=url), events=DiscardEvents())
    admin = services.users.get_user("synthetic00000")
    _drop_rollups(services.database)  # the page bench's in-process rollup_events job fills them
    exact = _p95s(services, Period.last(90))
    results: dict[str, Any] = {}
    if raw:
        results["raw"] = _cold_timings(services, admin, (90,))
    now = utcnow()
    rollups = Rollups(services.database.unit_of_work)
    start = time.perf_counter()
    built = rollups.rebuild(days=400, now=now - timedelta(hours=UPKEEP_HOURS))
    results["rollup_seconds"] = time.perf_counter() - start
    results["rows_written"] = built.rows_written
    results["rolled_events"] = _events_between(services, built.start, built.stop)
    results["upkeep"] = _upkeep(services, rollups, now)
    results["rolled"] = _cold_timings(services, admin, ROLLUP_RANGES)
    approx = _p95s(services, Period.last(90))  # now from the rollups
    errors = [abs(approx[k] - v) / v for k, v in exact.items() if v and k in approx]
    services.close()
    results["page"] = measure_page(url, admin, repeat=REPEAT, custom_days=365)
    database = Database.from_url(url)
    results["recording"] = measure_recording(database)
    database.dispose()
    # Per event: rolling up (the year's rebuild, the same code as the job's runs, in big
    # batches) against recording; the job's cost per run is fixed and shown apart.
    recording = results["recording"]["seconds"] / results["recording"]["written"]
    rollup = results["rollup_seconds"] / max(1, results["rolled_events"])
    results["upkeep"]["rollup_us_per_event"] = rollup * 1e6
    results["upkeep"]["recording_us_per_event"] = recording * 1e6
    results["upkeep"]["share_of_recording"] = rollup / recording
    return {
        **results,
        "p95_compared": len(errors),
        "p95_max_error": max(errors, default=0.0),
        "p95_same_answers": set(exact) == set(approx),
    }


def _cold_timings(services: Services, admin: User, ranges: Sequence[int]) -> dict[str, Any]:
    """KPIs and every query of the page (`dashboard`), cold, for each range in days."""
    found = {}
    for days in ranges:
        period = Period.last(days)

        def kpis(period: Period = period) -> object:
            return services.analytics.kpis(admin, period)

        def page(period: Period = period) -> object:
            return services.analytics.dashboard(admin, period)

        found[f"kpis {days} d, cold"] = summary(timed_ms(_uncached(services, kpis), repeat=REPEAT))
        found[f"page queries {days} d, cold"] = summary(
            timed_ms(_uncached(services, page), repeat=REPEAT)
        )
    return found


def _upkeep(services: Services, rollups: Rollups, now: datetime) -> dict[str, Any]:
    """The `rollup_events` job rolling up the last `UPKEEP_HOURS` hours one at a time."""
    first = now - timedelta(hours=UPKEEP_HOURS)
    runs = []
    for hour in range(1, UPKEEP_HOURS + 1):
        start = time.perf_counter()
        rollups.refresh(now=first + timedelta(hours=hour))
        runs.append(time.perf_counter() - start)
    return {
        "runs": len(runs),
        "seconds": sum(runs),
        "run_ms": summary([run * 1000 for run in runs]),
        "events": _events_between(services, first - timedelta(hours=1), now),
    }


def _events_between(services: Services, start: datetime | None, stop: datetime | None) -> int:
    if start is None or stop is None:
        return 0
    with services.database.unit_of_work(read_only=True) as uow:
        found = uow.session.scalar(
            text("SELECT count(*) FROM events WHERE ts >= :a AND ts < :b"), {"a": start, "b": stop}
        )
    return int(found or 0)


ROLLUP_TABLES = (
    "event_hourly", "event_daily_rollup", "rollup_sets_hourly", "rollup_sets_daily",
    "latency_daily", "rollup_state",
)  # fmt: skip


def _drop_rollups(database: Database) -> None:
    """Empty the rollups so the raw timings and the exact p95s really scan raw events."""
    with database.engine.begin() as connection:
        for table in ROLLUP_TABLES:
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
    """`record()` latency while the writer thread flushes to the real database, and the
    seconds until every event is written (the recording throughput)."""
    recorder = EventRecorder(database.unit_of_work, capacity=count * 2)
    samples = []
    clock = time.perf_counter_ns
    began = time.perf_counter()
    for index in range(count):
        start = clock()
        recorder.record("page_view", user_id=1 + index % 100, duration_ms=42.0, page="Discover")
        samples.append((clock() - start) / 1e6)
    recorder.close(timeout=120)
    seconds = time.perf_counter() - began
    health = recorder.health()
    return {
        **summary(samples),
        "written": health.written,
        "dropped": health.dropped,
        "seconds": seconds,
    }


def report(results: dict[str, Any]) -> None:
    rows = []
    for kind, result in results.items():
        if "sql" not in result:
            continue  # --rollups-only
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
    if rows:
        print_table(
            "Analytics on synthetic activity (ms)",
            ["database", "query", "p50", "p95", "target", "met"],
            rows,
        )
    rolled = []
    for kind, result in results.items():
        r = result["rollups"]
        for name, s in r.get("raw", {}).items():
            rolled.append((kind, f"raw events: {name}", s["p50"], s["p95"], "", ""))
        for name, s in r["rolled"].items():
            target = ROLLUP_KPI_TARGET_MS if name.startswith("kpis") else ROLLUP_PAGE_TARGET_MS
            rolled.append((kind, name, s["p50"], s["p95"], f"< {target:g}",
                           _met(s["p95"], target)))  # fmt: skip
        for name, s in r["page"].items():
            if "cold" in name:
                rolled.append((kind, f"the page (AppTest): {name}", s["p50"], s["p95"],
                               f"< {ROLLUP_PAGE_TARGET_MS:g}",
                               _met(s["p95"], ROLLUP_PAGE_TARGET_MS)))  # fmt: skip
        rolled.append((kind, f"metrics rollup, a year (rows {r['rows_written']:,}), s",
                       r["rollup_seconds"], "", "< 60", _met(r["rollup_seconds"], 60)))  # fmt: skip
        u = r["upkeep"]
        job = f"rollup_events job: {u['runs']} hourly runs, {u['events']:,} events, ms a run"
        rolled.append((kind, job, u["run_ms"]["p50"], u["run_ms"]["p95"], "", ""))
        rolled.append((kind, f"upkeep {u['rollup_us_per_event']:.1f} us/event vs recording "
                       f"{u['recording_us_per_event']:.1f} us/event",
                       f"{u['share_of_recording']:.1%}", "", "< 5%",
                       _met(u["share_of_recording"], 0.05)))  # fmt: skip
        rolled.append((kind, f"p95 error, {r['p95_compared']} endpoints/pages",
                       f"{r['p95_max_error']:.2%} max", "", "< 2%",
                       _met(r["p95_max_error"], 0.02)))  # fmt: skip
    print_table(
        "Rollups (issue 11): cold, ms unless stated",
        ["database", "what", "p50", "p95", "target", "met"],
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
    parser.add_argument(
        "--rollups-only",
        action="store_true",
        help="only the rollup figures (issue 11), without the raw-event ones (issue 6)",
    )
    args = parser.parse_args()
    sizes = Sizes(users=args.users, events=args.events, ratings=args.ratings)
    results: dict[str, Any] = {}
    for kind in ["sqlite"] + ([] if args.skip_postgres else ["postgresql"]):
        with database(kind) as url:
            upgrade(url)
            loaded = load(url, sizes)
            print(f"{kind}: loaded in " + ", ".join(f"{k} {v:.1f} s" for k, v in loaded.items()))
            results[kind] = {"load_seconds": loaded}
            if not args.rollups_only:
                results[kind].update(measure(url))
            results[kind]["rollups"] = measure_rollups(url, raw=not args.rollups_only)
    report(results)
    write_json("analytics", {"synthetic": True, "sizes": vars(sizes), "results": results})


if __name__ == "__main__":
    main()
