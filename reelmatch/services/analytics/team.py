"""`AnalyticsService`: the team's analytics (admins only) and `metrics prune`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TypeVar

import pandas as pd

from reelmatch.cache import Cache
from reelmatch.cache.keys import analytics_key
from reelmatch.config import MIN_RETENTION_DAYS
from reelmatch.domain import User
from reelmatch.errors import InvalidInput, NotAllowed
from reelmatch.services.analytics import series
from reelmatch.services.analytics.daily import ClosedDays, DailyFrames, daily_rows, period_key
from reelmatch.services.analytics.kpis import (
    Kpi,
    PeriodReads,
    kpi_list,
    kpi_values,
    usage_reads,
)
from reelmatch.services.analytics.period import MAX_DAYS, Period
from reelmatch.services.analytics.results import (
    ChartTables,
    Conversion,
    PruneResult,
    TeamDashboard,
)
from reelmatch.services.analytics.rollups import RollupResult, Rollups
from reelmatch.store.repositories.analytics import AnalyticsRepository
from reelmatch.store.repositories.analytics_system import SystemAnalyticsRepository
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork, UowFactory

#: Who the command line acts as: whoever can run it can read the database directly anyway.
OPERATOR = User(
    id=0,
    username="operator",
    display_name="Command-line operator",
    role="admin",
    created_at=datetime(1970, 1, 1, tzinfo=UTC),
)
CONVERSION_DAYS = 30
PRUNE_CHUNK_DAYS = 31
#: Threads for the reads views do aside (a page view uses three, `kpis()` two).
ASIDE_THREADS = 4
T = TypeVar("T")
#: How long the previous period's KPIs (the deltas' baseline) are reused.
PREVIOUS_TTL_SECONDS = 600.0


@dataclass(frozen=True)
class _KpiView:
    """A period's KPI tiles and what they were computed from."""

    kpis: list[Kpi]
    frames: DailyFrames
    previous_frames: DailyFrames
    reads: PeriodReads


@dataclass
class _Repos:
    analytics: AnalyticsRepository
    system: SystemAnalyticsRepository


