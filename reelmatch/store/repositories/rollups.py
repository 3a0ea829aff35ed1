"""Keeping the analytics rollups (decision 82): rebuilding hour ranges from raw events and
the state that says which hours they hold.

A rebuild from a UTC midnight deletes the range's rows and writes them again from `events` in
the caller's unit of work, so running it twice, or after an interrupted run, gives the same
rows; one from mid-day adds the new hours to the day's sets and histograms, which the
refresh does only from the coverage's end, under the state row's lock. Counts are
grouped in SQL (`INSERT … SELECT`); each hour's id set members and each day's latency
buckets are read as joined strings, one statement an hour or a day, and packed here
(decisions 91, 92: the shapes each database answers without sorting every event). The
reads that use the rollups are in `analytics.py`, `analytics_system.py`, `rolled_sets.py`,
`active_users.py` and `watchlist_conversion.py`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from reelmatch.events import API_CALL, CACHE_HIT, PAGE_VIEW, WATCHLIST_ADD
from reelmatch.store import histograms, id_sets
from reelmatch.store.histograms import GROWTH, ZERO_BUCKET, merged
from reelmatch.store.models import (
    EventDailyRollupRow,
    EventHourlyRow,
    EventRow,
    LatencyDailyRow,
    RollupDirtyDayRow,
    RollupSetDailyRow,
    RollupSetHourlyRow,
    RollupStateRow,
)
from reelmatch.store.rollup_plan import (
    DAY_HOURS,
    Coverage,
    day_start_hour,
    hour_of,
    hour_start,
)
from reelmatch.store.sql import (
    epoch_hour,
    hour_key,
    hour_of_key,
    hour_start_of,
    joined_ints,
    split_ints,
)

STATE = "events"
#: PostgreSQL's memory for the rebuild's sorts and hashes (its transaction only).
REBUILD_WORK_MEM = "64MB"
#: The kinds whose `duration_ms` the latency histograms hold.
TIMED_KINDS = (API_CALL, PAGE_VIEW)
#: The id sets with members on few events, and the kinds of those events.
SPARSE_SETS = {id_sets.WATCHLISTED: (WATCHLIST_ADD,)}
_COVERAGE = "reelmatch_rollup_coverage"
#: The summed columns of `event_hourly` and `event_daily_rollup`.
DAILY_SUMS = (
    "events", "upstream", "failed", "rate_limited", "cache_hits", "cache_stale",
    "cache_lookups", "tokens", "cost_usd",
)  # fmt: skip


def coverage_of(session: Session) -> Coverage | None:
    """The hours the rollups hold, read once per unit of work (its session) for every
    repository that asks (the engagement and the system analytics both do)."""
    found: Coverage | None = once_per_unit(session, _COVERAGE, read_coverage)
    return found


def once_per_unit(session: Session, key: str, read: Callable[[Connection], Any]) -> Any:
    """`read(connection)` the first time a unit of work (its session) asks for `key`, and
    the same value after that: what every series of a view asks for, such as the coverage."""
    if key not in session.info:
        session.info[key] = read(session.connection())
    return session.info[key]


def read_coverage(connection: Connection, *, lock: bool = False) -> Coverage | None:
    query = select(RollupStateRow.start_hour, RollupStateRow.stop_hour).where(
        RollupStateRow.name == STATE
    )
    row = connection.execute(query.with_for_update() if lock else query).first()
    if row is None or row[1] <= row[0]:
        return None
    return Coverage(int(row[0]), int(row[1]))


def mark_user_days(connection: Connection, user_id: int) -> None:
    """Before a user's events are deleted: mark the UTC days they fall on, so the next
    refresh rebuilds them without those events (until then the rollups still count them)."""
    day = epoch_hour(EventRow.ts, connection.dialect.name) // literal(DAY_HOURS, BigInteger)
    days = (
        select((day * literal(DAY_HOURS, BigInteger)).label("day"))
        .where(EventRow.user_id == user_id)
        .distinct()
        .subquery("days")
    )
    marked = select(RollupDirtyDayRow.day).where(RollupDirtyDayRow.day == days.c.day)
    query = select(days.c.day).where(~marked.exists())
    connection.execute(insert(RollupDirtyDayRow).from_select(["day"], query))


def bucket_expression(value: Any) -> ColumnElement[Any]:
    """The latency bucket of `value` (ms), as `rollup_plan.bucket_of` computes it."""
    log_growth = literal(math.log(GROWTH))
    return case(
        (value <= 0, literal(ZERO_BUCKET, Integer)),
        else_=func.cast(func.floor(func.ln(value) / log_growth), Integer),
    )


def reached_upstream(cache: Any) -> ColumnElement[bool]:
    return or_(cache.is_(None), cache != CACHE_HIT)


def pair_key(user_id: Any, movie_id: Any) -> ColumnElement[Any]:
    """A (user, movie) pair as the watchlisted sets hold it: `user_id << 32 | movie_id`."""
    result: ColumnElement[Any] = user_id * literal(1 << id_sets.PAIR_SHIFT, BigInteger) + movie_id
    return result


def set_members() -> dict[str, tuple[Any, tuple[ColumnElement[bool], ...]]]:
    """Each id set's member per event, and which events have one."""
    pair = pair_key(EventRow.user_id, EventRow.movie_id)
    return {
        id_sets.ACTIVE_USERS: (EventRow.user_id, (EventRow.user_id.is_not(None),)),
        id_sets.WATCHLISTED: (pair, watchlist_adds()),
    }


