"""Which part of a question the rollups answer, and which part raw events (decision 82).

The rollups hold whole UTC hours [`Coverage.start`, `Coverage.stop`) (hours since 1970 UTC;
`start` is always a UTC midnight). A local day, or any UTC interval, is answered from the
hours that lie wholly inside it and inside the coverage, and from raw events for the rest:
the hour in progress, anything after the coverage, and the half hours at the edges of a
day in a zone such as Asia/Kolkata (+05:30), whose midnights fall mid-hour. So counts,
sums and distinct users are the same as a raw scan; only the latency percentiles, read
from fixed log buckets, are approximate (`histograms.MAX_PERCENTILE_ERROR`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

HOUR = 3600
DAY_HOURS = 24
#: A half-open UTC interval.
Interval = tuple[datetime, datetime]
#: A half-open range of hours since 1970 UTC.
Hours = tuple[int, int]
#: A range of either.
Range = TypeVar("Range", Hours, Interval)


def hour_of(instant: datetime) -> int:
    """The hour (since 1970 UTC) that `instant` falls in."""
    return int(instant.timestamp()) // HOUR


def hour_start(hour: int) -> datetime:
    return datetime.fromtimestamp(hour * HOUR, UTC)


def day_start_hour(hour: int) -> int:
    """The hour of the UTC midnight that begins `hour`'s day."""
    return hour - hour % DAY_HOURS


@dataclass(frozen=True, slots=True)
class Coverage:
    """The hours the rollups hold (`stop` is exclusive)."""

    start: int
    stop: int

    def whole_hours(self, interval: Interval) -> Hours | None:
        """The covered hours lying wholly inside `interval`, or None."""
        a, b = interval
        low = max(-(-int(a.timestamp()) // HOUR), self.start)
        high = min(int(b.timestamp()) // HOUR, self.stop)
        return (low, high) if high > low else None

    def whole_days(self, interval: Interval) -> Hours | None:
        """The UTC days (as hours of their midnights, `stop` exclusive) lying wholly inside
        `interval` and inside the coverage."""
        hours = self.whole_hours(interval)
        if hours is None:
            return None
        low = -(-hours[0] // DAY_HOURS) * DAY_HOURS
        high = day_start_hour(hours[1])
        return (low, high) if high > low else None


@dataclass(frozen=True, slots=True)
class Split:
    """An interval (or a run of local days) split into the hour ranges the rollups answer
    and the UTC intervals raw events answer; together they cover it exactly once."""

    rolled: tuple[Hours, ...]
    raw: tuple[Interval, ...]


def split(intervals: Sequence[Interval], coverage: Coverage | None, *, days: bool = False) -> Split:
    """Split consecutive `intervals` (each one local day, or one span): each gives its whole
    covered hours (`days`: whole covered UTC days) to the rollups, the rest to raw events."""
    if coverage is None:
        return Split((), tuple(merge(intervals)))
    rolled: list[Hours] = []
    raw: list[Interval] = []
    for interval in intervals:
        hours = coverage.whole_days(interval) if days else coverage.whole_hours(interval)
        if hours is None:
            raw.append(interval)
            continue
        rolled.append(hours)
        a, b = interval
        low, high = hour_start(hours[0]), hour_start(hours[1])
        if a < low:
            raw.append((a, low))
        if high < b:
            raw.append((high, b))
    return Split(tuple(merge(rolled)), tuple(merge(raw)))


def with_last_day(parts: Split, interval: Interval, coverage: Coverage) -> Split:
    """`parts` of a `days=True` split, plus the coverage's last UTC day when it is partial
    (the coverage ends mid-day) and `interval` holds all of its covered hours: a day's
    histogram holds its hours up to the coverage's end (decision 91), so only the hours
    after that are left to raw events. Without it, today's events were all read raw."""
    day = day_start_hour(coverage.stop)
    partial = (hour_start(day), hour_start(coverage.stop))
    a, b = interval
    if day == coverage.stop or day < coverage.start or a > partial[0] or b < partial[1]:
        return parts
    rolled = merge([*parts.rolled, (day, day + DAY_HOURS)])
    return Split(tuple(rolled), tuple(minus(parts.raw, [partial])))


def merge(ranges: Iterable[Range]) -> list[Range]:
    """Half-open ranges of hours (or of days as their midnights' hours) or UTC intervals,
    sorted, empty ones dropped, overlapping and touching ones joined."""
    merged: list[Range] = []
    for low, high in sorted(ranges):
        if high <= low:
            continue
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged


def minus(ranges: Sequence[Range], holes: Sequence[Range]) -> list[Range]:
    """The parts of sorted, merged half-open `ranges` outside sorted, merged `holes` (hours,
    or UTC intervals)."""
    left: list[Range] = []
    for low, high in ranges:
        for hole_low, hole_high in holes:
            if hole_high <= low or hole_low >= high:
                continue
            if hole_low > low:
                left.append((low, hole_low))
            low = max(low, hole_high)
            if low >= high:
                break
        if low < high:
            left.append((low, high))
    return left
