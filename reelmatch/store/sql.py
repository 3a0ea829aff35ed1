"""SQL building blocks that give the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import (
    CTE,
    BigInteger,
    ColumnElement,
    Date,
    Float,
    Integer,
    LargeBinary,
    Select,
    String,
    Subquery,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    or_,
    select,
    union_all,
    values,
)

from reelmatch.store.database import BINARY_RESULTS
from reelmatch.store.rollup_plan import HOUR
from reelmatch.store.types import UTCDateTime

Q = TypeVar("Q", bound=Select[Any])


def utc_day(timestamp: Any, dialect: str) -> ColumnElement[Any]:
    """The UTC calendar day of a UTCDateTime column (a date on PostgreSQL, ISO text on
    SQLite, where the stored text is already UTC)."""
    if dialect == "sqlite":
        return func.date(timestamp)
    return func.date(func.timezone("UTC", timestamp))


@dataclass(frozen=True, slots=True)
class DayBound:
    """One local calendar day as a half-open UTC interval."""

    day: date
    start: datetime
    stop: datetime


@dataclass(frozen=True, slots=True)
class LocalDays:
    """Consecutive local days: their UTC bounds, and the zone's UTC offset (seconds) from
    each instant on (`offsets[0]` starts at the first day; DST changes add entries)."""

    bounds: tuple[DayBound, ...]
    offsets: tuple[tuple[datetime, int], ...]

    @property
    def start(self) -> datetime:
        return self.bounds[0].start

    @property
    def stop(self) -> datetime:
        return self.bounds[-1].stop


def epoch_day(day: Any, dialect: str) -> ColumnElement[Any]:
    """Days since 1970-01-01 of a Date column, as an integer on both databases."""
    if dialect == "sqlite":
        return func.cast(func.julianday(day) - literal(2440587.5), BigInteger)
    return func.cast(day - literal(date(1970, 1, 1), Date), BigInteger)


def epoch_seconds(timestamp: Any, dialect: str) -> ColumnElement[Any]:
    """Whole seconds since 1970 (UTC) of a UTCDateTime column, truncated on both databases.
    SQLite's `strftime` rounds to milliseconds (23:59:59.9996 gave the next day), so the
    stored text ("YYYY-MM-DD HH:MM:SS.ffffff") is cut to whole seconds first."""
    if dialect == "sqlite":
        return func.cast(func.strftime("%s", func.substr(timestamp, 1, 19)), BigInteger)
    return func.cast(func.floor(func.extract("epoch", timestamp)), BigInteger)


def joined_ints(*columns: Any) -> ColumnElement[Any]:
    """An aggregate joining integer `columns` of every row into one "a,b,a,b,..." string;
    `split_ints` reads it back. For many rows of a few ints this is several times faster
    than a row object per row (one value to fetch, parsed in C)."""
    parts: list[Any] = []
    for i, value in enumerate(columns):
        parts += [literal(","), cast(value, String)] if i else [cast(value, String)]
    row = parts[0]
    for part in parts[1:]:
        row = row + part
    result: ColumnElement[Any] = func.aggregate_strings(row, ",")
    return result


def json_row(values: Sequence[ColumnElement[Any]], dialect: str) -> ColumnElement[Any]:
    """A JSON array of `values` (one group's), for `json_rows` to collect. Floats keep every
    digit: SQLite's JSON writes a REAL with 15 significant digits (0.1 + 0.1 + 0.1 became
    0.3), so a float goes in as 17 digits of JSON text; PostgreSQL's are exact."""
    if dialect == "sqlite":
        exact = [
            func.json(func.printf("%!.17g", value)) if isinstance(value.type, Float) else value
            for value in values
        ]
        row: ColumnElement[Any] = func.json_array(*exact)
    else:
        row = func.json_build_array(*values)
    return row


def json_rows(row: Any, dialect: str) -> ColumnElement[Any]:
    """An aggregate collecting `json_row`s into one JSON array (`read_json` reads it): the
    rows of a correlated subquery, which can return one value only."""
    if dialect == "sqlite":
        # A subquery's column is text to SQLite's JSON functions: json() makes it JSON again.
        rows: ColumnElement[Any] = func.json_group_array(func.json(row))
    else:
        rows = func.json_agg(row)
    return rows


