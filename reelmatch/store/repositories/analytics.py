"""Team analytics over engagement: who is active, what they do, what converts.

Every query aggregates in SQL and returns a handful of rows per day or per group; nothing
here loads raw events into Python. Days are the viewer's local days, passed in as UTC
bounds (`DayBound`), so the same SQL serves every time zone on both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import orjson
from sqlalchemy import (
    Connection,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from reelmatch.store.id_sets import runs
from reelmatch.store.mapping import GENRES_TEXT, genres_of
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
from reelmatch.store.repositories.active_users import ActiveUsers
from reelmatch.store.repositories.events import ALL_KINDS
from reelmatch.store.repositories.rolled_counts import rolled_by_day
from reelmatch.store.repositories.rolled_sets import RolledSets
from reelmatch.store.repositories.rollups import coverage_of, once_per_unit, watchlist_adds
from reelmatch.store.repositories.watchlist_conversion import conversion
from reelmatch.store.rollup_plan import (
    Coverage,
    Interval,
    Split,
    hour_start,
    split,
)
from reelmatch.store.sql import (
    LocalDays,
    day_buckets,
    joined_ints,
    rows_by_day,
    split_ints,
)

#: (start, stop) of a UTC interval, half-open.
Span = tuple[datetime, datetime]
#: Per engine: (engine, runs, cost, items shown, clicked, accepted).
EngineCounts = list[tuple[str, int, float, int, int, int]]
_LAST_PRUNED_DAY = "reelmatch_last_pruned_day"


def _last_pruned_day(connection: Connection) -> date | None:
    last: date | None = connection.scalar(select(func.max(EventDailyRow.day)))
    return last


def day_split(days: LocalDays, coverage: Coverage | None) -> Split:
    return split([(b.start, b.stop) for b in days.bounds], coverage)


class AnalyticsRepository:
    """Counts come from the rollups for whole rolled-up hours and from raw events for the
    rest (`rollup_plan.split`), so they equal a scan of raw events."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._rolled_sets: RolledSets | None = None

    @property
    def _core(self) -> Connection:
        return self._session.connection()

    @property
    def coverage(self) -> Coverage | None:
        return coverage_of(self._session)

    @property
    def _sets(self) -> RolledSets:
        """The rollups' id sets, read at most once per unit of work."""
        if self._rolled_sets is None:
            self._rolled_sets = RolledSets(self._core, self.coverage)
        return self._rolled_sets

    # Activity per day ------------------------------------------------------------------------

    def _by_day(
        self,
        days: LocalDays,
        timestamp: Any,
        *columns: Any,
        where: Any,
        pieces: Sequence[Interval] | None = None,
    ) -> Any:
        return rows_by_day(
            days, timestamp, *columns, where=where, dialect=self._core.dialect.name, pieces=pieces
        )

    def active_users_per_day(self, days: LocalDays) -> dict[int, int]:
        """Distinct active users per local day (decision 91)."""
        return ActiveUsers(self._sets).per_day(days)

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
            assert self.coverage is not None  # something is rolled up
            rolled = rolled_by_day(days, self.coverage, parts.rolled, ("kind", "events"), kinds)
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
        """Distinct active users in each span (decision 91)."""
        return ActiveUsers(self._sets).per_span(spans)

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
        """The last day `metrics prune` rolled into `event_daily` (read once per unit of
        work: every series of a view asks)."""
        last: date | None = once_per_unit(self._session, _LAST_PRUNED_DAY, _last_pruned_day)
        return last

    def last_rolled_up_day(self) -> date | None:
        """The last day `metrics prune` rolled into `event_daily`, before the hours the
        hourly rollups hold (those answer for themselves, pruned or not)."""
        last = self.last_pruned_day()
        coverage = self.coverage
        if last is None or coverage is None:
            return last
        before = (hour_start(coverage.start) - timedelta(days=1)).date()
        return min(last, before)

    # Conversion and recommendations ----------------------------------------------------------

    def watchlist_conversion(self, days: LocalDays, *, window_days: int) -> tuple[int, int]:
        """(movies watchlisted in the period, of those watched within `window_days` of the
        local day they were first watchlisted). A movie counts once per user.

        From the rollups' watchlisted pairs when any day is rolled up (decision 91).
        Otherwise from raw events: the cohort is bucketed with the same day arithmetic as the
        daily series (one range scan); only its first days are joined with the list of
        dates, on equality."""
        rolled = conversion(self._sets, days, window_days=window_days)
        if rolled is not None:
            return rolled
        adds = self._by_day(
            days,
            EventRow.ts,
            EventRow.user_id,
            EventRow.movie_id,
            where=watchlist_adds(),
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
            .cte("cohort")
        )
        watched = exists().where(
            WatchRow.user_id == cohort.c.user_id,
            WatchRow.movie_id == cohort.c.movie_id,
            WatchRow.watched_on >= cohort.c.day,
            WatchRow.watched_on <= cohort.c.until,
        )
        # EXISTS in a WHERE clause, which PostgreSQL answers with one hash semi-join instead
        # of a probe per watchlisted movie (~4x faster for a year at 10M events).
        total = select(func.count()).select_from(cohort).scalar_subquery()
        converted = select(func.count()).select_from(cohort).where(watched).scalar_subquery()
        found_total, found_converted = self._core.execute(select(total, converted)).one()
        return int(found_total), int(found_converted)

    def recommendations_by_engine(self, span: Span) -> EngineCounts:
        """Per engine: (engine, runs, cost, items shown, clicked, accepted); accepted means
        feedback "up" or converted (watchlisted, rated or watched).

        PostgreSQL groups the joined items by engine with a hash. SQLite sorts every joined
        item to group them, so there the items are counted a statement per engine (there are
        a few), which halves a year's time; on PostgreSQL that shape scans the items once per
        engine and is slower."""
        start, stop = span
        runs = RecommendationRunRow
        in_span = (runs.created_at >= start, runs.created_at < stop)
        per_run = (
            select(runs.engine, func.count(), func.sum(runs.cost_usd))
            .where(*in_span)
            .group_by(runs.engine)
        )
        items = RecommendationItemRow
        accepted = and_(
            items.shown_at.is_not(None), or_(items.feedback == "up", items.converted.is_not(None))
        )
        counts = (
            func.count(items.shown_at),
            func.count(items.clicked_at),
            func.sum(case((accepted, 1), else_=0)),
        )
        joined = select(*counts).join(runs, runs.id == items.run_id).where(*in_span)
        found = {e: (int(n), float(c or 0.0), 0, 0, 0) for e, n, c in self._core.execute(per_run)}
        if self._core.dialect.name == "sqlite":
            one = joined.where(runs.engine == bindparam("engine"))
            counted = [(e, *self._core.execute(one, {"engine": e}).one()) for e in found]
        else:
            grouped = joined.add_columns(runs.engine).group_by(runs.engine)
            counted = [(e, *rest) for *rest, e in self._core.execute(grouped)]
        for engine, shown, clicked, accepted_n in counted:
            n, cost = found[engine][:2]
            found[engine] = (n, cost, int(shown), int(clicked), int(accepted_n or 0))
        return [(engine, *values) for engine, values in sorted(found.items())]

    # Movies ----------------------------------------------------------------------------------

    def ratings_per_movie(
        self, span: Span
    ) -> list[tuple[int, str, int | None, tuple[str, ...], int, float]]:
        """(movie id, title, year, genres, ratings, sum of stars) for ratings given in the
        span, from the covering index on (rated_at, movie_id, rating). PostgreSQL groups
        them by movie with a hash and joins the few thousand groups with `movies`. SQLite
        would sort every rating to group them (a year's 200,000: 83 ms), so there they come
        back as one joined string of `movie_id * 16 + stars * 2`, which numpy sorts and
        counts (41 ms); ratings are half stars, 1 to 10 halves (a CHECK constraint)."""
        start, stop = span
        um = UserMovieRow
        rated = (um.rated_at >= start, um.rated_at < stop, um.rating.is_not(None))
        movie = (MovieRow.id, MovieRow.title, MovieRow.year, GENRES_TEXT)
        if self._core.dialect.name == "sqlite":
            halves = cast(um.rating * 2, Integer)
            joined = self._core.scalar(
                select(joined_ints(um.movie_id * literal(16, Integer) + halves)).where(*rated)
            )
            ordered = np.sort(split_ints(joined)[:, 0])  # by movie id, then stars
            if not len(ordered):
                return []
            of_movie = ordered >> 4
            starts, n = runs(of_movie)
            ids = of_movie[starts].tolist()
            doubled = np.add.reduceat(ordered & 15, starts).tolist()
            totals = {m: (k, d / 2) for m, k, d in zip(ids, n.tolist(), doubled, strict=True)}
            # The ids as one JSON array parameter (json_each), however many there are.
            listed = select(column("value", Integer)).select_from(func.json_each(bindparam("ids")))
            rated_movies = select(*movie).where(MovieRow.id.in_(listed.scalar_subquery()))
            found = self._core.execute(rated_movies, {"ids": orjson.dumps(ids).decode()})
            return [(m, t, y, genres_of(g), *totals[m]) for m, t, y, g in found]
        per_movie = (
            select(um.movie_id, func.count().label("n"), func.sum(um.rating).label("stars"))
            .where(*rated)
            .group_by(um.movie_id)
            .subquery("per_movie")
        )
        query = select(*movie, per_movie.c.n, per_movie.c.stars).join(
            per_movie, MovieRow.id == per_movie.c.movie_id
        )
        return [
            (int(m), t, y, genres_of(g), int(n), float(s or 0.0))
            for m, t, y, g, n, s in self._core.execute(query)
        ]


__all__ = ["ALL_KINDS", "AnalyticsRepository", "Span", "day_split"]
