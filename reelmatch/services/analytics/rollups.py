"""Keeping the hourly rollups up to date (decision 82): `refresh` (the `rollup_events` job,
every 10 minutes) and `rebuild` (`metrics rollup --since 90d`).

Each range is recomputed from raw events in one unit of work, a week at a time, together with
the state that says which hours the rollups hold, so an interrupted run loses nothing and
running twice gives the same rows (a refresh that finds the coverage moved on adds nothing).
An hour counts as complete `SETTLE` after it ended, and a refresh reads only the hours
completed since the last one (a day's sets and latency histogram grow by addition, decision
91). The next refresh rebuilds the days that got events late for hours already rolled up
(their ids are above the state's `last_event_id`), and the days a deleted account had events
in (`rollup_dirty_days`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reelmatch.services.analytics.daily import SETTLE
from reelmatch.store.rollup_plan import (
    DAY_HOURS,
    Coverage,
    day_start_hour,
    hour_of,
    hour_start,
)
from reelmatch.store.uow import UnitOfWork, UowFactory

#: Days rebuilt per unit of work.
CHUNK_DAYS = 7
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class RollupResult:
    """What a refresh or rebuild did: the hours now held, and the days it rewrote."""

    start: datetime | None
    stop: datetime | None
    days_rebuilt: int
    rows_written: int


def complete_until(now: datetime) -> int:
    """The first hour that is not complete yet at `now` (hours before it are)."""
    return hour_of(now - SETTLE)


def _pruned_floor(uow: UnitOfWork) -> int:
    """The first hour whose raw events `metrics prune` has not removed (a UTC midnight):
    rebuilding earlier hours would lose what `event_daily` holds."""
    last: date | None = uow.analytics.last_pruned_day()
    return 0 if last is None else ((last - EPOCH).days + 1) * DAY_HOURS


class Rollups:
    def __init__(self, unit_of_work: UowFactory) -> None:
        self._unit_of_work = unit_of_work

    def rebuild(self, *, days: int, now: datetime) -> RollupResult:
        """Rebuild the last `days` UTC days (today's complete hours included), then what the
        refresh would do for the rest."""
        stop = complete_until(now)
        start = day_start_hour(stop) - (days - 1) * DAY_HOURS
        with self._unit_of_work(read_only=True) as uow:
            start = max(start, _pruned_floor(uow))
            max_id = uow.rollups.max_event_id()
            first = uow.rollups.coverage() is None
        # With nothing rolled up before, every event up to `max_id` before `stop` is in the
        # rebuilt range, so none is late (otherwise days outside it may still be).
        rebuilt = self._rebuild_range(start, stop, last_event_id=max_id if first else None)
        refreshed = self._refresh(stop, skip=(start, stop), max_id=max_id)
        return RollupResult(
            refreshed.start,
            refreshed.stop,
            rebuilt.days_rebuilt + refreshed.days_rebuilt,
            rebuilt.rows_written + refreshed.rows_written,
        )

    def refresh(self, *, now: datetime) -> RollupResult:
        """Roll up the hours completed since the last refresh, and rebuild the days that
        received late events."""
        with self._unit_of_work(read_only=True) as uow:
            max_id = uow.rollups.max_event_id()
        return self._refresh(complete_until(now), skip=None, max_id=max_id)

    # Helpers ----------------------------------------------------------------------------------

    def _refresh(self, stop: int, *, skip: tuple[int, int] | None, max_id: int) -> RollupResult:
        with self._unit_of_work(read_only=True) as uow:
            coverage = uow.rollups.coverage()
            last_id = uow.rollups.last_event_id()
            oldest = uow.rollups.oldest_event_hour()
            floor = _pruned_floor(uow)
            touched = (
                uow.rollups.touched_days(after_id=last_id, up_to_id=max_id, before=coverage.stop)
                if coverage is not None
                else []
            )
            dirty = uow.rollups.dirty_days()
        days = rows = 0
        if coverage is None:
            first = oldest if oldest is not None else stop
            start = max(day_start_hour(first), floor)
            return self._rebuild_range(start, stop, last_event_id=max_id)
        for day in sorted(set(touched) | set(dirty)):
            redo = day >= coverage.start and not (skip and skip[0] <= day < skip[1])
            if not redo and day not in dirty:
                continue
            with self._unit_of_work() as uow:
                held = uow.rollups.coverage(lock=True) or coverage
                if redo and day < held.stop:
                    rows += uow.rollups.rebuild(day, min(day + DAY_HOURS, held.stop))
                    days += 1
                uow.rollups.clear_dirty(day)
                uow.commit()
        if stop > coverage.stop:
            done = self._rebuild_range(coverage.stop, stop, last_event_id=max_id)
            return RollupResult(
                done.start, done.stop, days + done.days_rebuilt, rows + done.rows_written
            )
        with self._unit_of_work() as uow:
            current = uow.rollups.coverage() or coverage
            uow.rollups.save_state(current, max(max_id, last_id))
            uow.commit()
        return RollupResult(hour_start(current.start), hour_start(current.stop), days, rows)

    def _rebuild_range(
        self, start: int, stop: int, *, last_event_id: int | None = None
    ) -> RollupResult:
        """Rebuild [start, stop) a chunk per unit of work, growing the coverage with each
        chunk; `last_event_id` is recorded with the last chunk. `start` is a UTC midnight or
        the coverage's end (then only the new hours are read)."""
        days = rows = 0
        if stop <= start:
            return RollupResult(None, None, 0, 0)
        coverage = Coverage(start, stop)
        chunk = start
        while True:
            end = min(day_start_hour(chunk) + CHUNK_DAYS * DAY_HOURS, stop)
            with self._unit_of_work() as uow:
                rollups = uow.rollups
                old = rollups.coverage(lock=True)
                if chunk % DAY_HOURS and (old is None or old.stop != chunk):
                    # Another run rolled these hours up meanwhile: adding them would double.
                    coverage = old or coverage
                    break
                rows += rollups.rebuild(chunk, end)
                coverage = _grown(old, Coverage(start, end))
                last = rollups.last_event_id() if old is not None else 0
                if end >= stop and last_event_id is not None:
                    last = max(last, last_event_id)
                rollups.save_state(coverage, last)
                uow.commit()
            days += -(-(end - chunk) // DAY_HOURS)
            chunk = end
            if chunk >= stop:
                break
        return RollupResult(hour_start(coverage.start), hour_start(coverage.stop), days, rows)


def _grown(old: Coverage | None, rebuilt: Coverage) -> Coverage:
    """The coverage after `rebuilt` was rewritten: joined with `old` when they touch,
    else `rebuilt` alone (the hours must stay one run)."""
    if old is None or old.stop < rebuilt.start or old.start > rebuilt.stop:
        return rebuilt
    return Coverage(min(old.start, rebuilt.start), max(old.stop, rebuilt.stop))
