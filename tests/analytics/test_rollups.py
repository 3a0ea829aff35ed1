"""The hourly rollups (decision 82) give the raw-event answers: counts, sums and distinct
users identical, latency percentiles within 2 %, in any time zone and across the watermark."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.services.analytics import OPERATOR, AnalyticsService, Period
from reelmatch.services.analytics.rollups import Rollups
from reelmatch.store import id_sets
from reelmatch.store.histograms import MAX_PERCENTILE_ERROR, bucket_of, merged
from reelmatch.store.models import (
    EventDailyRollupRow,
    EventHourlyRow,
    EventRow,
    LatencyDailyRow,
    RollupSetDailyRow,
    RollupSetHourlyRow,
    RollupStateRow,
    WatchRow,
)
from reelmatch.store.repositories.events import QueuedEvent, event_values
from reelmatch.store.rollup_plan import DAY_HOURS, hour_of, hour_start
from reelmatch.store.uow import UnitOfWork
from tests.support.cli import run_cli

#: Events fall in 2026-02-24 00:00 .. 2026-03-12 00:00 UTC (16 days, with the US and
#: Newfoundland DST change on 2026-03-08).
ORIGIN = datetime(2026, 2, 24, tzinfo=UTC)
WINDOW_SECONDS = 16 * 86_400
ORIGIN_HOUR = hour_of(ORIGIN)
#: Movies of the offline catalog (The Godfather, its Part II, The Shawshank Redemption).
MOVIES = (238, 240, 278)
ZONES = ("UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Paris")
ROLLUPS = (
    EventHourlyRow,
    EventDailyRollupRow,
    RollupSetHourlyRow,
    RollupSetDailyRow,
    LatencyDailyRow,
)
TABLES = (EventRow, WatchRow, *ROLLUPS, RollupStateRow)
PERCENTILE_COLUMNS = ("p50_ms", "p95_ms")
PERCENTILE_KPIS = ("api_p95_ms", "page_render_p95_ms")

# Instants near hour and half-hour edges, where a zone's midnight or the watermark falls;
# the last 0.1 ms before an edge too (SQLite's strftime rounded it into the next hour).
edges = st.integers(0, WINDOW_SECONDS // 1800 - 1).flatmap(
    lambda k: st.sampled_from([k * 1800 - 1, k * 1800 - 0.0001, k * 1800, k * 1800 + 1])
)
with_micros = st.tuples(st.integers(0, WINDOW_SECONDS - 1), st.integers(0, 999_999)).map(
    lambda whole_and_micros: whole_and_micros[0] + whole_and_micros[1] / 1e6
)
seconds = st.one_of(st.integers(0, WINDOW_SECONDS - 1), with_micros, edges).filter(
    lambda s: 0 <= s < WINDOW_SECONDS
)
durations = st.one_of(
    st.none(), st.just(0.0), st.floats(0.01, 60_000, allow_nan=False, allow_infinity=False)
)
api_props = st.fixed_dictionaries(
    {
        "service": st.sampled_from(["tmdb", "openai"]),
        "endpoint": st.sampled_from(["/movie/{id}", "/search/movie", "/chat/completions"]),
        "status": st.sampled_from([200, 200, 404, 429, 0]),
    },
    optional={
        "cache": st.sampled_from(["hit", "miss", "stale"]),
        "cache_kind": st.sampled_from(["movie", "search", "list"]),
    },
)
other_props: dict[str, Any] = {
    "page_view": st.fixed_dictionaries({"page": st.sampled_from(["Discover", "Library"])}),
    "ai_usage": st.fixed_dictionaries(
        {
            "model": st.just("m"),
            "tokens": st.integers(0, 5000),
            "cost_usd": st.floats(0, 0.05, allow_nan=False),
        }
    ),
    "error": st.fixed_dictionaries({"where": st.sampled_from(["discover", "library"])}),
    "watchlist_add": st.fixed_dictionaries({"movie_id": st.sampled_from(MOVIES)}),
}
KINDS = ["login", "page_view", "search", "rating_set", "watchlist_add", "watch_logged"]
KINDS += ["api_call", "error", "ai_usage", "recommendation_shown"]


@st.composite
def an_event(draw: st.DrawFn) -> tuple[int, str, int | None, float | None, dict[str, Any]]:
    kind = draw(st.sampled_from(KINDS))
    props = draw(api_props if kind == "api_call" else other_props.get(kind, st.just({})))
    user = draw(st.one_of(st.none(), st.integers(0, 3)))
    return draw(seconds), kind, user, draw(durations), props


@st.composite
def a_case(draw: st.DrawFn) -> dict[str, Any]:
    events = draw(st.lists(an_event(), min_size=1, max_size=120))
    # Diary entries (user, movie, days after ORIGIN): watchlisted movies convert.
    watches = draw(
        st.lists(st.tuples(st.integers(0, 3), st.sampled_from(MOVIES), st.integers(0, 45)))
    )
    start_day = draw(st.integers(0, 10))
    stop_hour = draw(st.integers(start_day * DAY_HOURS + 1, 16 * DAY_HOURS))
    # The refresh job rolls up the hours completed since its last run: from mid-day too.
    refreshed_from = draw(st.integers(start_day * DAY_HOURS, stop_hour))
    first = draw(st.integers(1, 12))
    length = draw(st.integers(1, 5))
    return {
        "events": events,
        "watches": watches,
        "coverage": (ORIGIN_HOUR + start_day * DAY_HOURS, ORIGIN_HOUR + stop_hour),
        "refreshed_from": ORIGIN_HOUR + refreshed_from,
        "period": (
            ORIGIN.date() + timedelta(days=first),
            ORIGIN.date() + timedelta(days=min(first + length, 15)),
        ),
        "zone": draw(st.sampled_from(ZONES)),
    }


@pytest.fixture
def people(services: Services) -> list[User]:
    return [
        services.users.create_user(username=f"user{n}", password="a long password")
        for n in range(4)
    ]


def _reset(services: Services) -> None:
    with UnitOfWork(services.database) as uow:
        for table in TABLES:
            uow.session.execute(delete(table))
        uow.commit()


def _insert(services: Services, people: list[User], events: list[tuple[Any, ...]]) -> None:
    rows = [
        event_values(
            QueuedEvent(
                ORIGIN + timedelta(seconds=s),
                kind,
                None if user is None else people[user].id,
                ms,
                dict(props),
            )
        )
        for s, kind, user, ms, props in events
    ]
    with UnitOfWork(services.database) as uow:
        uow.events.insert_many(rows)
        uow.commit()


def _answers(analytics: AnalyticsService, period: Period) -> dict[str, Any]:
    board = analytics.dashboard(OPERATOR, period)
    return {
        "kpis": {kpi.key: (kpi.value, kpi.previous) for kpi in board.kpis},
        "conversion": (board.conversion.watchlisted, board.conversion.converted),
        "activity": board.activity,
        "previous_activity": board.previous_activity,
        "cache_hit_rate": board.cache_hit_rate,
        "api_errors": board.api_errors,
        "ai_usage": board.ai_usage,
        "api_latency": board.api_latency,
        "page_render": board.page_render,
    }


def _close(raw: float | None, rolled: float | None, *, percentile: bool) -> bool:
    if raw is None or rolled is None:
        return raw is rolled
    if math.isnan(raw) or math.isnan(rolled):  # no latency measured (a frame's empty cell)
        return math.isnan(raw) and math.isnan(rolled)
    if percentile:
        return abs(rolled - raw) <= MAX_PERCENTILE_ERROR * abs(raw) + 1e-9
    if isinstance(raw, float) or isinstance(rolled, float):
        return math.isclose(raw, rolled, rel_tol=1e-9, abs_tol=1e-12)
    return raw == rolled


def _assert_same(raw: dict[str, Any], rolled: dict[str, Any]) -> None:
    assert raw["conversion"] == rolled["conversion"]
    for key, (value, previous) in raw["kpis"].items():
        got = rolled["kpis"][key]
        percentile = key in PERCENTILE_KPIS
        assert _close(value, got[0], percentile=percentile), (key, value, got[0])
        assert _close(previous, got[1], percentile=percentile), (key, previous, got[1])
    for name in ("activity", "previous_activity", "cache_hit_rate", "api_errors", "ai_usage"):
        pd.testing.assert_frame_equal(raw[name], rolled[name], check_dtype=False, rtol=1e-9)
    for name in ("api_latency", "page_render"):
        a, b = raw[name], rolled[name]
        exact = [c for c in a.columns if c not in PERCENTILE_COLUMNS]
        pd.testing.assert_frame_equal(a[exact], b[exact], check_dtype=False, rtol=1e-9)
        for column in PERCENTILE_COLUMNS:
            for x, y in zip(a[column], b[column], strict=True):
                assert _close(x, y, percentile=True), (name, column, x, y)


@pytest.mark.usefixtures("people")
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=a_case())
def test_rollups_and_raw_events_give_the_raw_answers(
    services: Services, people: list[User], case: dict[str, Any]
) -> None:
    _reset(services)
    _insert(services, people, case["events"])
    for user, movie, day in case["watches"]:
        services.library.log_watch(
            people[user], movie, watched_on=ORIGIN.date() + timedelta(days=day)
        )
    analytics = AnalyticsService(services.database.unit_of_work)
    first, last = case["period"]
    period = Period(first, last, case["zone"])
    raw = _answers(analytics, period)

    start, stop = case["coverage"]
    rollups = Rollups(services.database.unit_of_work)
    rollups._rebuild_range(start, case["refreshed_from"])
    rollups._rebuild_range(case["refreshed_from"], stop)
    with UnitOfWork(services.database, read_only=True) as uow:
        coverage = uow.rollups.coverage()
    assert coverage is not None
    assert (coverage.start, coverage.stop) == (start, stop)
    _assert_same(raw, _answers(analytics, period))


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "America/St_Johns"])
def test_merged_percentiles_stay_within_two_percent(
    services: Services, people: list[User], zone: str
) -> None:
    """Thousands of latencies, most of them in rolled-up days, some after the watermark."""
    rng = random.Random(11)
    events: list[tuple[Any, ...]] = []
    for n in range(3000):
        s = rng.randrange(WINDOW_SECONDS)
        ms = rng.lognormvariate(5, 1.2)
        if n % 2:
            props = {"service": "tmdb", "endpoint": "/movie/{id}", "status": 200}
            events.append((s, "api_call", None, ms, props))
        else:
            events.append((s, "page_view", n % 4, ms, {"page": rng.choice(["Discover", "Lists"])}))
    _insert(services, people, events)
    analytics = AnalyticsService(services.database.unit_of_work)
    period = Period(date(2026, 3, 1), date(2026, 3, 9), zone)
    raw = _answers(analytics, period)
    Rollups(services.database.unit_of_work)._rebuild_range(ORIGIN_HOUR, ORIGIN_HOUR + 13 * 24 + 5)
    rolled = _answers(analytics, period)
    _assert_same(raw, rolled)
    for key in PERCENTILE_KPIS[1:]:
        assert raw["kpis"][key][0] != rolled["kpis"][key][0]  # from the histogram, not exact


def test_every_stored_kind_and_any_key_is_rolled_up_exactly(
    services: Services, people: list[User]
) -> None:
    """Each stored kind is found in the index, so one that events.py does not list is
    counted too; the groups of the kinds kept in detail are read back whole whatever their
    keys hold (they come as JSON), and each keeps what its readers read."""
    odd = 'Über "lists", a,b\\c'
    api = {"service": "tmdb", "endpoint": odd, "status": 200, "cache_kind": "movie"}
    events = [
        (60, "legacy_kind", 0, None, {}),
        (61, "legacy_kind", 1, None, {"service": "tmdb"}),
        (3700, "import_done", 0, 900.0, {"source": "letterboxd"}),
        (120, "page_view", 0, 12.0, {"page": odd}),
        (121, "page_view", 1, 14.0, {"page": odd}),
        (122, "page_view", 1, 30.0, {"page": "Discover"}),
        (180, "api_call", None, 80.0, {**api, "cache": "miss"}),
        (181, "api_call", None, 5.0, {**api, "cache": "hit"}),
        # 0.1 three times is 0.30000000000000004: every digit survives SQLite's JSON.
        *(
            (182 + n, "ai_usage", n, None, {"model": "m", "tokens": n, "cost_usd": 0.1})
            for n in range(3)
        ),
    ]
    _insert(services, people, events)
    Rollups(services.database.unit_of_work)._rebuild_range(ORIGIN_HOUR, ORIGIN_HOUR + DAY_HOURS)
    hourly = EventHourlyRow
    columns = (hourly.hour, hourly.kind, hourly.service, hourly.subject, hourly.cache_kind)
    columns += (hourly.events, hourly.upstream, hourly.cache_hits, hourly.tokens)
    with UnitOfWork(services.database, read_only=True) as uow:
        rows = sorted(tuple(row) for row in uow.session.execute(select(*columns, hourly.cost_usd)))
        latency = {
            (kind, subject): dict(merged([packed]))
            for kind, subject, packed in uow.session.execute(
                select(LatencyDailyRow.kind, LatencyDailyRow.subject, LatencyDailyRow.histogram)
            )
        }
    first = ORIGIN_HOUR
    assert rows == [
        (first, "ai_usage", "", "", "", 3, 0, 0, 3, 0.1 + 0.1 + 0.1),
        (first, "api_call", "tmdb", odd, "movie", 2, 1, 1, 0, 0.0),
        (first, "legacy_kind", "", "", "", 2, 0, 0, 0, 0.0),
        (first, "page_view", "", "", "", 3, 0, 0, 0, 0.0),
        (first + 1, "import_done", "", "", "", 1, 0, 0, 0, 0.0),
    ]
    assert latency == {
        ("api_call", odd): {bucket_of(80.0): 1},  # the cache hit is not a call's latency
        ("page_view", odd): {bucket_of(12.0): 1, bucket_of(14.0): 1},
        ("page_view", "Discover"): {bucket_of(30.0): 1},
    }


def _rolled_up(services: Services) -> tuple[list[tuple[Any, ...]], ...]:
    """Every row of the rollups, histograms unpacked."""
    with UnitOfWork(services.database, read_only=True) as uow:
        found = []
        for table in ROLLUPS:
            rows = uow.session.execute(select(*table.__table__.columns)).all()
            if table is LatencyDailyRow:
                rows = [(*row[:-1], dict(merged([row[-1]]))) for row in rows]
            found.append(sorted(map(tuple, rows), key=repr))
    return tuple(found)


def test_a_day_rolled_up_in_two_runs_equals_one_run(services: Services, people: list[User]) -> None:
    """The refresh rolls up a day's hours in several runs, each adding to the day's sets and
    histograms: the rows come out exactly as from one run over the day."""
    rng = random.Random(5)
    events: list[tuple[Any, ...]] = []
    for _ in range(400):
        s, ms = rng.randrange(DAY_HOURS * 3600), rng.choice([None, 0.0, rng.uniform(1, 900)])
        if rng.random() < 0.5:
            page = {"page": rng.choice(["Discover", "Library"])}
            events.append((s, "page_view", rng.randrange(4), ms, page))
        else:
            api = {"service": "tmdb", "endpoint": rng.choice(["/movie/{id}", "/search/movie"])}
            api |= {"status": rng.choice([200, 429, 0]), "cache": rng.choice(["hit", "miss"])}
            events.append((s, "api_call", None, ms, api))
    _insert(services, people, events)
    rollups = Rollups(services.database.unit_of_work)
    rollups._rebuild_range(ORIGIN_HOUR, ORIGIN_HOUR + DAY_HOURS)
    once = _rolled_up(services)
    with UnitOfWork(services.database) as uow:
        for table in (*ROLLUPS, RollupStateRow):
            uow.session.execute(delete(table))
        uow.commit()
    rollups._rebuild_range(ORIGIN_HOUR, ORIGIN_HOUR + 5)
    rollups._rebuild_range(ORIGIN_HOUR + 5, ORIGIN_HOUR + 17)
    rollups._rebuild_range(ORIGIN_HOUR + 17, ORIGIN_HOUR + DAY_HOURS)
    assert _rolled_up(services) == once
    assert once[ROLLUPS.index(LatencyDailyRow)]  # histograms were made


def _counts(services: Services) -> tuple[int, ...]:
    with UnitOfWork(services.database, read_only=True) as uow:
        totals = [uow.session.scalar(select(func.count()).select_from(t)) for t in ROLLUPS]
        events = uow.session.scalar(select(func.sum(EventHourlyRow.events)))
    return (*(int(n or 0) for n in totals), int(events or 0))


def test_a_rebuild_is_idempotent_and_catches_late_events(
    services: Services, people: list[User]
) -> None:
    now = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
    events = [
        (s, "page_view", s % 4, 10.0 + s % 97, {"page": "Discover"})
        for s in range(0, WINDOW_SECONDS // 2, 977)
    ]
    _insert(services, people, events)
    rollups = Rollups(services.database.unit_of_work)
    first = rollups.rebuild(days=20, now=now)
    once = _counts(services)
    again = rollups.rebuild(days=20, now=now)
    assert _counts(services) == once
    assert (first.start, first.stop) == (again.start, again.stop)
    assert first.stop == datetime(2026, 3, 10, 12, tzinfo=UTC)  # 12:00-13:00 is not over
    assert once[-1] == len(events)

    # A late event for an hour already rolled up: the next refresh rebuilds its day.
    _insert(services, people, [(3600 * 5 + 7, "page_view", 1, 5.0, {"page": "Library"})])
    refreshed = rollups.refresh(now=now + timedelta(minutes=10))
    assert refreshed.days_rebuilt == 1
    assert _counts(services)[-1] == len(events) + 1
    # The hours completed meanwhile are added; nothing else is redone.
    later = rollups.refresh(now=now + timedelta(hours=2))
    assert later.stop == datetime(2026, 3, 10, 14, tzinfo=UTC)
    assert later.days_rebuilt == 1  # the two new hours of the current day


def test_metrics_rollup_command(
    monkeypatch: pytest.MonkeyPatch, db_url: str, services: Services, people: list[User]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    recent = datetime.now(UTC) - timedelta(days=2)
    offset = int((recent - ORIGIN).total_seconds())
    _insert(
        services, people, [(offset, "login", 0, None, {}), (offset + 60, "search", 1, None, {})]
    )
    outcome = run_cli("metrics", "rollup", "--since", "7d", "--json")
    assert outcome.code == 0, outcome.err
    printed = outcome.json()
    assert printed["days_rebuilt"] in (6, 7)  # 6 in the first minutes of a UTC day
    assert printed["rows_written"] >= 3  # two kinds and two active users in the hour
    assert _counts(services)[-1] == 2
    assert date.fromisoformat(printed["start"][:10]) == datetime.now(UTC).date() - timedelta(days=6)
    text = run_cli("metrics", "rollup", "--since", "1w")
    assert text.code == 0, text.err
    assert "Rebuilt " in text.out
    assert _counts(services)[-1] == 2


def test_a_deleted_account_leaves_the_rollups(services: Services, people: list[User]) -> None:
    """Its events go with it: active users drop at once, and the next refresh rebuilds the
    days it was active on, so counts match raw events again and an account that gets its id
    (SQLite reuses the highest) inherits nothing."""
    events = [
        (h * 3600 + 60, kind, n, None, {})
        for h in range(30)
        for n in (0, 3)
        for kind in ("login", "search")
    ]
    _insert(services, people, events)
    analytics = AnalyticsService(services.database.unit_of_work)
    period = Period(date(2026, 2, 24), date(2026, 2, 25), "UTC")
    rollups = Rollups(services.database.unit_of_work)
    rollups._rebuild_range(ORIGIN_HOUR, ORIGIN_HOUR + 48)
    settle = hour_start(ORIGIN_HOUR + 48) + timedelta(minutes=6)
    rollups.refresh(now=settle)  # from here on, only newer events count as late
    assert rollups.refresh(now=settle).days_rebuilt == 0
    before = {k.key: k.value for k in analytics.kpis(OPERATOR, period)}
    assert (before["active_users"], before["dau"], before["searches"]) == (2, 2, 60)

    services.users.delete_user(people[3])
    after = {k.key: k.value for k in analytics.kpis(OPERATOR, period)}
    assert (after["active_users"], after["dau"]) == (1, 1)
    newcomer = services.users.create_user(username="newcomer", password="a long password")
    assert rollups.refresh(now=settle).days_rebuilt == 2
    rolled = _answers(analytics, period)
    assert rolled["kpis"]["searches"][0] == 30
    assert rolled["kpis"]["active_users"][0] == 1, newcomer.id
    _reset_rollups(services)
    _assert_same(_answers(analytics, period), rolled)


def _reset_rollups(services: Services) -> None:
    with UnitOfWork(services.database) as uow:
        for table in (*ROLLUPS, RollupStateRow):
            uow.session.execute(delete(table))
        uow.commit()


def test_a_refresh_that_lost_a_race_adds_nothing(services: Services, people: list[User]) -> None:
    """Two runs that read the same coverage: the second finds it moved on and adds nothing
    (adding the same hours twice would double the day's histogram)."""
    _insert(services, people, [(h * 3600 + 5, "page_view", 0, 20.0, {}) for h in range(20)])
    rollups = Rollups(services.database.unit_of_work)
    rollups._rebuild_range(ORIGIN_HOUR, ORIGIN_HOUR + 10)
    rollups._rebuild_range(ORIGIN_HOUR + 10, ORIGIN_HOUR + 20)
    once = _counts(services)
    late = rollups._rebuild_range(ORIGIN_HOUR + 10, ORIGIN_HOUR + 20)
    assert _counts(services) == once
    assert late.rows_written == 0
    with UnitOfWork(services.database, read_only=True) as uow:
        packed = uow.session.scalars(select(LatencyDailyRow.histogram)).all()
    assert sum(merged(packed).values()) == 20


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
def test_watchlist_conversion_from_the_rolled_up_pairs(
    services: Services, people: list[User], zone: str
) -> None:
    """The edges of the window, a movie added twice, a pair in the hour in progress, an
    account deleted since the rollup."""
    day = 86_400
    add = "watchlist_add"
    events = [
        (2 * day + 3600, add, 0, None, {"movie_id": 238}),  # watched that day: converts
        (2 * day + 7200, add, 1, None, {"movie_id": 238}),  # watched 30 days later: converts
        (3 * day, add, 2, None, {"movie_id": 240}),  # watched 31 days later: does not
        (4 * day, add, 3, None, {"movie_id": 278}),  # added again later: the first day counts
        (9 * day, add, 3, None, {"movie_id": 278}),
        (10 * day + 1800, add, 0, None, {"movie_id": 240}),  # past the coverage: raw
        (10 * day + 1900, add, 0, None, {"movie_id": 278}),  # never watched
    ]
    _insert(services, people, events)
    watched = [(0, 238, 2), (1, 238, 32), (2, 240, 34), (3, 278, 5), (0, 240, 11)]
    for user, movie, days in watched:
        services.library.log_watch(
            people[user], movie, watched_on=ORIGIN.date() + timedelta(days=days)
        )
    analytics = AnalyticsService(services.database.unit_of_work)
    period = Period(date(2026, 2, 25), date(2026, 3, 7), zone)
    raw = analytics.conversion(OPERATOR, period)
    Rollups(services.database.unit_of_work)._rebuild_range(ORIGIN_HOUR, ORIGIN_HOUR + 10 * 24)
    rolled = analytics.conversion(OPERATOR, period)
    assert (rolled.watchlisted, rolled.converted) == (raw.watchlisted, raw.converted)
    if zone == "UTC":
        assert (rolled.watchlisted, rolled.converted) == (6, 4)
    services.users.delete_user(people[3])  # its pair stays in the sets until a refresh
    rolled = analytics.conversion(OPERATOR, period)
    _reset_rollups(services)
    raw = analytics.conversion(OPERATOR, period)
    assert (rolled.watchlisted, rolled.converted) == (raw.watchlisted, raw.converted)
    if zone == "UTC":
        assert (rolled.watchlisted, rolled.converted) == (5, 3)


def test_a_long_range_in_a_half_hour_zone(services: Services, people: list[User]) -> None:
    """280 days in Asia/Kolkata: a raw hour across each midnight, more pieces than one UNION
    ALL takes (SQLite allows 500 terms), so they are read with OR; same answers."""
    day = 86_400
    events = [
        (d * day + s, kind, d % 4, 10.0 + d % 50, props)
        for d in range(-265, 16)
        for s, kind, props in (
            (18 * 3600 + 40 * 60, "page_view", {"page": "Discover"}),  # a raw half hour
            (12 * 3600, "search", {}),  # a rolled-up hour
            (18 * 3600 + 10 * 60, "watchlist_add", {"movie_id": MOVIES[d % 3]}),
        )
    ]
    _insert(services, people, events)
    analytics = AnalyticsService(services.database.unit_of_work)
    period = Period(date(2025, 6, 5), date(2026, 3, 10), "Asia/Kolkata")
    raw = _answers(analytics, period)
    Rollups(services.database.unit_of_work)._rebuild_range(
        ORIGIN_HOUR - 265 * DAY_HOURS, ORIGIN_HOUR + 15 * DAY_HOURS
    )
    _assert_same(raw, _answers(analytics, period))


def test_each_hour_holds_the_users_of_that_hour_and_no_other(
    services: Services, people: list[User]
) -> None:
    """Events on the first and last microsecond of hours, across a UTC midnight: each hour's
    and each day's user set holds exactly who had an event in it."""
    _reset(services)
    midnight = 3 * 86_400
    events = [
        (midnight - 3600, 0),  # 23:00:00 of day 2, the hour's first instant
        (midnight - 0.000001, 1),  # 23:59:59.999999, its last
        (midnight, 2),  # 00:00:00 of day 3
        (midnight + 3600 - 0.000001, 3),  # 00:59:59.999999
        (midnight + 3600, 0),  # 01:00:00
    ]
    _insert(services, people, [(s, "search", user, None, {}) for s, user in events])
    Rollups(services.database.unit_of_work)._rebuild_range(ORIGIN_HOUR, ORIGIN_HOUR + 5 * DAY_HOURS)
    first = ORIGIN_HOUR + midnight // 3600 - 1
    codec = id_sets.CODECS[id_sets.ACTIVE_USERS]
    with UnitOfWork(services.database, read_only=True) as uow:
        hourly = uow.session.execute(
            select(RollupSetHourlyRow.hour, RollupSetHourlyRow.members).where(
                RollupSetHourlyRow.name == id_sets.ACTIVE_USERS
            )
        ).all()
        daily = uow.session.execute(
            select(RollupSetDailyRow.day, RollupSetDailyRow.members).where(
                RollupSetDailyRow.name == id_sets.ACTIVE_USERS
            )
        ).all()
    ids = [person.id for person in people]
    assert {h - first: sorted(codec.unpack(m)) for h, m in hourly} == {
        0: sorted([ids[0], ids[1]]),
        1: sorted([ids[2], ids[3]]),
        2: [ids[0]],
    }
    day_two = first + 1 - DAY_HOURS
    assert {d - day_two: sorted(codec.unpack(m)) for d, m in daily} == {
        0: sorted([ids[0], ids[1]]),
        DAY_HOURS: sorted([ids[0], ids[2], ids[3]]),
    }
