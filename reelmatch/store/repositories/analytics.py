"""Team analytics over engagement: who is active, what they do, what converts.

Every query aggregates in SQL and returns a handful of rows per day or per group; nothing
here loads raw events into Python. Days are the viewer's local days, passed in as UTC
bounds (`DayBound`), so the same SQL serves every time zone on both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    exists,
    false,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from reelmatch.events import WATCHLIST_ADD
from reelmatch.store.models import (
    EventDailyRow,
    EventHourlyRow,
    EventRow,
    MovieRow,
    RecommendationItemRow,
    RecommendationRunRow,
    UserHourlyRow,
    UserMovieRow,
    UserRow,
    WatchRow,
)
from reelmatch.store.repositories.events import ALL_KINDS
from reelmatch.store.repositories.rollups import read_coverage
from reelmatch.store.rollup_plan import (
    HOUR,
    Coverage,
    Hours,
    Interval,
    Split,
    hour_start,
    split,
)
from reelmatch.store.sql import LocalDays, day_buckets, local_day_index, local_day_index_of_seconds

#: (start, stop) of a UTC interval, half-open.
Span = tuple[datetime, datetime]


def within(column: Any, intervals: Sequence[Interval] | Sequence[Hours]) -> ColumnElement[bool]:
    """`column` inside any of the half-open `intervals` (UTC instants or hour numbers)."""
    return or_(*(and_(column >= a, column < b) for a, b in intervals))


def day_split(days: LocalDays, coverage: Coverage | None) -> Split:
    return split([(b.start, b.stop) for b in days.bounds], coverage)


class AnalyticsRepository:
    """Counts come from the rollups for whole rolled-up hours and from raw events for the
    rest (`rollup_plan.split`), so they equal a scan of raw events."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._coverage: tuple[Coverage | None] | None = None

    @property
    def _core(self) -> Connection:
        return self._session.connection()

    @property
    def coverage(self) -> Coverage | None:
        """The hours the rollups hold, read once per unit of work."""
        if self._coverage is None:
            self._coverage = (read_coverage(self._core),)
        return self._coverage[0]

    def _rolled_by_day(
        self, days: LocalDays, rolled: Sequence[Hours], *columns: Any, where: Any
    ) -> Any:
        """(i, columns...) of `event_hourly`/`user_hourly` rows (the table of `columns`) in
        the `rolled` hours, by the local day their hour falls on."""
        hour = columns[0].table.c.hour
        index = local_day_index_of_seconds(hour * HOUR, days).label("i")
        return select(index, *columns).where(within(hour, rolled), *where).subquery("rolled")

    # Activity per day ------------------------------------------------------------------------

    def _by_day(
        self,
        days: LocalDays,
        timestamp: Any,
        *columns: Any,
        where: Any,
        pieces: Sequence[Interval] | None = None,
    ) -> Any:
        """A subquery of (i, columns...) for rows whose `timestamp` is within `days` (and
        within `pieces`, when given); callers group by its `i` (grouping the subquery keeps
        PostgreSQL from seeing two copies of the day expression with different parameters)."""
        index = local_day_index(timestamp, days, self._core.dialect.name).label("i")
        only = [] if pieces is None else [within(timestamp, pieces)]
        return (
            select(index, *columns)
            .where(timestamp >= days.start, timestamp < days.stop, *only, *where)
            .subquery("by_day")
        )

    def active_users_per_day(self, days: LocalDays) -> dict[int, int]:
        parts = day_split(days, self.coverage)
        selects = []
        if parts.raw:
            raw = self._by_day(
                days,
                EventRow.ts,
                EventRow.user_id,
                where=[EventRow.user_id.is_not(None)],
                pieces=parts.raw,
            )
            selects.append(select(raw.c.i, raw.c.user_id))
        if parts.rolled:
            rolled = self._rolled_by_day(days, parts.rolled, UserHourlyRow.user_id, where=[])
            selects.append(select(rolled.c.i, rolled.c.user_id))
        if not selects:
            return {}
        rows = (union_all(*selects) if len(selects) > 1 else selects[0]).subquery("active")
        query = select(rows.c.i, func.count(func.distinct(rows.c.user_id))).group_by(rows.c.i)
        return {int(i): int(n) for i, n in self._core.execute(query)}

    def events_per_day(self, days: LocalDays, kinds: Sequence[str]) -> dict[tuple[int, str], int]:
        parts = day_split(days, self.coverage)
        counts: dict[tuple[int, str], int] = {}
        if parts.raw:
            rows = self._by_day(
                days, EventRow.ts, EventRow.kind, where=[EventRow.kind.in_(kinds)], pieces=parts.raw
            )
            query = select(rows.c.i, rows.c.kind, func.count()).group_by(rows.c.i, rows.c.kind)
            counts.update(((int(i), kind), int(n)) for i, kind, n in self._core.execute(query))
        if parts.rolled:
            rolled = self._rolled_by_day(
                days,
                parts.rolled,
                EventHourlyRow.kind,
                EventHourlyRow.events,
                where=[EventHourlyRow.kind.in_(kinds)],
            )
            query = select(rolled.c.i, rolled.c.kind, func.sum(rolled.c.events)).group_by(
                rolled.c.i, rolled.c.kind
            )
            for i, kind, n in self._core.execute(query):
                key = (int(i), kind)
                counts[key] = counts.get(key, 0) + int(n)
        return counts

    def new_users_per_day(self, days: LocalDays) -> dict[int, int]:
        # Demo sandboxes are not new users (a kept one counts from when it was made).
        rows = self._by_day(
            days, UserRow.created_at, UserRow.id, where=[UserRow.sandbox_expires_at.is_(None)]
        )
        query = select(rows.c.i, func.count()).group_by(rows.c.i)
        return {int(i): int(n) for i, n in self._core.execute(query)}

    def distinct_users(self, spans: Sequence[Span]) -> list[int]:
        """Distinct active users in each span (spans that are equal are counted once).

        One index probe per user and span on (user_id, ts) ("did this user do anything in
        the span?") instead of collecting the distinct ids of every event in the spans: the
        cost follows the number of accounts, not of events (~10x faster on a million
        events, bench/analytics.py)."""
        unique = list(dict.fromkeys(spans))
        coverage = self.coverage
        columns = [
            func.coalesce(func.sum(case((_active_in(split([span], coverage)), 1), else_=0)), 0)
            for span in unique
        ]
        counts = dict(
            zip(
                unique,
                (int(n) for n in self._core.execute(select(*columns).select_from(UserRow)).one()),
                strict=True,
            )
        )
        return [counts[span] for span in spans]

    def rollup_per_day(self, first: date, last: date) -> dict[tuple[date, str], dict[str, Any]]:
        """`event_daily` sums per (day, kind) for days already pruned from `events`."""
        query = (
            select(
                EventDailyRow.day,
                EventDailyRow.kind,
                func.sum(EventDailyRow.events),
                func.max(EventDailyRow.users),
                func.sum(EventDailyRow.tokens),
                func.sum(EventDailyRow.cost_usd),
            )
            .where(EventDailyRow.day >= first, EventDailyRow.day <= last)
            .group_by(EventDailyRow.day, EventDailyRow.kind)
        )
        return {
            (day, kind): {"events": int(n), "users": int(u), "tokens": int(t), "cost": float(c)}
            for day, kind, n, u, t, c in self._core.execute(query)
        }

    def last_pruned_day(self) -> date | None:
        """The last day `metrics prune` rolled into `event_daily`."""
        last: date | None = self._core.scalar(select(func.max(EventDailyRow.day)))
        return last

    def last_rolled_up_day(self) -> date | None:
        """The last day `metrics prune` rolled into `event_daily`, before the hours the
        hourly rollups hold (those answer for themselves, pruned or not)."""
        last: date | None = self._core.scalar(select(func.max(EventDailyRow.day)))
        coverage = self.coverage
        if last is None or coverage is None:
            return last
        before = (hour_start(coverage.start) - timedelta(days=1)).date()
        return min(last, before)

    # Conversion and recommendations ----------------------------------------------------------

    def watchlist_conversion(self, days: LocalDays, *, window_days: int) -> tuple[int, int]:
        """(movies watchlisted in the period, of those watched within `window_days` of the
        local day they were first watchlisted). A movie counts once per user.

        The cohort is bucketed with the same day arithmetic as the daily series (one range
        scan); only its first days are joined with the list of dates, on equality."""
        adds = self._by_day(
            days,
            EventRow.ts,
            EventRow.user_id,
            EventRow.movie_id,
            where=[
                EventRow.kind == WATCHLIST_ADD,
                EventRow.user_id.is_not(None),
                EventRow.movie_id.is_not(None),
            ],
        )
        first = (
            select(adds.c.user_id, adds.c.movie_id, func.min(adds.c.i).label("i"))
            .group_by(adds.c.user_id, adds.c.movie_id)
            .subquery("first_add")
        )
        dates = day_buckets(days.bounds, window_days=window_days)
        cohort = (
            select(first.c.user_id, first.c.movie_id, dates.c.day, dates.c.until)
            .join(dates, dates.c.i == first.c.i)
            .subquery("cohort")
        )
        watched = exists().where(
            WatchRow.user_id == cohort.c.user_id,
            WatchRow.movie_id == cohort.c.movie_id,
            WatchRow.watched_on >= cohort.c.day,
            WatchRow.watched_on <= cohort.c.until,
        )
        query = select(func.count(), func.coalesce(func.sum(case((watched, 1), else_=0)), 0))
        total, converted = self._core.execute(query.select_from(cohort)).one()
        return int(total), int(converted)

    def recommendations_by_engine(self, span: Span) -> list[tuple[str, int, float, int, int, int]]:
        """Per engine: (engine, runs, cost, items shown, clicked, accepted); accepted means
        feedback "up" or converted (watchlisted, rated or watched)."""
        start, stop = span
        runs = (
            select(
                RecommendationRunRow.engine,
                func.count().label("runs"),
                func.sum(RecommendationRunRow.cost_usd).label("cost"),
            )
            .where(RecommendationRunRow.created_at >= start, RecommendationRunRow.created_at < stop)
            .group_by(RecommendationRunRow.engine)
        )
        accepted = (
            RecommendationItemRow.feedback == "up"
        ) | RecommendationItemRow.converted.is_not(None)
        shown = RecommendationItemRow.shown_at.is_not(None)
        items = (
            select(
                RecommendationRunRow.engine,
                func.count(RecommendationItemRow.shown_at),
                func.count(RecommendationItemRow.clicked_at),
                func.sum(case((and_(shown, accepted), 1), else_=0)),
            )
            .join(RecommendationRunRow, RecommendationRunRow.id == RecommendationItemRow.run_id)
            .where(RecommendationRunRow.created_at >= start, RecommendationRunRow.created_at < stop)
            .group_by(RecommendationRunRow.engine)
        )
        per_engine = {e: (int(n), float(c or 0.0), 0, 0, 0) for e, n, c in self._core.execute(runs)}
        for engine, shown_n, clicked_n, accepted_n in self._core.execute(items):
            n, cost = per_engine.get(engine, (0, 0.0, 0, 0, 0))[:2]
            per_engine[engine] = (n, cost, int(shown_n), int(clicked_n), int(accepted_n or 0))
        return [(engine, *values) for engine, values in sorted(per_engine.items())]

    # Movies ----------------------------------------------------------------------------------

    def ratings_per_movie(
        self, span: Span
    ) -> list[tuple[int, str, int | None, list[str], int, float]]:
        """(movie id, title, year, genres, ratings, sum of stars) for ratings given in the
        span. Ratings are grouped first and the few thousand groups joined with `movies`
        (joining every rating first cost about twice as much)."""
        start, stop = span
        per_movie = (
            select(
                UserMovieRow.movie_id,
                func.count().label("n"),
                func.sum(UserMovieRow.rating).label("stars"),
            )
            .where(
                UserMovieRow.rated_at >= start,
                UserMovieRow.rated_at < stop,
                UserMovieRow.rating.is_not(None),
            )
            .group_by(UserMovieRow.movie_id)
            .subquery("per_movie")
        )
        query = select(
            per_movie.c.movie_id,
            MovieRow.title,
            MovieRow.year,
            MovieRow.genres,
            per_movie.c.n,
            per_movie.c.stars,
        ).join(MovieRow, MovieRow.id == per_movie.c.movie_id)
        return [
            (int(m), t, y, list(g or ()), int(n), float(s or 0.0))
            for m, t, y, g, n, s in self._core.execute(query)
        ]


def _active_in(parts: Split) -> ColumnElement[bool]:
    """The user (of the outer `users` row) did something in the raw pieces or was active
    in one of the rolled-up hours."""
    probes = [
        exists()
        .where(EventRow.user_id == UserRow.id, EventRow.ts >= start, EventRow.ts < stop)
        .correlate(UserRow)
        for start, stop in parts.raw
    ]
    probes += [
        exists()
        .where(
            UserHourlyRow.user_id == UserRow.id,
            UserHourlyRow.hour >= low,
            UserHourlyRow.hour < high,
        )
        .correlate(UserRow)
        for low, high in parts.rolled
    ]
    if not probes:
        return false()
    return or_(*probes)


__all__ = ["ALL_KINDS", "AnalyticsRepository", "Span", "day_split", "within"]
