"""Date ranges in the viewer's time zone, and the UTC bounds the SQL works with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reelmatch.errors import InvalidInput
from reelmatch.store.sql import DayBound, LocalDays
from reelmatch.store.types import utcnow

MAX_DAYS = 800
SINCE_PATTERN = re.compile(r"^\s*(\d+)\s*([dw])\s*$", re.IGNORECASE)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"{name!r} is not a time zone such as Europe/Paris or UTC.") from None


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `tz`."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def today_in(timezone: str) -> date:
    return utcnow().astimezone(zone(timezone)).date()


def parse_days(text: str) -> int:
    """'7d' → 7, '2w' → 14, '400d' → 400."""
    match = SINCE_PATTERN.match(text)
    if not match or int(match.group(1)) < 1:
        raise InvalidInput(f"{text!r} is not a number of days such as 7d, 30d or 2w.")
    return int(match.group(1)) * (7 if match.group(2).lower() == "w" else 1)


@dataclass(frozen=True)
class Period:
    """The local days `start`..`end` (both included) in `timezone`."""

    start: date
    end: date
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        zone(self.timezone)
        if self.end < self.start:
            raise InvalidInput("The end of a date range cannot be before its start.")
        if self.days > MAX_DAYS:
            raise InvalidInput(f"A date range can be at most {MAX_DAYS} days long.")

    @classmethod
    def last(cls, days: int, *, timezone: str = "UTC", today: date | None = None) -> Period:
        """The `days` days ending today (in `timezone`), today included."""
        if days < 1:
            raise InvalidInput("A date range has at least one day.")
        end = today or today_in(timezone)
        return cls(end - timedelta(days=days - 1), end, timezone)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end, self.timezone)

    def extended_back(self, days: int) -> Period:
        return Period(self.start - timedelta(days=days), self.end, self.timezone)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range(self.days)]

    def local_days(self) -> LocalDays:
        """The days with the zone's UTC offsets over them (for SQL day arithmetic)."""
        return self._local_days

    @cached_property
    def _local_days(self) -> LocalDays:
        # Computed once per period: a year's KPIs ask for the same days' bounds a dozen
        # times (each series and each set read), and a day's bounds cost two zone lookups.
        tz = zone(self.timezone)
        days = self.dates()
        midnights = [local_midnight(day, tz) for day in [*days, self.end + timedelta(days=1)]]
        bounds = tuple(
            DayBound(day, start, stop)
            for day, start, stop in zip(days, midnights, midnights[1:], strict=False)
        )
        offsets = [(bounds[0].start, _offset(bounds[0].start, tz))]
        for bound in bounds:
            if _offset(bound.stop, tz) != offsets[-1][1]:
                offsets.append(_change_instant(bound.start, bound.stop, tz))
        return LocalDays(bounds, tuple(offsets))

    @property
    def span(self) -> tuple[datetime, datetime]:
        """[first local midnight, the midnight after the last day) in UTC."""
        tz = zone(self.timezone)
        return local_midnight(self.start, tz), local_midnight(self.end + timedelta(days=1), tz)

    def trailing(self, days: int) -> tuple[datetime, datetime]:
        """The `days` local days ending with `end`, in UTC (for WAU and MAU)."""
        tz = zone(self.timezone)
        first = self.end - timedelta(days=days - 1)
        return local_midnight(first, tz), local_midnight(self.end + timedelta(days=1), tz)


def _offset(instant: datetime, tz: ZoneInfo) -> int:
    offset = instant.astimezone(tz).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _change_instant(low: datetime, high: datetime, tz: ZoneInfo) -> tuple[datetime, int]:
    """The first second in (low, high] at which the offset differs from the one at `low`
    (zones change offset at most once a day), with the new offset."""
    before = _offset(low, tz)
    lo, hi = int(low.timestamp()), int(high.timestamp())
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if _offset(datetime.fromtimestamp(middle, UTC), tz) == before:
            lo = middle
        else:
            hi = middle
    instant = datetime.fromtimestamp(hi, UTC)
    return instant, _offset(instant, tz)
