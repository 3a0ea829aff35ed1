"""Reading the rollups' id sets (decision 91): which whole UTC days, whole hours and raw
pieces answer a local day or a span, and the union of a plan's rolled-up sets.

A local day or a span is answered from the whole UTC days it holds (one set a day), its
other whole hours (one set an hour) and raw events for the rest (parts of an hour, the hour
in progress), the pieces `rollup_plan.split` names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from reelmatch.store import id_sets
from reelmatch.store.id_sets import BitMap
from reelmatch.store.models import RollupSetDailyRow, RollupSetHourlyRow, UserRow
from reelmatch.store.rollup_plan import DAY_HOURS, Coverage, Interval, merge, split
from reelmatch.store.sql import binary_results, joined_ints, split_ints, within


@dataclass(frozen=True, slots=True)
class Plan:
    """How one local day or span is answered: whole UTC days (hours of their midnights),
    other whole hours, and raw pieces."""

    days: tuple[int, ...]
    hours: tuple[int, ...]
    raw: tuple[Interval, ...]

    @property
    def rolled(self) -> bool:
        return bool(self.days or self.hours)


def plan(interval: Interval, coverage: Coverage | None) -> Plan:
    by_day = split([interval], coverage, days=True)
    by_hour = split(by_day.raw, coverage)
    return Plan(
        tuple(d for low, high in by_day.rolled for d in range(low, high, DAY_HOURS)),
        tuple(h for low, high in by_hour.rolled for h in range(low, high)),
        by_hour.raw,
    )


class RolledSets:
    """The sets read in one unit of work; each is read at most once (the KPIs and the
    daily series ask for the same days)."""

    def __init__(self, connection: Connection, coverage: Coverage | None) -> None:
        self.connection = connection
        self.coverage = coverage
        self._days: dict[tuple[str, int], Any] = {}
        self._hours: dict[tuple[str, int], Any] = {}
        self._existing: BitMap | None = None
        self._plans: dict[Interval, Plan] = {}

    def plan(self, interval: Interval) -> Plan:
        found = self._plans.get(interval)
        if found is None:
            found = self._plans[interval] = plan(interval, self.coverage)
        return found

    def union(self, name: str, p: Plan) -> Any:
        """The union of the plan's rolled-up sets of `name` (call `load` first)."""
        codec = id_sets.CODECS[name]
        sets = [self._days[(name, d)] for d in p.days]
        sets += [self._hours[(name, h)] for h in p.hours]
        return codec.union(sets)

    def load(self, name: str, plans: Iterable[Plan]) -> None:
        days: set[int] = set()
        hours: set[int] = set()
        for p in plans:
            days.update(p.days)
            hours.update(p.hours)
        self._read(name, RollupSetDailyRow.day, days, self._days, DAY_HOURS)
        self._read(name, RollupSetHourlyRow.hour, hours, self._hours, 1)

    def existing_users(self) -> BitMap:
        """The accounts that still exist: a deleted account's events went with it, so raw
        events no longer count it, and neither may the sets."""
        if self._existing is None:
            ids = split_ints(self.connection.scalar(select(joined_ints(UserRow.id))))[:, 0]
            self._existing = id_sets.users_of(ids)
        return self._existing

    def _read(
        self,
        name: str,
        key: Any,
        wanted: set[int],
        into: dict[tuple[str, int], Any],
        step: int,
    ) -> None:
        """Read the sets of `wanted` days or hours into `into`; one without any member has
        no row, and reads as empty."""
        missing = sorted(at for at in wanted if (name, at) not in into)
        if not missing:
            return
        codec = id_sets.CODECS[name]
        table = key.class_
        query = binary_results(
            select(key, table.members).where(
                table.name == name, within(key, merge((at, at + step) for at in missing))
            )
        )
        for at, packed in self.connection.execute(query):
            into[(name, int(at))] = codec.unpack(packed)
        empty = codec.of(())
        for at in missing:
            into.setdefault((name, at), empty)
