"""Keeping the analytics rollups (decision 82): rebuilding hour ranges from raw events and
the state that says which hours they hold.

A rebuild deletes the range's rows and inserts them again from `events` in the caller's unit
of work, so running it twice, or after an interrupted run, gives the same rows. The reads
that use the rollups are in `analytics.py` and `analytics_system.py`.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from reelmatch.events import API_CALL, CACHE_HIT, PAGE_VIEW
from reelmatch.store.models import (
    EventHourlyRow,
    EventRow,
    LatencyDailyRow,
    RollupStateRow,
    UserHourlyRow,
)
from reelmatch.store.rollup_plan import (
    DAY_HOURS,
    GROWTH,
    HOUR,
    ZERO_BUCKET,
    Coverage,
    hour_of,
    hour_start,
)
from reelmatch.store.sql import epoch_seconds

STATE = "events"


def read_coverage(connection: Connection) -> Coverage | None:
    row = connection.execute(
        select(RollupStateRow.start_hour, RollupStateRow.stop_hour).where(
            RollupStateRow.name == STATE
        )
    ).first()
    if row is None or row[1] <= row[0]:
        return None
    return Coverage(int(row[0]), int(row[1]))


def hour_expression(dialect: str) -> ColumnElement[Any]:
    """The hour (since 1970 UTC) of an event."""
    result: ColumnElement[Any] = epoch_seconds(EventRow.ts, dialect) // literal(HOUR, BigInteger)
    return result


def bucket_expression(value: Any) -> ColumnElement[Any]:
    """The latency bucket of `value` (ms), as `rollup_plan.bucket_of` computes it."""
    log_growth = literal(math.log(GROWTH))
    return case(
        (value <= 0, literal(ZERO_BUCKET, Integer)),
        else_=func.cast(func.floor(func.ln(value) / log_growth), Integer),
    )


def reached_upstream(cache: Any) -> ColumnElement[bool]:
    return or_(cache.is_(None), cache != CACHE_HIT)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return case((condition, 1), else_=0)


class RollupRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _core(self) -> Connection:
        return self._session.connection()

    @property
    def _dialect(self) -> str:
        return self._core.dialect.name

    # State -------------------------------------------------------------------------------------

    def coverage(self) -> Coverage | None:
        return read_coverage(self._core)

    def last_event_id(self) -> int:
        value = self._core.scalar(
            select(RollupStateRow.last_event_id).where(RollupStateRow.name == STATE)
        )
        return int(value or 0)

    def save_state(self, coverage: Coverage, last_event_id: int) -> None:
        self._core.execute(delete(RollupStateRow).where(RollupStateRow.name == STATE))
        self._core.execute(
            insert(RollupStateRow).values(
                name=STATE,
                start_hour=coverage.start,
                stop_hour=coverage.stop,
                last_event_id=last_event_id,
            )
        )

    def max_event_id(self) -> int:
        return int(self._core.scalar(select(func.max(EventRow.id))) or 0)

    def oldest_event_hour(self) -> int | None:
        oldest = self._core.scalar(select(func.min(EventRow.ts)))
        return None if oldest is None else hour_of(oldest)

    def touched_days(self, *, after_id: int, up_to_id: int, before: int) -> list[int]:
        """The UTC days (hours of their midnights) of events with ids in (after_id,
        up_to_id] stamped before hour `before`: late arrivals in hours already rolled up."""
        day = hour_expression(self._dialect) // literal(DAY_HOURS, BigInteger)
        query = (
            select(day.label("d"))
            .where(
                EventRow.id > after_id,
                EventRow.id <= up_to_id,
                EventRow.ts < hour_start(before),
            )
            .distinct()
        )
        return sorted(int(d) * DAY_HOURS for (d,) in self._core.execute(query))

    # Rebuild -----------------------------------------------------------------------------------

    def rebuild(self, start: int, stop: int) -> int:
        """Delete and recompute the rollups of hours [start, stop) from `events` (`start` a
        UTC midnight; the histogram of the last day covers it up to `stop`). Returns the
        rows written."""
        if start % DAY_HOURS:
            raise ValueError("a rebuild starts at a UTC midnight")
        if stop <= start:
            return 0
        core = self._core
        core.execute(
            delete(EventHourlyRow).where(EventHourlyRow.hour >= start, EventHourlyRow.hour < stop)
        )
        core.execute(
            delete(UserHourlyRow).where(UserHourlyRow.hour >= start, UserHourlyRow.hour < stop)
        )
        core.execute(
            delete(LatencyDailyRow).where(LatencyDailyRow.day >= start, LatencyDailyRow.day < stop)
        )
        within = (EventRow.ts >= hour_start(start), EventRow.ts < hour_start(stop))
        for statement in (self._counts(within), self._users(within), self._latency(within)):
            core.execute(statement)
        # Counted, not taken from rowcount: drivers report -1 for INSERT … SELECT at times.
        return sum(
            int(
                core.scalar(
                    select(func.count()).select_from(table).where(column >= start, column < stop)
                )
                or 0
            )
            for table, column in (
                (EventHourlyRow, EventHourlyRow.hour),
                (UserHourlyRow, UserHourlyRow.hour),
                (LatencyDailyRow, LatencyDailyRow.day),
            )
        )

    def _counts(self, within: tuple[Any, ...]) -> Any:
        upstream = reached_upstream(EventRow.cache)
        api = EventRow.kind == API_CALL
        failure = or_(EventRow.status == 0, EventRow.status >= 400)
        rows = (
            select(
                hour_expression(self._dialect).label("hour"),
                EventRow.kind.label("kind"),
                func.coalesce(EventRow.service, "").label("service"),
                case((api, func.coalesce(EventRow.subject, "")), else_="").label("subject"),
                func.coalesce(EventRow.cache_kind, "").label("cache_kind"),
                _flag(upstream).label("upstream"),
                _flag(and_(upstream, failure)).label("failed"),
                _flag(and_(upstream, EventRow.status == 429)).label("rate_limited"),
                _flag(EventRow.cache == CACHE_HIT).label("cache_hits"),
                _flag(EventRow.cache == "stale").label("cache_stale"),
                _flag(EventRow.cache.is_not(None)).label("cache_lookups"),
                func.coalesce(EventRow.tokens, 0).label("tokens"),
                func.coalesce(EventRow.cost_usd, 0.0).label("cost_usd"),
            )
            .where(*within)
            .subquery("raw")
        )
        keys = [rows.c.hour, rows.c.kind, rows.c.service, rows.c.subject, rows.c.cache_kind]
        summed = ["upstream", "failed", "rate_limited", "cache_hits", "cache_stale"]
        summed += ["cache_lookups", "tokens", "cost_usd"]
        grouped = select(
            *keys, func.count(), *(func.sum(rows.c[name]) for name in summed)
        ).group_by(*keys)
        columns = ["hour", "kind", "service", "subject", "cache_kind", "events", *summed]
        return insert(EventHourlyRow).from_select(columns, grouped)

    def _users(self, within: tuple[Any, ...]) -> Any:
        rows = (
            select(hour_expression(self._dialect).label("hour"), EventRow.user_id)
            .where(*within, EventRow.user_id.is_not(None))
            .subquery("raw")
        )
        grouped = select(rows.c.hour, rows.c.user_id).group_by(rows.c.hour, rows.c.user_id)
        return insert(UserHourlyRow).from_select(["hour", "user_id"], grouped)

    def _latency(self, within: tuple[Any, ...]) -> Any:
        day = hour_expression(self._dialect) // literal(DAY_HOURS, BigInteger)
        measured = or_(
            and_(EventRow.kind == API_CALL, reached_upstream(EventRow.cache)),
            EventRow.kind == PAGE_VIEW,
        )
        rows = (
            select(
                (day * literal(DAY_HOURS, BigInteger)).label("day"),
                EventRow.kind.label("kind"),
                func.coalesce(EventRow.service, "").label("service"),
                func.coalesce(EventRow.subject, "").label("subject"),
                bucket_expression(EventRow.duration_ms).label("bucket"),
            )
            .where(*within, measured, EventRow.duration_ms.is_not(None))
            .subquery("raw")
        )
        keys = [rows.c.day, rows.c.kind, rows.c.service, rows.c.subject, rows.c.bucket]
        grouped = select(*keys, func.count()).group_by(*keys)
        columns = ["day", "kind", "service", "subject", "bucket", "n"]
        return insert(LatencyDailyRow).from_select(columns, grouped)
