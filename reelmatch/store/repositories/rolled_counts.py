"""Event counts per local day from the rollups (decision 91): the whole UTC days that lie
inside one local day from `event_daily_rollup` (one row a day and key), the other rolled-up
hours from `event_hourly`. For a viewer in UTC that is every past day; in Europe/Paris,
whose days straddle two UTC days, it is hours."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Subquery, select, union_all

from reelmatch.store.models import EventDailyRollupRow, EventHourlyRow
from reelmatch.store.rollup_plan import HOUR, Coverage, Hours, merge, minus
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
    whole = merge(found for b in days.bounds if (found := coverage.whole_days((b.start, b.stop))))
    selects = []
    for table, at, held in rolled_tables(rolled, whole):
        index = local_day_index_of_seconds(at * HOUR, days).label("i")
        columns = (table.c[name] for name in names)
        selects.append(select(index, *columns).where(held, table.c.kind.in_(kinds)))
    if len(selects) == 1:
        return selects[0].subquery("rolled")
    return union_all(*selects).subquery("rolled")


def rolled_tables(
    rolled: Sequence[Hours], whole_days: Sequence[Hours]
) -> list[tuple[FromClause, ColumnElement[Any], ColumnElement[bool]]]:
    """Which rollup table answers which of the `rolled` hours: the `whole_days` (hours of
    UTC midnights, sorted and merged) from `event_daily_rollup`, a row a day and key, the
    other hours from `event_hourly`. Each with its time column (hours since 1970 of its
    start) and the condition picking its rows; both tables have the same keys and sums."""
    found: list[tuple[FromClause, ColumnElement[Any], ColumnElement[bool]]] = []
    for table, key, ranges in (
        (EventDailyRollupRow.__table__, "day", list(whole_days)),
        (EventHourlyRow.__table__, "hour", minus(rolled, whole_days)),
    ):
        if ranges:
            at = table.c[key]
            found.append((table, at, within(at, ranges)))
    return found
