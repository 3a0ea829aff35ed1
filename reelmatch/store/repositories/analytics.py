"""Team analytics over engagement: who is active, what they do, what converts.

Every query aggregates in SQL and returns a handful of rows per day or per group; nothing
here loads raw events into Python. Days are the viewer's local days, passed in as UTC
bounds (`DayBound`), so the same SQL serves every time zone on both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, exists, func, select
from sqlalchemy.orm import Session

from reelmatch.events import WATCHLIST_ADD
from reelmatch.store.models import (
    EventDailyRow,
    EventRow,
    MovieRow,
    RecommendationItemRow,
    RecommendationRunRow,
    UserMovieRow,
    UserRow,
    WatchRow,
)
from reelmatch.store.repositories.events import ALL_KINDS
from reelmatch.store.sql import DayBound, LocalDays, day_buckets, in_day, local_day_index

#: (start, stop) of a UTC interval, half-open.
Span = tuple[datetime, datetime]


class AnalyticsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _core(self) -> Connection:
        return self._session.connection()

    # Activity per day ------------------------------------------------------------------------

    def _by_day(self, days: LocalDays, timestamp: Any, *columns: Any, where: Any) -> Any:
        """A subquery of (i, columns...) for rows whose `timestamp` is within `days`; callers
        group by its `i` (grouping the subquery keeps PostgreSQL from seeing two copies of
        the day expression with different parameters)."""
        index = local_day_index(timestamp, days, self._core.dialect.name).label("i")
        return (
            select(index, *columns)
            .where(timestamp >= days.start, timestamp < days.stop, *where)
            .subquery("by_day")
        )

    def active_users_per_day(self, days: LocalDays) -> dict[int, int]:
        rows = self._by_day(
            days, EventRow.ts, EventRow.user_id, where=[EventRow.user_id.is_not(None)]
        )
        query = select(rows.c.i, func.count(func.distinct(rows.c.user_id))).group_by(rows.c.i)
        return {int(i): int(n) for i, n in self._core.execute(query)}

    def events_per_day(self, days: LocalDays, kinds: Sequence[str]) -> dict[tuple[int, str], int]:
        rows = self._by_day(days, EventRow.ts, EventRow.kind, where=[EventRow.kind.in_(kinds)])
        query = select(rows.c.i, rows.c.kind, func.count()).group_by(rows.c.i, rows.c.kind)
        return {(int(i), kind): int(n) for i, kind, n in self._core.execute(query)}

    def new_users_per_day(self, days: LocalDays) -> dict[int, int]:
        rows = self._by_day(days, UserRow.created_at, UserRow.id, where=[])
        query = select(rows.c.i, func.count()).group_by(rows.c.i)
        return {int(i): int(n) for i, n in self._core.execute(query)}

    def distinct_users(self, spans: Sequence[Span]) -> list[int]:
        """Distinct active users in each span, in one scan over their union (spans that are
        equal are counted once)."""
        unique = list(dict.fromkeys(spans))
        low = min(start for start, _ in unique)
        high = max(stop for _, stop in unique)
        columns = [
            func.count(
                func.distinct(case((and_(EventRow.ts >= a, EventRow.ts < b), EventRow.user_id)))
            )
            for a, b in unique
        ]
        query = select(*columns).where(
            EventRow.ts >= low, EventRow.ts < high, EventRow.user_id.is_not(None)
        )
        counts = dict(zip(unique, (int(n) for n in self._core.execute(query).one()), strict=True))
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

    def last_rolled_up_day(self) -> date | None:
        return self._core.scalar(select(func.max(EventDailyRow.day)))

    # Conversion and recommendations ----------------------------------------------------------

    def watchlist_conversion(
        self, bounds: Sequence[DayBound], *, window_days: int
    ) -> tuple[int, int]:
        """(movies watchlisted in the period, of those watched within `window_days` of the
        day they were first watchlisted). A movie counts once per user."""
        days = day_buckets(bounds, window_days=window_days)
        cohort = (
            select(
                EventRow.user_id,
                EventRow.movie_id,
                func.min(days.c.day).label("day"),
                func.min(days.c.until).label("until"),
            )
            .select_from(days)
            .join(
                EventRow,
                and_(
                    EventRow.kind == WATCHLIST_ADD,
                    in_day(EventRow.ts, days, bounds),
                ),
            )
            .where(EventRow.user_id.is_not(None), EventRow.movie_id.is_not(None))
            .group_by(EventRow.user_id, EventRow.movie_id)
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

    def ratings_per_movie(self, span: Span) -> list[tuple[int, str, int | None, int, float]]:
        """(movie id, title, year, ratings, sum of stars) for ratings given in the span."""
        start, stop = span
        query = (
            select(
                UserMovieRow.movie_id,
                MovieRow.title,
                MovieRow.year,
                func.count(),
                func.sum(UserMovieRow.rating),
            )
            .join(MovieRow, MovieRow.id == UserMovieRow.movie_id)
            .where(
                UserMovieRow.rated_at >= start,
                UserMovieRow.rated_at < stop,
                UserMovieRow.rating.is_not(None),
            )
            .group_by(UserMovieRow.movie_id, MovieRow.title, MovieRow.year)
        )
        return [
            (int(m), t, y, int(n), float(s or 0.0)) for m, t, y, n, s in self._core.execute(query)
        ]

    def genres_of(self, movie_ids: Sequence[int]) -> dict[int, list[str]]:
        if not movie_ids:
            return {}
        query = select(MovieRow.id, MovieRow.genres).where(MovieRow.id.in_(list(movie_ids)))
        return {int(i): list(g or ()) for i, g in self._core.execute(query)}


__all__ = ["ALL_KINDS", "AnalyticsRepository", "Span"]