def watchlist_adds() -> tuple[ColumnElement[bool], ...]:
    """Watchlist adds with a user and a movie. The kind is a literal, so both databases use
    the partial index ix_events_watchlist_adds (neither matches one to a bound parameter)."""
    return (
        EventRow.kind == literal(WATCHLIST_ADD, literal_execute=True),
        EventRow.user_id.is_not(None),
        EventRow.movie_id.is_not(None),
    )


def _window() -> tuple[ColumnElement[bool], ...]:
    """Events from bound parameter `low` to `high`: the per-hour and per-day statements are
    built once and run for each window (`_day_window` gives a day's)."""
    ts = EventRow.ts
    return (ts >= bindparam("low", type_=ts.type), ts < bindparam("high", type_=ts.type))


def _day_window(day: int, start: int, stop: int) -> dict[str, Any]:
    """The `low` and `high` bounds of the hours of UTC day `day` inside [start, stop)."""
    return {"low": hour_start(max(start, day)), "high": hour_start(min(stop, day + DAY_HOURS))}


def _hours_with_events(start: int, stop: int, kinds: tuple[str, ...] | None = None) -> Select[Any]:
    """The hours of [start, stop) with events (of `kinds`, if given), as a query of
    `event_hourly` (rebuilt first in the same unit of work)."""
    hourly = EventHourlyRow
    query = select(hourly.hour.label("hour")).where(hourly.hour >= start, hourly.hour < stop)
    if kinds is not None:
        query = query.where(hourly.kind.in_(kinds))
    return query.distinct()


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

    def coverage(self, *, lock: bool = False) -> Coverage | None:
        """The hours held; `lock`: hold the state row until the unit of work ends, so two
        refreshes never add the same hours twice (SQLite writers are serial anyway)."""
        return read_coverage(self._core, lock=lock)

    def dirty_days(self) -> list[int]:
        return sorted(int(d) for d in self._core.scalars(select(RollupDirtyDayRow.day)))

    def clear_dirty(self, day: int) -> None:
        self._core.execute(delete(RollupDirtyDayRow).where(RollupDirtyDayRow.day == day))

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
        day = epoch_hour(EventRow.ts, self._dialect) // literal(DAY_HOURS, BigInteger)
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
        """Recompute the rollups of hours [start, stop) from `events`; returns the rows
        written. A day's histogram covers the day up to `stop`: when `start` is not a UTC
        midnight, the hours of its day before `start` are already in it and the new ones are
        added (how the refresh rolls up an hour at a time); from a midnight it is replaced."""
        if stop <= start:
            return 0
        core = self._core
        if self._dialect == "postgresql":
            # PostgreSQL cannot estimate how few groups the counts make (it plans for one
            # per event) and sorted a week's events on disk with the default 4 MB.
            core.execute(text(f"SET LOCAL work_mem = '{REBUILD_WORK_MEM}'"))
        core.execute(
            delete(EventHourlyRow).where(EventHourlyRow.hour >= start, EventHourlyRow.hour < stop)
        )
        within = (EventRow.ts >= hour_start(start), EventRow.ts < hour_start(stop))
        core.execute(self._counts(within))
        counted = int(
            core.scalar(
                select(func.count())
                .select_from(EventHourlyRow)
                .where(EventHourlyRow.hour >= start, EventHourlyRow.hour < stop)
            )
            or 0
        ) + self._rebuild_daily_counts(day_start_hour(start), stop)
        return counted + self._rebuild_sets(start, stop) + self._rebuild_latency(start, stop)

    def _rebuild_daily_counts(self, first_day: int, stop: int) -> int:
        """`event_daily_rollup` for the days of [first_day, stop), from `event_hourly` (which
        holds the hours of the first day before a mid-day start too)."""
        core, hourly, daily = self._core, EventHourlyRow, EventDailyRollupRow
        core.execute(delete(daily).where(daily.day >= first_day, daily.day < stop))
        day = (hourly.hour // literal(DAY_HOURS, Integer)) * literal(DAY_HOURS, Integer)
        keys = [hourly.kind, hourly.service, hourly.subject, hourly.cache_kind]
        sums = [func.sum(hourly.__table__.c[name]) for name in DAILY_SUMS]
        grouped = (
            select(day.label("day"), *keys, *sums)
            .where(hourly.hour >= first_day, hourly.hour < stop)
            .group_by(day, *keys)
        )
        columns = ["day", "kind", "service", "subject", "cache_kind", *DAILY_SUMS]
        core.execute(insert(daily).from_select(columns, grouped))
        found = select(func.count()).select_from(daily)
        return int(core.scalar(found.where(daily.day >= first_day, daily.day < stop)) or 0)

    def _rebuild_sets(self, start: int, stop: int) -> int:
        """Each hour's and each UTC day's id sets (`set_members`); a day that began before
        `start` keeps the members it already held."""
        core = self._core
        first_day = day_start_hour(start)
        written = 0
        for name, (member, where) in set_members().items():
            codec = id_sets.CODECS[name]
            hourly = {
                hour: codec.of(members)
                for hour, members in self._members_per_hour(name, member, where, start, stop)
            }
            daily: dict[int, list[Any]] = defaultdict(list)
            if first_day < start:
                day_sets = RollupSetDailyRow
                earlier = select(day_sets.members).where(
                    day_sets.name == name, day_sets.day == first_day
                )
                daily[first_day].extend(map(codec.unpack, core.scalars(earlier)))
            for h, members in hourly.items():
                daily[day_start_hour(h)].append(members)
            targets: tuple[tuple[Any, str, dict[int, list[Any]], int], ...] = (
                (RollupSetHourlyRow, "hour", {h: [m] for h, m in hourly.items()}, start),
                (RollupSetDailyRow, "day", daily, first_day),
            )
            for table, key, sets, low in targets:
                column = table.__table__.c[key]
                core.execute(delete(table).where(table.name == name, column >= low, column < stop))
                rows = [
                    {"name": name, key: at, "members": codec.pack(codec.union(members))}
                    for at, members in sorted(sets.items())
                ]
                if rows:
                    core.execute(insert(table), rows)
                written += len(rows)
        return written

    def _members_per_hour(
        self, name: str, member: Any, where: tuple[Any, ...], start: int, stop: int
    ) -> Iterator[tuple[int, np.ndarray]]:
        """The members of each hour of [start, stop) that has any, joined into one string
        per hour (`joined_ints`)."""
        if name in SPARSE_SETS:
            return self._sparse_members(member, where, start, stop, kinds=SPARSE_SETS[name])
        return self._dense_members(member, where, start, stop)

    def _dense_members(
        self, member: Any, where: tuple[Any, ...], start: int, stop: int
    ) -> Iterator[tuple[int, np.ndarray]]:
        """A set nearly every event adds to (users): one statement for the range, in which
        each hour with events (`event_hourly`, rebuilt first) reads its members by an
        index-only range scan, with nothing to group. Grouping by a computed hour cost 3-5x
        more; a statement an hour cost most of its time in the statement itself (decision 98)."""
        ts = EventRow.ts
        hours = _hours_with_events(start, stop).subquery("hours")
        low, high = (hour_start_of(hours.c.hour + step, self._dialect) for step in (0, 1))
        members = select(joined_ints(member)).where(*where, ts >= low, ts < high)
        query = select(hours.c.hour, members.scalar_subquery()).order_by(hours.c.hour)
        for hour, joined in self._core.execute(query):
            found = split_ints(joined)[:, 0]
            if len(found):
                yield int(hour), found

    def _sparse_members(
        self, member: Any, where: tuple[Any, ...], start: int, stop: int, *, kinds: tuple[str, ...]
    ) -> Iterator[tuple[int, np.ndarray]]:
        """A set few events of `kinds` add to (watchlist adds): one statement a day grouped
        by hour, as an hour's statement would cost more than its few rows."""
        rows = select(hour_key(EventRow.ts, self._dialect).label("hour"), member.label("member"))
        raw = rows.where(*where, *_window()).subquery("raw")
        per_day = select(hour_of_key(raw.c.hour, self._dialect), joined_ints(raw.c.member))
        per_day = per_day.group_by(raw.c.hour)
        for day in self._days_with(start, stop, kinds=kinds):
            for hour, joined in self._core.execute(per_day, _day_window(day, start, stop)):
                yield int(hour), split_ints(joined)[:, 0]

    def _hours_with(self, start: int, stop: int, *, kinds: tuple[str, ...]) -> list[int]:
        """The hours of [start, stop) with events of `kinds`."""
        return sorted(int(h) for h in self._core.scalars(_hours_with_events(start, stop, kinds)))

    def _days_with(self, start: int, stop: int, *, kinds: tuple[str, ...]) -> list[int]:
        """The UTC days (hours of their midnights) of [start, stop) with events of `kinds`."""
        return sorted({day_start_hour(h) for h in self._hours_with(start, stop, kinds=kinds)})

    def _rebuild_latency(self, start: int, stop: int) -> int:
        core = self._core
        table = LatencyDailyRow
        first_day = day_start_hour(start)
        found: dict[tuple[int, str, str, str], list[bytes]] = defaultdict(list)
        if first_day < start:  # add to what the day's earlier hours gave
            earlier = select(
                table.day, table.kind, table.service, table.subject, table.histogram
            ).where(table.day == first_day)
            for day, kind, service, subject, packed in core.execute(earlier):
                found[(int(day), kind, service, subject)].append(packed)
        per_day = self._latency()
        for day in self._days_with(first_day, stop, kinds=TIMED_KINDS):
            hours = _day_window(day, start, stop)
            for kind, service, subject, pairs in core.execute(per_day, hours):
                packed = histograms.pack_pairs(split_ints(pairs, 2))
                found[(day, kind, service, subject)].append(packed)
        core.execute(delete(table).where(table.day >= first_day, table.day < stop))
        rows = [
            {
                "day": day,
                "kind": kind,
                "service": service,
                "subject": subject,
                "histogram": packed[0] if len(packed) == 1 else histograms.pack(merged(packed)),
            }
            for (day, kind, service, subject), packed in sorted(found.items())
        ]
        if rows:
            core.execute(insert(table), rows)
        return len(rows)

    def _counts(self, within: tuple[Any, ...]) -> Any:
        upstream = reached_upstream(EventRow.cache)
        api = EventRow.kind == API_CALL
        failure = or_(EventRow.status == 0, EventRow.status >= 400)
        rows = (
            select(
                hour_key(EventRow.ts, self._dialect).label("hour"),
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
        hour = hour_of_key(rows.c.hour, self._dialect)
        grouped = select(
            hour, *keys[1:], func.count(), *(func.sum(rows.c[name]) for name in summed)
        ).group_by(*keys)
        columns = ["hour", "kind", "service", "subject", "cache_kind", "events", *summed]
        return insert(EventHourlyRow).from_select(columns, grouped)

    def _latency(self) -> Any:
        """The latency buckets from `low` to `high` (in one UTC day), one row per (kind,
        service, subject) with its (bucket, count) pairs in `joined_ints`. One statement a
        day: the range is an index-only scan of ix_events_kind_ts_covering (the day computed
        per event cost most of the time, a row per bucket the rest)."""
        measured = or_(
            and_(EventRow.kind == API_CALL, reached_upstream(EventRow.cache)),
            EventRow.kind == PAGE_VIEW,
        )
        rows = (
            select(
                EventRow.kind.label("kind"),
                func.coalesce(EventRow.service, "").label("service"),
                func.coalesce(EventRow.subject, "").label("subject"),
                bucket_expression(EventRow.duration_ms).label("bucket"),
            )
            .where(
                EventRow.kind.in_(TIMED_KINDS),
                *_window(),
                EventRow.duration_ms.is_not(None),
                measured,
            )
            .subquery("raw")
        )
        keys = [rows.c.kind, rows.c.service, rows.c.subject]
        buckets = (
            select(*keys, rows.c.bucket, func.count().label("n"))
            .group_by(*keys, rows.c.bucket)
            .subquery("buckets")
        )
        groups = [buckets.c.kind, buckets.c.service, buckets.c.subject]
        return select(*groups, joined_ints(buckets.c.bucket, buckets.c.n)).group_by(*groups)
