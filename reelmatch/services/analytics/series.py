"""The per-day and per-group series behind each chart, built from the repositories' rows.

Each function returns a small tidy DataFrame with fixed columns (present even when empty),
ready for an altair chart, a table with CSV download or `--json`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pandas as pd

from reelmatch.events import (
    ERROR,
    LOGIN,
    PAGE_VIEW,
    RATING_SET,
    SEARCH,
    WATCH_LOGGED,
    WATCHLIST_ADD,
)
from reelmatch.services.analytics.period import Period
from reelmatch.store.repositories.analytics import ALL_KINDS, AnalyticsRepository, EngineCounts
from reelmatch.store.repositories.analytics_system import SystemAnalyticsRepository

#: Activity columns and the event kind each one counts.
ACTIVITY_KINDS = {
    "logins": LOGIN,
    "page_views": PAGE_VIEW,
    "searches": SEARCH,
    "ratings": RATING_SET,
    "watchlist_adds": WATCHLIST_ADD,
    "watches": WATCH_LOGGED,
    "errors": ERROR,
}
ACTIVITY_COLUMNS = ["day", "active_users", "new_users", *ACTIVITY_KINDS]
CACHE_COLUMNS = ["day", "service", "kind", "lookups", "hits", "stale", "hit_rate"]
#: The cache kind shown for lookups recorded before events carried one.
UNKNOWN_KIND = "unknown"
API_DAY_COLUMNS = ["day", "calls", "failed", "rate_limited", "error_rate", "rate_limited_rate"]
AI_COLUMNS = ["day", "calls", "tokens", "cost_usd"]
LATENCY_COLUMNS = [
    "service", "endpoint", "calls", "p50_ms", "p95_ms", "failed", "rate_limited",
    "error_rate", "rate_limited_rate",
]  # fmt: skip
PAGE_COLUMNS = ["page", "views", "p50_ms", "p95_ms"]
MOVIE_COLUMNS = ["movie_id", "title", "year", "ratings", "average_rating"]
GENRE_COLUMNS = ["genre", "ratings", "average_rating"]
RECOMMENDATION_COLUMNS = [
    "engine", "runs", "shown", "clicked", "accepted", "acceptance_rate", "cost_usd",
    "cost_per_accepted_usd",
]  # fmt: skip


#: Chart rows: one dict per day or group, JSON data apart from `day` (a date).
Rows = list[dict[str, Any]]


def frame(rows: Rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def activity(repo: AnalyticsRepository, period: Period) -> pd.DataFrame:
    return frame(activity_rows(repo, period), ACTIVITY_COLUMNS)


def activity_rows(repo: AnalyticsRepository, period: Period) -> Rows:
    """Per local day: active users, sign-ups and the count of each activity kind. Days that
    `metrics prune` rolled up come from `event_daily` (whole UTC days)."""
    days = period.local_days()
    bounds = days.bounds
    active = repo.active_users_per_day(days)
    counts = repo.events_per_day(days, list(ACTIVITY_KINDS.values()))
    new = repo.new_users_per_day(days)
    rows = [
        {
            "day": bound.day,
            "active_users": active.get(i, 0),
            "new_users": new.get(i, 0),
            **{column: counts.get((i, kind), 0) for column, kind in ACTIVITY_KINDS.items()},
        }
        for i, bound in enumerate(bounds)
    ]
    _merge_rollup(repo, period, rows)
    return rows


def _merge_rollup(repo: AnalyticsRepository, period: Period, rows: list[dict[str, Any]]) -> None:
    watermark = repo.last_rolled_up_day()
    if watermark is None or watermark < period.start:
        return
    rollup = repo.rollup_per_day(period.start, min(watermark, period.end))
    for row in rows:
        everyone = rollup.get((row["day"], ALL_KINDS))
        if everyone is not None:
            row["active_users"] = max(row["active_users"], everyone["users"])
        for column, kind in ACTIVITY_KINDS.items():
            row[column] += rollup.get((row["day"], kind), {}).get("events", 0)


def cache_and_api(
    repo: SystemAnalyticsRepository, period: Period
) -> tuple[pd.DataFrame, pd.DataFrame]:
    cache_rows, api_rows = cache_and_api_rows(repo, period)
    return frame(cache_rows, CACHE_COLUMNS), frame(api_rows, API_DAY_COLUMNS)


def cache_and_api_rows(repo: SystemAnalyticsRepository, period: Period) -> tuple[Rows, Rows]:
    """(cache hit rate per day, service and cache kind, upstream calls and failure rates
    per day)."""
    days = period.local_days()
    bounds = days.bounds
    per_day: dict[int, Counter[str]] = defaultdict(Counter)
    cache_rows = []
    for i, service, kind, counts in repo.api_per_day(days):
        per_day[i].update(counts)
        if counts["cache_lookups"]:
            cache_rows.append(
                {
                    "day": bounds[i].day,
                    "service": service,
                    "kind": kind or UNKNOWN_KIND,
                    "lookups": counts["cache_lookups"],
                    "hits": counts["cache_hits"],
                    "stale": counts["cache_stale"],
                    "hit_rate": ratio(counts["cache_hits"], counts["cache_lookups"]),
                }
            )
    cache_rows.sort(key=lambda row: (row["day"], row["service"], row["kind"]))
    api_rows = []
    for i, bound in enumerate(bounds):
        day = per_day.get(i, Counter())
        calls = day["calls"]
        api_rows.append(
            {
                "day": bound.day,
                "calls": calls,
                "failed": day["failed"],
                "rate_limited": day["rate_limited"],
                "error_rate": ratio(day["failed"], calls),
                "rate_limited_rate": ratio(day["rate_limited"], calls),
            }
        )
    return cache_rows, api_rows


def ai_usage(repo: SystemAnalyticsRepository, period: Period) -> pd.DataFrame:
    return frame(ai_usage_rows(repo, period), AI_COLUMNS)


def ai_usage_rows(repo: SystemAnalyticsRepository, period: Period) -> Rows:
    days = period.local_days()
    bounds = days.bounds
    per_day = repo.ai_per_day(days)
    rows = []
    for i, bound in enumerate(bounds):
        calls, tokens, cost = per_day.get(i, (0, 0, 0.0))
        rows.append({"day": bound.day, "calls": calls, "tokens": tokens, "cost_usd": cost})
    return rows


def api_latency(repo: SystemAnalyticsRepository, period: Period) -> pd.DataFrame:
    measured = sorted(
        repo.api_latency(period.span),
        key=lambda r: (-int(r["calls"]), str(r["service"]), str(r["endpoint"])),
    )
    rows = [
        {
            **row,
            "error_rate": ratio(row["failed"], row["calls"]),
            "rate_limited_rate": ratio(row["rate_limited"], row["calls"]),
        }
        for row in measured
    ]
    return frame(rows, LATENCY_COLUMNS)


def page_render(repo: SystemAnalyticsRepository, period: Period) -> pd.DataFrame:
    rows = sorted(repo.page_render(period.span), key=lambda r: (-int(r["views"]), str(r["page"])))
    return frame(rows, PAGE_COLUMNS)


def top_movies_and_genres(
    repo: AnalyticsRepository, period: Period, *, limit: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The most rated movies and genres of ratings given in the period (ties: higher
    average first, then title). Genres are counted over the per-movie totals."""
    per_movie = repo.ratings_per_movie(period.span)
    ranked = sorted(per_movie, key=lambda r: (-r[4], -r[5] / r[4], r[1], r[0]))
    movies = [
        {"movie_id": m, "title": t, "year": y, "ratings": n, "average_rating": s / n}
        for m, t, y, _genres, n, s in ranked[:limit]
    ]
    genre_counts: Counter[str] = Counter()
    genre_stars: defaultdict[str, float] = defaultdict(float)
    for *_, genres, count, stars in per_movie:
        for genre in genres:
            genre_counts[genre] += count
            genre_stars[genre] += stars
    top_genres = sorted(genre_counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    genre_rows = [
        {"genre": g, "ratings": n, "average_rating": genre_stars[g] / n} for g, n in top_genres
    ]
    return frame(movies, MOVIE_COLUMNS), frame(genre_rows, GENRE_COLUMNS)


def recommendations(repo: AnalyticsRepository, period: Period) -> pd.DataFrame:
    return recommendation_frame(repo.recommendations_by_engine(period.span))


def recommendation_frame(engines: EngineCounts) -> pd.DataFrame:
    rows = [
        {
            "engine": engine,
            "runs": runs,
            "shown": shown,
            "clicked": clicked,
            "accepted": accepted,
            "acceptance_rate": ratio(accepted, shown),
            "cost_usd": cost,
            "cost_per_accepted_usd": ratio(cost, accepted),
        }
        for engine, runs, cost, shown, clicked, accepted in engines
    ]
    return frame(rows, RECOMMENDATION_COLUMNS)