def read_json(value: str | list[Any] | None) -> list[Any]:
    """What `json_rows` gave: text on SQLite, already parsed by psycopg on PostgreSQL, and
    NULL (PostgreSQL's aggregate of no rows) as no rows."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def binary_results(query: Q) -> Q:
    """`query` with its results read in binary on PostgreSQL (SQLite: unchanged), for reads
    of many packed id sets or histograms: psycopg reads `bytea` as hex text otherwise,
    twice the bytes, decoded byte by byte (a year of daily user sets: 16-20 ms against
    5-7 in binary)."""
    return query.execution_options(**{BINARY_RESULTS: True})


def split_ints(joined: str | None, width: int = 1) -> np.ndarray:
    """What `joined_ints` of `width` columns gave, as an (n, width) int64 array (n may be 0:
    the aggregate of no rows is NULL)."""
    if not joined:
        return np.empty((0, width), dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",").reshape(-1, width)


def joined_bytes(value: Any, dialect: str) -> ColumnElement[Any]:
    """An aggregate joining a binary column of every row into one value, for many small
    packed values read together (a year of a group's daily histograms): one row to fetch
    instead of one per day. SQLite's `group_concat` returns text holding the same bytes
    (the database is UTF-8, SQLite's default, so none is converted), cast back to a blob."""
    if dialect == "sqlite":
        joined: ColumnElement[Any] = cast(
            func.group_concat(value, literal(b"", LargeBinary)), LargeBinary
        )
        return joined
    result: ColumnElement[Any] = func.string_agg(value, literal(b"", LargeBinary))
    return result


def epoch_hour(timestamp: Any, dialect: str) -> ColumnElement[Any]:
    """The hour since 1970 (UTC) of a UTCDateTime column."""
    result: ColumnElement[Any] = epoch_seconds(timestamp, dialect) // literal(HOUR, BigInteger)
    return result


def hour_start_of(hours: Any, dialect: str) -> ColumnElement[Any]:
    """The start of hour `hours` (since 1970 UTC) as a UTCDateTime column holds it, so that a
    range of the column is compared with it on its index. SQLite stores the text
    "YYYY-MM-DD HH:MM:SS.ffffff"."""
    seconds = hours * literal(HOUR, BigInteger)
    if dialect == "sqlite":
        return func.datetime(seconds, "unixepoch").concat(".000000")
    return func.to_timestamp(seconds)


def local_day_index(timestamp: Any, days: LocalDays, dialect: str) -> ColumnElement[Any]:
    """Which of `days` (0, 1, ...) `timestamp` falls on, for timestamps within them.

    Local time is UTC plus the offset in force at that instant (a CASE over the DST changes
    inside the range), and local days are exactly 86,400 local seconds apart, so integer
    division gives the day: the same arithmetic on both databases, one index range scan, and
    a statement SQLAlchemy can cache (unlike a VALUES list of days)."""
    (first, first_offset), *changes = days.offsets
    base = int(first.timestamp()) + first_offset
    offset: Any = literal(first_offset, BigInteger)
    if changes:
        # Before the k-th change the previous offset holds.
        pairs = zip(changes, days.offsets, strict=False)
        whens = [
            (timestamp < since, literal(before, BigInteger)) for (since, _), (_, before) in pairs
        ]
        offset = case(*whens, else_=literal(changes[-1][1], BigInteger))
    local = epoch_seconds(timestamp, dialect) + offset - literal(base, BigInteger)
    index: ColumnElement[Any] = local // literal(86_400, BigInteger)
    return index


#: The most ranges `rows_by_day` reads as a UNION ALL.
MAX_UNION_PIECES = 250


def within(column: Any, intervals: Sequence[tuple[Any, Any]]) -> ColumnElement[bool]:
    """`column` inside any of the half-open `intervals` (UTC instants or hour numbers)."""
    return or_(*(and_(column >= a, column < b) for a, b in intervals))


def in_ranges(
    query: Select[*tuple[Any, ...]], column: Any, ranges: Sequence[tuple[Any, Any]]
) -> Subquery:
    """`query` limited to rows whose `column` is in one of the half-open `ranges`.

    Each range is its own SELECT in a UNION ALL: SQLite scans every row the rest of the
    query allows for ranges joined with OR. Past `MAX_UNION_PIECES` (SQLite allows 500 terms
    in a compound SELECT; a long range in a +05:30 zone has a piece a day) they are joined
    with OR after all, inside the bounds of all of them."""
    if len(ranges) > MAX_UNION_PIECES:
        hull = (column >= min(a for a, _ in ranges), column < max(b for _, b in ranges))
        return query.where(*hull, within(column, ranges)).subquery()
    selects = [query.where(column >= start, column < stop) for start, stop in ranges]
    if len(selects) == 1:
        return selects[0].subquery()
    return union_all(*selects).subquery()


def rows_by_day(
    days: LocalDays,
    timestamp: Any,
    *columns: Any,
    where: Sequence[Any],
    dialect: str,
    pieces: Sequence[tuple[datetime, datetime]] | None = None,
) -> Subquery:
    """A subquery of (i, columns...) for rows whose `timestamp` is within `days` (and within
    `pieces`, when given, `in_ranges`); callers group by its `i` (grouping the subquery keeps
    PostgreSQL from seeing two copies of the day expression with different parameters)."""
    index = local_day_index(timestamp, days, dialect).label("i")
    asked = [(days.start, days.stop)] if pieces is None else pieces
    ranges = [(max(a, days.start), min(b, days.stop)) for a, b in asked]
    return in_ranges(select(index, *columns).where(*where), timestamp, ranges)


def local_day_index_of_seconds(seconds: Any, days: LocalDays) -> ColumnElement[Any]:
    """`local_day_index` for an expression already in whole seconds since 1970 UTC (the
    rollups' hours times 3,600)."""
    (first, first_offset), *changes = days.offsets
    base = int(first.timestamp()) + first_offset
    offset: Any = literal(first_offset, BigInteger)
    if changes:
        pairs = zip(changes, days.offsets, strict=False)
        whens = [
            (seconds < literal(int(since.timestamp()), BigInteger), literal(before, BigInteger))
            for (since, _), (_, before) in pairs
        ]
        offset = case(*whens, else_=literal(changes[-1][1], BigInteger))
    index: ColumnElement[Any] = (seconds + offset - literal(base, BigInteger)) // literal(
        86_400, BigInteger
    )
    return index


def day_buckets(bounds: Sequence[DayBound], *, window_days: int = 0, name: str = "days") -> CTE:
    """A CTE of (i, start, stop, day, until): one row per day; `until` is `day` plus
    `window_days` (for "within N days" questions).

    Joining events on `ts >= start AND ts < stop` buckets them by the viewer's local days
    (bounds come from zoneinfo, so DST days of 23 or 25 hours are right) with an index
    range scan per day, identically on both databases."""
    rows = [
        (index, b.start, b.stop, b.day, b.day + timedelta(days=window_days))
        for index, b in enumerate(bounds)
    ]
    return (
        values(
            column("i", Integer),
            column("start", UTCDateTime()),
            column("stop", UTCDateTime()),
            column("day", Date()),
            column("until", Date()),
            name=name,
        )
        .data(rows)
        .cte(name)
    )


def nearest_rank(count: int, fraction: float) -> int:
    """The 1-based rank of the nearest-rank percentile among `count` sorted values: the
    smallest rank r with r >= fraction * count (the rule `percentile_query` applies)."""
    return max(1, math.ceil(fraction * count))


def percentile_query(
    base: Select[*tuple[Any, ...]],
    *,
    group_names: Sequence[str],
    value_name: str,
    fractions: Sequence[float],
    dialect: str,
) -> Select[Any]:
    """Nearest-rank percentiles (PostgreSQL's `percentile_disc`: the smallest value with at
    least `fraction` of the values at or below it) of `value_name` per group.

    `base` selects the group columns and the value (already filtered). The result has the
    group columns, `n` and one `p{index}` column per fraction. PostgreSQL computes them
    natively; SQLite numbers each group's rows with a window function and takes, for each
    fraction, the smallest value whose rank reaches `fraction * n` (the same rule, so both
    databases return identical numbers)."""
    rows = base.where(base.selected_columns[value_name].is_not(None)).subquery("measured")
    groups = [rows.c[name] for name in group_names]
    measured = rows.c[value_name]
    if dialect == "postgresql":
        columns = [
            func.percentile_disc(fraction).within_group(measured).label(f"p{index}")
            for index, fraction in enumerate(fractions)
        ]
        return select(*groups, func.count().label("n"), *columns).group_by(*groups)
    ranked = select(
        *groups,
        measured.label("v"),
        func.row_number().over(partition_by=groups, order_by=measured).label("rn"),
        func.count().over(partition_by=groups).label("n"),
    ).subquery("ranked")
    outer_groups = [ranked.c[name] for name in group_names]
    columns = [
        func.min(_when_reached(ranked, fraction)).label(f"p{index}")
        for index, fraction in enumerate(fractions)
    ]
    return select(*outer_groups, func.max(ranked.c.n).label("n"), *columns).group_by(*outer_groups)


def _when_reached(ranked: Any, fraction: float) -> ColumnElement[Any]:
    return case((ranked.c.rn >= literal(fraction) * ranked.c.n, ranked.c.v))
