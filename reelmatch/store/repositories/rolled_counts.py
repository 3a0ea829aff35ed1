"""Event counts per local day from the rollups (decision 91): the whole UTC days that lie
inside one local day from `event_daily_rollup` (one row a day and key), the other rolled-up
hours from `event_hourly`. For a viewer in UTC that is every past day; in Europe/Paris,
whose days straddle two UTC days, it is hours."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Subquery, select, union_all

from reelmatch.store.models import EventDailyRollupRow, EventHourlyRow
from reelmatch.store.rollup_plan import HOUR, Coverage, Hours, merge_hours, minus_hours
from reelmatch.store.sql import LocalDays, local_day_index_of_seconds, within


def rolled_by_day(
    days: LocalDays,
    coverage: Coverage,
    rolled: Sequence[Hours],
    names: Sequence[str],
    kinds: Sequence[str],
) -> Subquery:
    """(i, names...) rows of the rollups' counts of `kinds` in the `rolled` hours (whole
    hours of `days` inside the coverage), with `i` the local day they fall on."""
    whole = merge_hours(
        found for b in days.bounds if (found := coverage.whole_days((b.start, b.stop)))
    )
    hours = minus_hours(rolled, whole)
    selects = []
    for table, key, ranges in (
        (EventDailyRollupRow.__table__, "day", whole),
        (EventHourlyRow.__table__, "hour", hours),
    ):
        if ranges:
            at = table.c[key]
            index = local_day_index_of_seconds(at * HOUR, days).label("i")
            selects.append(
                select(index, *(table.c[name] for name in names)).where(
                    within(at, ranges), table.c.kind.in_(kinds)
                )
            )
    if len(selects) == 1:
        return selects[0].subquery("rolled")
    return union_all(*selects).subquery("rolled")