class AnalyticsService:
    """`cache` (the app's) keeps what past days' numbers are, see `daily.py`; without one
    every call queries everything."""

    def __init__(
        self,
        unit_of_work: UowFactory,
        *,
        cache: Cache | None = None,
        conversion_days: int = CONVERSION_DAYS,
        read_aside: bool = False,
    ) -> None:
        """`read_aside`: run a view's reads that do not need its per-day series in a thread
        of their own, each with its own unit of work, while the series are read (the
        database must allow a connection per thread: not an in-memory SQLite)."""
        self._unit_of_work = unit_of_work
        self._closed = ClosedDays(cache)
        self._rollups = Rollups(unit_of_work)
        self._conversion_days = conversion_days
        self._aside = (
            ThreadPoolExecutor(ASIDE_THREADS, thread_name_prefix="analytics-read")
            if read_aside
            else None
        )

    def close(self) -> None:
        """Stop the aside threads once the reads they hold are done; views after this read
        in the caller's thread."""
        aside, self._aside = self._aside, None
        if aside is not None:
            aside.shutdown(wait=False)

    # The page's data ------------------------------------------------------------------------

    def dashboard(self, user: User, period: Period, *, limit: int = 10) -> TeamDashboard:
        """Everything the page shows: this period's series and KPIs, the previous period's
        (mostly from the cache) and the per-group tables. The series are read here and the
        other reads aside (`read_aside`), each in a read-only unit of work."""
        with self._read(user) as repos:
            charts = self._read_aside(repos, lambda r: self._tables(r, period, limit))
            view = self._kpi_view(repos, period)
            tables = charts.result()
        frames, reads = view.frames, view.reads
        return TeamDashboard(
            period=period,
            kpis=view.kpis,
            activity=frames.activity,
            previous_activity=view.previous_frames.activity,
            conversion=Conversion(*reads.conversion, self._conversion_days),
            recommendations=series.recommendation_frame(reads.recommendations),
            top_movies=tables.top_movies,
            top_genres=tables.top_genres,
            cache_hit_rate=frames.cache,
            api_errors=frames.api,
            api_latency=tables.api_latency,
            ai_usage=frames.ai,
            page_render=tables.page_render,
        )

    def kpis(self, user: User, period: Period) -> list[Kpi]:
        """The KPI tiles with the previous period's values (for deltas)."""
        with self._read(user) as repos:
            return self._kpi_view(repos, period).kpis

    def activity(self, user: User, period: Period) -> pd.DataFrame:
        with self._read(user) as repos:
            return series.activity(repos.analytics, period)

    def conversion(self, user: User, period: Period) -> Conversion:
        with self._read(user) as repos:
            return self._conversion(repos, period)

    def recommendations(self, user: User, period: Period) -> pd.DataFrame:
        with self._read(user) as repos:
            return series.recommendations(repos.analytics, period)

    def top_movies(self, user: User, period: Period, *, limit: int = 10) -> pd.DataFrame:
        with self._read(user) as repos:
            return series.top_movies_and_genres(repos.analytics, period, limit=limit)[0]

    def top_genres(self, user: User, period: Period, *, limit: int = 10) -> pd.DataFrame:
        with self._read(user) as repos:
            return series.top_movies_and_genres(repos.analytics, period, limit=limit)[1]

    def cache_hit_rate(self, user: User, period: Period) -> pd.DataFrame:
        with self._read(user) as repos:
            return series.cache_and_api(repos.system, period)[0]

    def api_errors(self, user: User, period: Period) -> pd.DataFrame:
        with self._read(user) as repos:
            return series.cache_and_api(repos.system, period)[1]

    def api_latency(self, user: User, period: Period) -> pd.DataFrame:
        with self._read(user) as repos:
            return series.api_latency(repos.system, period)

    def ai_usage(self, user: User, period: Period) -> pd.DataFrame:
        with self._read(user) as repos:
            return series.ai_usage(repos.system, period)

    def page_render(self, user: User, period: Period) -> pd.DataFrame:
        with self._read(user) as repos:
            return series.page_render(repos.system, period)

    # Retention --------------------------------------------------------------------------------

    def prune(self, user: User, *, older_than_days: int) -> PruneResult:
        """Roll events older than `older_than_days` (whole UTC days) into `event_daily` and
        delete them, a month per transaction (an interrupted prune loses nothing)."""
        _require_admin(user)
        if older_than_days < MIN_RETENTION_DAYS:
            raise InvalidInput(f"Keep at least {MIN_RETENTION_DAYS} days of events.")
        cutoff_day = utcnow().date() - timedelta(days=older_than_days)
        cutoff = datetime.combine(cutoff_day, time(), tzinfo=UTC)
        removed = written = 0
        while True:
            with self._unit_of_work() as uow:
                events = uow.events
                oldest = events.oldest_before(cutoff)
                if oldest is None:
                    return PruneResult(cutoff, removed, written)
                start = datetime.combine(oldest.date(), time(), tzinfo=UTC)
                stop = min(cutoff, start + timedelta(days=PRUNE_CHUNK_DAYS))
                gone, rows = events.roll_up(start=start, end=stop)
                uow.commit()
            removed, written = removed + gone, written + rows

    # Rollups (decision 82) ---------------------------------------------------------------------

    def rollup(self, user: User, *, since_days: int) -> RollupResult:
        """Rebuild the rollups of the last `since_days` UTC days (idempotent), then catch up
        like the `rollup_events` job."""
        _require_admin(user)
        if not 1 <= since_days <= MAX_DAYS:
            raise InvalidInput(f"Rebuild between 1 and {MAX_DAYS} days.")
        return self._rollups.rebuild(days=since_days, now=utcnow())

    def refresh_rollups(self) -> RollupResult:
        """Roll up the hours completed since the last refresh (the `rollup_events` job)."""
        return self._rollups.refresh(now=utcnow())

    # Helpers ----------------------------------------------------------------------------------

    @contextmanager
    def _read(self, user: User) -> Iterator[_Repos]:
        _require_admin(user)
        with self._unit_of_work(read_only=True) as uow:
            yield _repos(uow)

    def _kpi_view(self, repos: _Repos, period: Period) -> _KpiView:
        """The period's KPIs with their inputs: its reads start aside, then both periods'
        series are read here, then the previous period's KPIs (cached, or computed with its
        own reads aside)."""
        reads = self._reads(repos, period)
        previous = period.previous()
        previous_frames, frames = self._frames(repos, previous, period)
        before = self._previous_values(repos, previous, previous_frames)
        current = reads()
        return _KpiView(
            kpi_list(kpi_values(frames, current), before), frames, previous_frames, current
        )

    def _frames(self, repos: _Repos, *periods: Period) -> list[DailyFrames]:
        """The per-day series of consecutive `periods` (read together, see `ClosedDays`)."""
        found = self._closed.rows(
            periods, lambda days: daily_rows(repos.analytics, repos.system, days)
        )
        return [rows.frames() for rows in found]

    def _previous_values(
        self, repos: _Repos, previous: Period, frames: DailyFrames
    ) -> dict[str, float | None]:
        """The previous period's KPIs: all in the past, so reused for
        `PREVIOUS_TTL_SECONDS` (only its conversions and feedback can still move)."""
        return self._closed.value(
            analytics_key("kpis", period_key(previous), str(self._conversion_days)),
            lambda: kpi_values(frames, self._reads(repos, previous)()),
            encode=_same,
            decode=_same,
            ttl=PREVIOUS_TTL_SECONDS,
        )

    def _tables(self, repos: _Repos, period: Period, limit: int) -> ChartTables:
        movies, genres = series.top_movies_and_genres(repos.analytics, period, limit=limit)
        return ChartTables(
            top_movies=movies,
            top_genres=genres,
            api_latency=series.api_latency(repos.system, period),
            page_render=series.page_render(repos.system, period),
        )

    def _reads(self, repos: _Repos, period: Period) -> Callable[[], PeriodReads]:
        """Start the period's `PeriodReads` aside, the watchlist conversion (the longest) in
        a thread of its own; returns what waits for them."""
        usage = self._read_aside(repos, lambda r: usage_reads(r.analytics, r.system, period))
        conversion = self._read_aside(repos, lambda r: self._conversion_counts(r, period))
        return lambda: PeriodReads(*usage.result(), conversion=conversion.result())

    def _read_aside(self, repos: _Repos, read: Callable[[_Repos], T]) -> Future[T]:
        """`read` in an aside thread, in a read-only unit of work of its own, while the
        caller goes on; its snapshot is its own (on PostgreSQL it may see a commit that the
        caller's does not). Without aside threads: `read(repos)`, the caller's, now."""
        aside = self._aside
        if aside is not None:

            def run() -> T:
                with self._unit_of_work(read_only=True) as uow:
                    return read(_repos(uow))

            try:
                return aside.submit(run)
            except RuntimeError:  # closed meanwhile, by another thread
                pass
        done: Future[T] = Future()
        try:
            done.set_result(read(repos))
        except Exception as error:
            done.set_exception(error)
        return done

    def _conversion(self, repos: _Repos, period: Period) -> Conversion:
        return Conversion(*self._conversion_counts(repos, period), self._conversion_days)

    def _conversion_counts(self, repos: _Repos, period: Period) -> tuple[int, int]:
        return repos.analytics.watchlist_conversion(
            period.local_days(), window_days=self._conversion_days
        )


def _repos(uow: UnitOfWork) -> _Repos:
    return _Repos(uow.analytics, uow.system_analytics)


def _same(values: dict[str, float | None]) -> dict[str, float | None]:
    return values


def _require_admin(user: User) -> None:
    if not user.is_admin:
        raise NotAllowed("Team analytics are for admins only.")
