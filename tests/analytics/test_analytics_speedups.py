"""What the faster analytics paths must keep: the same numbers (percentiles from the top,
distinct users by probing) and past days reused from the cache while today stays live."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pandas as pd
import pytest

from reelmatch.bootstrap import Services
from reelmatch.services.analytics import AnalyticsService, Period, daily
from reelmatch.services.analytics.daily import ClosedDays, DailyRows
from reelmatch.services.analytics.period import MAX_DAYS
from reelmatch.store.database import Database
from reelmatch.store.types import utcnow
from tests.analytics.conftest import Week, add_events

WEEK = Period(date(2026, 3, 1), date(2026, 3, 7))


def _nearest_rank(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


@pytest.mark.parametrize("count", [1, 19, 20, 21, 137])
def test_kpi_p95_is_the_nearest_rank_of_the_page_table(
    services: Services, week: Week, count: int
) -> None:
    rng = random.Random(count)
    renders = [float(rng.randint(1, 400)) for _ in range(count)]  # ties included
    start = datetime(2026, 3, 9, tzinfo=UTC)
    add_events(
        services,
        [
            (start + timedelta(minutes=i), "page_view", week.u1, ms, {"page": "Search"})
            for i, ms in enumerate(renders)
        ],
    )
    period = Period(date(2026, 3, 9), date(2026, 3, 9))
    kpis = {k.key: k.value for k in services.analytics.kpis(week.admin, period)}
    table = services.analytics.page_render(week.admin, period).to_dict("records")
    assert kpis["page_render_p95_ms"] == _nearest_rank(renders, 0.95)
    assert table[0]["p95_ms"] == _nearest_rank(renders, 0.95)
    assert table[0]["p50_ms"] == _nearest_rank(renders, 0.5)


def test_active_users_count_each_account_once_per_span(services: Services, week: Week) -> None:
    # u1 is active twice on Mar 2 and 3; u2 on Mar 5/6; u3 only in the previous period.
    by_key = {k.key: k for k in services.analytics.kpis(week.admin, WEEK)}
    assert (by_key["active_users"].value, by_key["active_users"].previous) == (2, 1)
    assert (by_key["mau"].value, by_key["wau"].value) == (3, 2)


def test_dashboard_previous_activity_is_the_previous_period(services: Services, week: Week) -> None:
    board = services.analytics.dashboard(week.admin, WEEK)
    assert board.previous_activity.equals(services.analytics.activity(week.admin, WEEK.previous()))
    assert int(board.previous_activity["watchlist_adds"].sum()) == 1


def _search_at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def test_past_days_come_from_the_cache_and_today_stays_live(services: Services, week: Week) -> None:
    today = utcnow().date()
    two_days_ago = today - timedelta(days=2)
    now = utcnow() - timedelta(seconds=1)
    add_events(
        services,
        [
            (_search_at(two_days_ago, 12), "search", week.u1, None, {}),
            (now, "search", None, None, {}),
        ],
    )
    period = Period.last(3, today=today)
    first = services.analytics.dashboard(week.admin, period).activity
    assert list(first["searches"]) == [1, 0, 1]

    add_events(
        services,
        [
            (_search_at(two_days_ago, 13), "search", week.u1, None, {}),
            (now, "search", None, None, {}),
        ],
    )
    again = services.analytics.dashboard(week.admin, period).activity
    assert list(again["searches"]) == [1, 0, 2]  # the past day as cached, today live
    uncached = AnalyticsService(services.database.unit_of_work).activity(week.admin, period)
    assert list(uncached["searches"]) == [2, 0, 2]
    services.cache.invalidate_prefix("analytics:")
    fresh = services.analytics.dashboard(week.admin, period).activity
    assert list(fresh["searches"]) == [2, 0, 2]


def test_the_previous_periods_numbers_and_its_past_days_cached(
    services: Services, week: Week
) -> None:
    today = utcnow().date()
    period = Period.last(3, today=today)
    before_day = period.previous().start
    add_events(services, [(_search_at(before_day, 12), "search", week.u1, None, {})])
    first = services.analytics.dashboard(week.admin, period)
    assert list(first.previous_activity["searches"]) == [1, 0, 0]
    assert [k.previous for k in first.kpis if k.key == "searches"] == [1]

    add_events(services, [(_search_at(before_day, 13), "search", week.u1, None, {})])
    again = services.analytics.dashboard(week.admin, period)
    assert list(again.previous_activity["searches"]) == [1, 0, 0]  # cached with the period
    uncached = AnalyticsService(services.database.unit_of_work)
    assert list(uncached.activity(week.admin, period.previous())["searches"]) == [2, 0, 0]
    searches = [k for k in uncached.kpis(week.admin, period) if k.key == "searches"]
    assert [(k.value, k.previous) for k in searches] == [(0, 2)]


@pytest.mark.parametrize("cached", [True, False])
def test_the_widest_range_and_the_one_before_it(
    services: Services, week: Week, cached: bool
) -> None:
    analytics = services.analytics if cached else AnalyticsService(services.database.unit_of_work)
    period = Period.last(MAX_DAYS, today=date(2026, 3, 7))
    add_events(services, [(_search_at(period.previous().start, 9), "search", week.u1, None, {})])
    board = analytics.dashboard(week.admin, period)
    assert len(board.activity) == len(board.previous_activity) == MAX_DAYS
    assert board.previous_activity.equals(analytics.activity(week.admin, period.previous()))
    assert board.activity.equals(analytics.activity(week.admin, period))
    assert int(board.previous_activity["searches"].sum()) == 1
    assert int(board.activity["searches"].sum()) > 0  # the week's own


def _days_of(period: Period) -> DailyRows:
    return DailyRows([{"day": day} for day in period.dates()], [], [], [])


class _Counted:
    """A `compute` for `ClosedDays.rows` that notes the ranges it was asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[date, date]] = []

    def __call__(self, period: Period) -> DailyRows:
        self.asked.append((period.start, period.end))
        return _days_of(period)


