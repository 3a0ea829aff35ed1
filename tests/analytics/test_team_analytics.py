"""Team analytics against the hand-computed week in conftest.py, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from reelmatch.bootstrap import Services
from reelmatch.errors import InvalidInput, NotAllowed
from reelmatch.services.analytics import Period
from reelmatch.ui import charts
from tests.analytics.conftest import Week, add_events, at

WEEK = Period(date(2026, 3, 1), date(2026, 3, 7))
NEW_YORK = Period(date(2026, 3, 1), date(2026, 3, 7), "America/New_York")


def _kpis(services: Services, week: Week, period: Period = WEEK) -> dict[str, tuple[object, ...]]:
    return {k.key: (k.value, k.previous) for k in services.analytics.kpis(week.admin, period)}


def test_activity_per_day(services: Services, week: Week) -> None:
    frame = services.analytics.activity(week.admin, WEEK)
    assert list(frame["day"]) == WEEK.dates()
    assert list(frame["active_users"]) == [0, 1, 1, 1, 1, 1, 0]
    assert list(frame["new_users"]) == [0, 1, 0, 0, 1, 0, 0]
    assert list(frame["ratings"]) == [0, 1, 0, 0, 0, 1, 0]
    assert list(frame["watchlist_adds"]) == [0, 1, 0, 0, 0, 1, 0]
    assert list(frame["page_views"]) == [0, 1, 1, 0, 1, 0, 0]
    assert list(frame["logins"]) == [0, 1, 0, 0, 1, 0, 0]
    assert int(frame["searches"].sum()) == 1
    assert int(frame["errors"].sum()) == 1


def test_activity_moves_with_the_viewers_time_zone(services: Services, week: Week) -> None:
    # u2's 23:45 and 00:10 UTC events are both on Mar 5 evening in New York (UTC-5).
    frame = services.analytics.activity(week.admin, NEW_YORK)
    assert list(frame["watchlist_adds"]) == [0, 1, 0, 0, 1, 0, 0]
    assert list(frame["ratings"]) == [0, 1, 0, 0, 1, 0, 0]
    assert list(frame["active_users"]) == [0, 1, 1, 1, 1, 0, 0]
    assert list(frame["new_users"]) == [0, 1, 0, 0, 1, 0, 0]


def test_kpis_with_previous_period(services: Services, week: Week) -> None:
    kpis = _kpis(services, week)
    assert kpis["active_users"] == (2, 1)
    assert kpis["dau"] == (pytest.approx(5 / 7), pytest.approx(2 / 7))
    assert kpis["wau"] == (2, 1)
    assert kpis["mau"] == (3, 1)
    assert kpis["stickiness"] == (pytest.approx(5 / 21), pytest.approx(2 / 7))
    assert kpis["new_users"] == (2, 1)
    assert kpis["ratings"] == (2, 0)
    assert kpis["watchlist_adds"] == (2, 1)
    assert kpis["watchlist_conversion"] == (1.0, 0.0)
    assert kpis["recommendation_acceptance"] == (pytest.approx(3 / 5), 0.0)
    assert kpis["cost_per_accepted_usd"] == (pytest.approx(0.01 / 3), None)
    assert kpis["ai_tokens"] == (1500, 0)
    assert kpis["ai_cost_usd"] == (pytest.approx(0.003), 0.0)
    assert kpis["cache_hit_rate"] == (pytest.approx(1 / 5), 0.0)
    assert kpis["api_calls"] == (5, 1)
    assert kpis["api_error_rate"] == (pytest.approx(2 / 5), 0.0)
    assert kpis["rate_limited_rate"] == (pytest.approx(1 / 5), 0.0)
    assert kpis["api_p95_ms"] == (5000.0, 50.0)
    assert kpis["page_render_p95_ms"] == (300.0, 200.0)
    assert kpis["errors"] == (1, 0)


def test_kpi_deltas(services: Services, week: Week) -> None:
    by_key = {k.key: k for k in services.analytics.kpis(week.admin, WEEK)}
    assert by_key["active_users"].delta == 1
    assert by_key["active_users"].change == 1.0
    assert by_key["ratings"].change is None  # from zero
    assert by_key["cost_per_accepted_usd"].delta is None


def test_watchlist_conversion_window_in_the_viewers_zone(services: Services, week: Week) -> None:
    utc = services.analytics.conversion(week.admin, WEEK)
    assert (utc.watchlisted, utc.converted, utc.rate) == (2, 2, 1.0)
    # In New York u2 watchlisted on Mar 5, so the Apr 5 watch is 31 days later.
    new_york = services.analytics.conversion(week.admin, NEW_YORK)
    assert (new_york.watchlisted, new_york.converted) == (2, 1)
    shorter = type(services.analytics)(services.database.unit_of_work, conversion_days=29)
    assert shorter.conversion(week.admin, WEEK).converted == 0


def test_recommendations_by_engine(services: Services, week: Week) -> None:
    frame = services.analytics.recommendations(week.admin, WEEK)
    rows = frame.set_index("engine").to_dict("index")
    assert rows["local"]["shown"] == 3
    assert rows["local"]["accepted"] == 2
    assert rows["local"]["acceptance_rate"] == pytest.approx(2 / 3)
    assert rows["local"]["cost_per_accepted_usd"] == 0.0
    assert (rows["ai"]["runs"], rows["ai"]["shown"], rows["ai"]["accepted"]) == (1, 2, 1)
    assert rows["ai"]["cost_per_accepted_usd"] == pytest.approx(0.01)
    chart = charts.cost_per_accepted(frame)
    assert chart.to_dict()["encoding"]["x"]["field"] == "cost_per_accepted_usd"
    assert sorted(chart.data["engine"]) == ["ai", "local"]  # both accepted something


def test_cost_per_accepted_leaves_out_engines_nothing_was_accepted_from(
    services: Services, week: Week
) -> None:
    frame = services.analytics.recommendations(week.admin, WEEK)
    frame.loc[frame["engine"] == "ai", ["accepted", "cost_per_accepted_usd"]] = (0, None)
    assert list(charts.cost_per_accepted(frame).data["engine"]) == ["local"]


def test_top_movies_and_genres(services: Services, week: Week) -> None:
    movies = services.analytics.top_movies(week.admin, WEEK)
    assert list(movies["movie_id"]) == [238, 155]
    assert list(movies["ratings"]) == [2, 1]
    assert list(movies["average_rating"]) == [4.5, 4.0]
    genres = services.analytics.top_genres(week.admin, WEEK)
    assert list(genres["genre"]) == ["Crime", "Drama", "Action", "Thriller"]
    assert list(genres["ratings"]) == [3, 3, 1, 1]
    assert genres["average_rating"][0] == pytest.approx(13 / 3)


def test_api_latency_percentiles_per_endpoint(services: Services, week: Week) -> None:
    frame = services.analytics.api_latency(week.admin, WEEK)
    rows = {(r["service"], r["endpoint"]): r for r in frame.to_dict("records")}
    movie = rows[("tmdb", "/movie/{id}")]
    assert (movie["calls"], movie["p50_ms"], movie["p95_ms"]) == (3, 100.0, 300.0)
    assert (movie["failed"], movie["rate_limited"]) == (1, 1)
    search = rows[("tmdb", "/search/movie")]
    assert (search["calls"], search["failed"], search["p95_ms"]) == (1, 1, 5000.0)
    assert rows[("openai", "/chat/completions")]["p50_ms"] == 800.0


def test_cache_errors_ai_and_pages_per_day(services: Services, week: Week) -> None:
    cache = services.analytics.cache_hit_rate(week.admin, WEEK).to_dict("records")
    mar3 = {"day": date(2026, 3, 3), "service": "tmdb"}
    assert cache == [
        {**mar3, "kind": "movie", "lookups": 4, "hits": 1, "stale": 0, "hit_rate": 0.25},
        {**mar3, "kind": "search", "lookups": 1, "hits": 0, "stale": 0, "hit_rate": 0.0},
    ]
    api = services.analytics.api_errors(week.admin, WEEK)
    assert list(api["calls"]) == [0, 0, 5, 0, 0, 0, 0]
    assert list(api["rate_limited"]) == [0, 0, 1, 0, 0, 0, 0]
    ai = services.analytics.ai_usage(week.admin, WEEK)
    assert list(ai["tokens"]) == [0, 0, 0, 1000, 500, 0, 0]
    pages = services.analytics.page_render(week.admin, WEEK).to_dict("records")
    assert pages == [
        {"page": "Discover", "views": 2, "p50_ms": 100.0, "p95_ms": 300.0},
        {"page": "Library", "views": 1, "p50_ms": 50.0, "p95_ms": 50.0},
    ]


def test_cache_hit_rate_per_kind_and_day(services: Services, week: Week) -> None:
    def call(day: int, minute: int, cache: str | None, kind: str | None) -> tuple[object, ...]:
        properties = {"service": "tmdb", "endpoint": "movie/popular", "status": 200}
        if cache is not None:
            properties["cache"] = cache
        if kind is not None:
            properties["cache_kind"] = kind
        return (at(day, 10, minute, month=4), "api_call", None, 5.0, properties)

    add_events(
        services,
        [
            *(call(1, m, c, "list") for m, c in enumerate(["miss", "hit", "hit", "stale"])),
            *(call(1, 10 + m, c, "movie") for m, c in enumerate(["miss", "hit", "hit"])),
            call(1, 20, "hit", "reference"),
            call(1, 21, "hit", None),  # recorded before events carried the kind
            call(1, 22, None, None),  # a call that never went through the cache
            *(call(2, m, c, "list") for m, c in enumerate(["hit", "miss"])),
        ],
    )
    frame = services.analytics.cache_hit_rate(
        week.admin, Period(date(2026, 4, 1), date(2026, 4, 2))
    )
    rows = [
        (r["day"].day, r["kind"], r["lookups"], r["hits"], r["stale"], r["hit_rate"])
        for r in frame.to_dict("records")
    ]
    assert rows == [
        (1, "list", 4, 2, 1, 0.5),
        (1, "movie", 3, 2, 0, pytest.approx(2 / 3)),
        (1, "reference", 1, 1, 0, 1.0),
        (1, "unknown", 1, 1, 0, 1.0),
        (2, "list", 2, 1, 0, 0.5),
    ]
    assert charts.cache_hit_rate(frame).to_dict()["encoding"]["color"]["field"] == "kind"


def test_dashboard_matches_the_single_queries(services: Services, week: Week) -> None:
    board = services.analytics.dashboard(week.admin, WEEK)
    assert board.activity.equals(services.analytics.activity(week.admin, WEEK))
    assert board.api_latency.equals(services.analytics.api_latency(week.admin, WEEK))
    assert board.kpis == services.analytics.kpis(week.admin, WEEK)
    assert board.conversion.rate == 1.0


def test_non_admins_get_not_allowed(services: Services, week: Week) -> None:
    analytics = services.analytics
    for call in (
        lambda: analytics.kpis(week.u1, WEEK),
        lambda: analytics.dashboard(week.u1, WEEK),
        lambda: analytics.activity(week.u1, WEEK),
        lambda: analytics.api_latency(week.u1, WEEK),
        lambda: analytics.prune(week.u1, older_than_days=400),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_periods_are_validated() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        Period(date(2026, 3, 1), date(2026, 3, 7), "Mars/Olympus")
    with pytest.raises(InvalidInput, match="before its start"):
        Period(date(2026, 3, 7), date(2026, 3, 1))
    assert WEEK.previous() == Period(date(2026, 2, 22), date(2026, 2, 28))


def test_day_bounds_follow_daylight_saving_time() -> None:
    # New York springs forward on 2026-03-08 (23 hours) and falls back on 2026-11-01 (25).
    spring = Period(date(2026, 3, 8), date(2026, 3, 8), "America/New_York").local_days().bounds[0]
    autumn = Period(date(2026, 11, 1), date(2026, 11, 1), "America/New_York").local_days().bounds[0]
    assert (spring.stop - spring.start).total_seconds() == 23 * 3600
    assert (autumn.stop - autumn.start).total_seconds() == 25 * 3600
    assert spring.start.hour == 5  # midnight EST is 05:00 UTC


@pytest.mark.parametrize(
    ("first", "stamps", "expected"),
    [
        # New York springs forward on Mar 8 (a 23-hour day) ...
        (
            date(2026, 3, 7),
            ["2026-03-08T04:59:59", "2026-03-08T05:00:00", "2026-03-09T03:59:59.9",
             "2026-03-09T04:00:00"],
            [1, 2, 1],
        ),
        # ... and falls back on Nov 1 (a 25-hour day).
        (
            date(2026, 10, 31),
            ["2026-11-01T03:59:59", "2026-11-01T04:00:00", "2026-11-02T04:59:59",
             "2026-11-02T05:00:00"],
            [1, 2, 1],
        ),
    ],
)  # fmt: skip
def test_daily_counts_across_daylight_saving_changes(
    services: Services, week: Week, first: date, stamps: list[str], expected: list[int]
) -> None:
    add_events(
        services,
        [
            (datetime.fromisoformat(s).replace(tzinfo=UTC), "search", week.u1, None, {})
            for s in stamps
        ],
    )
    period = Period(first, first + timedelta(days=2), "America/New_York")
    frame = services.analytics.activity(week.admin, period)
    assert list(frame["searches"]) == expected
    assert list(frame["active_users"]) == [1, 1, 1]
