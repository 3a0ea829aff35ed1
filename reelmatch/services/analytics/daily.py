"""The per-day series behind the KPIs and charts, with past days served from the cache.

A local day that ended a few minutes ago no longer changes (events arrive within a second
or two of happening), so its numbers are computed once per `CLOSED_TTL_SECONDS` for every
admin and process (the cache is shared through Redis when there is one); only today is
queried on every view. The key holds the range and the time zone, so a new day, another
zone or another range is a different entry. What can still change a past day (deleting an
account, which deletes its events) shows up when the entry expires.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from itertools import pairwise
from operator import add
from typing import Any, TypeVar

import pandas as pd

from reelmatch.cache import Cache
from reelmatch.cache.keys import analytics_key
from reelmatch.services.analytics import series
from reelmatch.services.analytics.period import MAX_DAYS, Period, zone
from reelmatch.services.analytics.series import Rows
from reelmatch.store.repositories.analytics import AnalyticsRepository
from reelmatch.store.repositories.analytics_system import SystemAnalyticsRepository
from reelmatch.store.types import utcnow

T = TypeVar("T")

CACHE_KIND = "analytics"
#: How long past days' numbers are reused.
CLOSED_TTL_SECONDS = 3600.0
#: A day counts as past this long after it ended (late events, a flush in progress).
SETTLE = timedelta(minutes=5)
_NAMES = ("activity", "cache", "api", "ai")


@dataclass(frozen=True)
class DailyFrames:
    """The per-day series of a stretch of days."""

    activity: pd.DataFrame
    cache: pd.DataFrame
    api: pd.DataFrame
    ai: pd.DataFrame


@dataclass(frozen=True)
class DailyRows:
    """The same series as rows, which add up across consecutive stretches of days and
    travel through the cache as JSON."""

    activity: Rows
    cache: Rows
    api: Rows
    ai: Rows

    def __add__(self, later: DailyRows) -> DailyRows:
        return DailyRows(*(getattr(self, n) + getattr(later, n) for n in _NAMES))

    def within(self, period: Period) -> DailyRows:
        """The rows of the days of `period`."""
        start, end = period.start, period.end
        return DailyRows(
            *([row for row in getattr(self, n) if start <= row["day"] <= end] for n in _NAMES)
        )

    def frames(self) -> DailyFrames:
        return DailyFrames(
            series.frame(self.activity, series.ACTIVITY_COLUMNS),
            series.frame(self.cache, series.CACHE_COLUMNS),
            series.frame(self.api, series.API_DAY_COLUMNS),
            series.frame(self.ai, series.AI_COLUMNS),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            n: [{**row, "day": row["day"].isoformat()} for row in getattr(self, n)] for n in _NAMES
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> DailyRows:
        return cls(
            *([{**row, "day": date.fromisoformat(row["day"])} for row in data[n]] for n in _NAMES)
        )


def daily_rows(
    analytics: AnalyticsRepository, system: SystemAnalyticsRepository, period: Period
) -> DailyRows:
    cache, api = series.cache_and_api_rows(system, period)
    return DailyRows(
        activity=series.activity_rows(analytics, period),
        cache=cache,
        api=api,
        ai=series.ai_usage_rows(system, period),
    )


def last_closed_day(timezone: str) -> date:
    """The latest local day of `timezone` that ended at least `SETTLE` ago."""
    return (utcnow() - SETTLE).astimezone(zone(timezone)).date() - timedelta(days=1)


class ClosedDays:
    """Reuses results about past days through the app's `Cache` (none: always computes)."""

    def __init__(self, cache: Cache | None, *, ttl: float = CLOSED_TTL_SECONDS) -> None:
        self._cache = cache
        self._ttl = ttl

    def rows(
        self, periods: Sequence[Period], compute: Callable[[Period], DailyRows]
    ) -> list[DailyRows]:
        """`compute(period)` for each of consecutive `periods` (one zone), with the days up
        to `last_closed_day` from the cache. What is missing is computed in one call, from
        its first day to the end of the last period, and cut into the pieces cached: a cold
        year's KPIs and the year before them cost one set of queries, not three."""
        assert all(a.end + timedelta(days=1) == b.start for a, b in pairwise(periods))
        end = periods[-1].end
        pieces = [self._pieces(period) for period in periods]
        computed: dict[Period, DailyRows] = {}

        def from_piece(first: Period) -> DailyRows:
            if first not in computed:
                # To the end, unless that is longer than a period may be (the widest range
                # with the one before it): then this piece alone.
                last = end if (end - first.start).days < MAX_DAYS else first.end
                rows = compute(Period(first.start, last, first.timezone))
                for piece, _ in (p for ps in pieces for p in ps):
                    if first.start <= piece.start and piece.end <= last:
                        computed[piece] = rows.within(piece)
            return computed[first]

        def read(piece: Period, key: str | None) -> DailyRows:
            if key is None:
                return from_piece(piece)
            return self.value(
                key, lambda: from_piece(piece), encode=DailyRows.to_data, decode=DailyRows.from_data
            )

        return [reduce(add, [read(piece, key) for piece, key in ps]) for ps in pieces]

    def _pieces(self, period: Period) -> list[tuple[Period, str | None]]:
        """`period` as its closed days, with their cache key, and the rest (no key)."""
        closed_until = last_closed_day(period.timezone)
        if self._cache is None or period.start > closed_until:
            return [(period, None)]
        zone_name = period.timezone
        closed = Period(period.start, min(period.end, closed_until), zone_name)
        key = analytics_key("daily", period_key(closed))
        found: list[tuple[Period, str | None]] = [(closed, key)]
        if closed.end < period.end:
            found.append((Period(closed.end + timedelta(days=1), period.end, zone_name), None))
        return found

    def value(
        self,
        key: str,
        compute: Callable[[], T],
        *,
        encode: Callable[[T], Any],
        decode: Callable[[Any], T],
        ttl: float | None = None,
    ) -> T:
        """`compute()` through the cache under `key` (values as JSON data)."""
        if self._cache is None:
            return compute()
        return self._cache.get_or_load(
            key,
            lambda: encode(compute()),
            kind=CACHE_KIND,
            decode=decode,
            ttl=self._ttl if ttl is None else ttl,
        ).value


def period_key(period: Period) -> str:
    return f"{period.timezone}:{period.start.isoformat()}:{period.end.isoformat()}"