#: Noon, so that every day before today is closed (`daily.SETTLE` after midnight).
NOON = datetime(2026, 5, 20, 12, tzinfo=UTC)


@pytest.fixture
def at_noon(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(daily, "utcnow", lambda: NOON)
    return NOON.date()


def test_closed_days_compute_what_is_missing_once(services: Services, at_noon: date) -> None:
    closed = ClosedDays(services.cache)
    period = Period.last(30, today=at_noon)
    both = [period.previous(), period]
    cold = _Counted()
    assert closed.rows(both, cold) == [_days_of(p) for p in both]
    assert cold.asked == [(both[0].start, at_noon)]  # the two periods and today, in one call
    warm = _Counted()
    assert closed.rows(both, warm) == [_days_of(p) for p in both]
    assert warm.asked == [(at_noon, at_noon)]  # only what is not closed yet
    alone = _Counted()
    assert ClosedDays(None).rows(both, alone) == [_days_of(p) for p in both]
    assert alone.asked == [(both[0].start, at_noon)]


def test_closed_days_never_ask_for_more_than_a_period_may_hold(
    services: Services, at_noon: date
) -> None:
    period = Period.last(MAX_DAYS, today=at_noon)
    both = [period.previous(), period]
    asked = _Counted()
    assert ClosedDays(services.cache).rows(both, asked) == [_days_of(p) for p in both]
    # The previous period alone; this one's closed days and today still in one call.
    assert asked.asked == [(both[0].start, both[0].end), (period.start, at_noon)]


def test_a_closed_service_still_answers(services: Services, week: Week) -> None:
    aside = AnalyticsService(services.database.unit_of_work, read_aside=True)
    before = aside.kpis(week.admin, WEEK)
    aside.close()
    assert aside.kpis(week.admin, WEEK) == before


@pytest.mark.parametrize("days", [7, 31])
def test_reads_aside_give_what_one_thread_gives(services: Services, week: Week, days: int) -> None:
    period = Period(date(2026, 3, 7) - timedelta(days=days - 1), date(2026, 3, 7))
    alone = AnalyticsService(services.database.unit_of_work)
    aside = AnalyticsService(services.database.unit_of_work, read_aside=True)
    try:
        one, other = alone.dashboard(week.admin, period), aside.dashboard(week.admin, period)
        assert [k.as_dict() for k in other.kpis] == [k.as_dict() for k in one.kpis]
        assert any(k.value for k in other.kpis if k.key == "recommendation_acceptance")
        assert other.conversion == one.conversion
        for name, frame in vars(one).items():
            if isinstance(frame, pd.DataFrame):
                assert frame.equals(getattr(other, name)), name
        assert aside.kpis(week.admin, period) == alone.kpis(week.admin, period)
    finally:
        aside.close()


def test_an_in_memory_sqlite_is_read_in_one_thread(tmp_path: Path) -> None:
    assert not Database.from_url("sqlite://").connection_per_thread
    assert Database.from_url(f"sqlite:///{tmp_path / 'analytics.db'}").connection_per_thread
