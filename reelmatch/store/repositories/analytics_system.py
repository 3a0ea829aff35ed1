"""Team analytics over system health: TMDB/OpenAI calls, the cache, AI spend, page speed.

An `api_call` that the cache answered (`cache = 'hit'`) never reached the upstream service:
latency percentiles and error rates count only the calls that did. TMDB calls carry the cache
kind they were for (`cache_kind`: list, movie, search, reference).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, or_, select
from sqlalchemy.orm import Session

from reelmatch.events import AI_USAGE, API_CALL, CACHE_HIT, PAGE_VIEW
from reelmatch.store import histograms
from reelmatch.store.histograms import nearest_rank_bucket
from reelmatch.store.models import EventRow, LatencyDailyRow
from reelmatch.store.repositories.analytics import Span, day_split
from reelmatch.store.repositories.rolled_counts import rolled_by_day, rolled_tables
from reelmatch.store.repositories.rollups import bucket_expression, coverage_of
from reelmatch.store.rollup_plan import (
    Coverage,
    Hours,
    Interval,
    Split,
    split,
    with_last_day,
)
from reelmatch.store.sql import (
    LocalDays,
    binary_results,
    in_ranges,
    joined_bytes,
    nearest_rank,
    percentile_query,
    rows_by_day,
    within,
)

PERCENTILES = (0.5, 0.95)
#: What the per-day series read from the rollups' counts.
ROLLED_COLUMNS = (
    "service", "cache_kind", "upstream", "failed", "rate_limited", "cache_hits", "cache_stale",
    "cache_lookups", "events", "tokens", "cost_usd",
)  # fmt: skip
#: The groups latency histograms are kept per.
FINEST = ("service", "subject")


def reached_upstream() -> ColumnElement[bool]:
    return or_(EventRow.cache.is_(None), EventRow.cache != CACHE_HIT)


def failed() -> ColumnElement[bool]:
    """No response (status 0) or an HTTP error, 429 included."""
    return or_(EventRow.status == 0, EventRow.status >= 400)


def _count_when(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(_one_when(condition)), 0)


def _one_when(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """1 for a row that meets `condition`, else 0 (summed by the query around it)."""
    return case((condition, 1), else_=0)


#: Histogram per group: {group key: {bucket: count}}.
Histograms = dict[tuple[str, ...], Counter[int]]
API_COUNTS = ("calls", "failed", "rate_limited", "cache_hits", "cache_stale", "cache_lookups")


class SystemAnalyticsRepository:
    """Counts come from the rollups for whole rolled-up hours and from raw events for the
    rest, so they equal a raw scan. Latency percentiles over a span that holds a rolled-up
    UTC day (a whole one, or the coverage's last, partial one) come from the day histograms
    plus raw events bucketed the same way (within `histograms.MAX_PERCENTILE_ERROR`);
    otherwise they are exact."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._finest: dict[tuple[str, Split], Histograms] = {}

    @property
    def _core(self) -> Connection:
        return self._session.connection()

    @property
    def _dialect(self) -> str:
        return self._core.dialect.name

    @property
    def coverage(self) -> Coverage | None:
        return coverage_of(self._session)

    def _by_day(self, days: LocalDays, *columns: Any, kind: str, pieces: Sequence[Interval]) -> Any:
        return rows_by_day(
            days,
            EventRow.ts,
            *columns,
            where=[EventRow.kind == kind],
            dialect=self._dialect,
            pieces=pieces,
        )

    def _rolled_by_day(self, days: LocalDays, rolled: Sequence[Hours], kind: str) -> Any:
        assert self.coverage is not None  # something is rolled up
        return rolled_by_day(days, self.coverage, rolled, ROLLED_COLUMNS, [kind])

    def api_per_day(self, days: LocalDays) -> list[tuple[int, str, str, dict[str, int]]]:
        """Per day, service and cache kind ('' when the call had none, like OpenAI's):
        upstream calls, failed, rate limited, cache hits, stale answers and cache lookups."""
        parts = day_split(days, self.coverage)
        found: dict[tuple[int, str, str], Counter[str]] = defaultdict(Counter)
        if parts.raw:
            for i, service, kind, counts in self._api_per_day_raw(days, parts.raw):
                found[(i, service, kind)].update(counts)
        if parts.rolled:
            r = self._rolled_by_day(days, parts.rolled, API_CALL)
            sums = [r.c.upstream, r.c.failed, r.c.rate_limited, r.c.cache_hits]
            sums += [r.c.cache_stale, r.c.cache_lookups]
            query = select(
                r.c.i, r.c.service, r.c.cache_kind, *(func.sum(c) for c in sums)
            ).group_by(r.c.i, r.c.service, r.c.cache_kind)
            for i, service, kind, *sums_found in self._core.execute(query):
                found[(int(i), service, kind)].update(
                    dict(zip(API_COUNTS, map(int, sums_found), strict=True))
                )
        return [
            (i, service, kind, {name: counts[name] for name in API_COUNTS})
            for (i, service, kind), counts in found.items()
        ]

    def _api_per_day_raw(
        self, days: LocalDays, pieces: Sequence[Interval]
    ) -> list[tuple[int, str, str, dict[str, int]]]:
        rows = self._by_day(
            days,
            EventRow.service,
            EventRow.cache_kind,
            EventRow.cache,
            EventRow.status,
            kind=API_CALL,
            pieces=pieces,
        )
        upstream = or_(rows.c.cache.is_(None), rows.c.cache != CACHE_HIT)
        failure = or_(rows.c.status == 0, rows.c.status >= 400)
        query = select(
            rows.c.i,
            rows.c.service,
            rows.c.cache_kind,
            _count_when(upstream),
            _count_when(and_(upstream, failure)),
            _count_when(and_(upstream, rows.c.status == 429)),
            _count_when(rows.c.cache == CACHE_HIT),
            _count_when(rows.c.cache == "stale"),
            func.count(rows.c.cache),
        ).group_by(rows.c.i, rows.c.service, rows.c.cache_kind)
        return [
            (
                int(i),
                service or "",
                kind or "",
                dict(zip(API_COUNTS, map(int, counts), strict=True)),
            )
            for i, service, kind, *counts in self._core.execute(query)
        ]

    def ai_per_day(self, days: LocalDays) -> dict[int, tuple[int, int, float]]:
        """Per day: (AI calls, tokens, cost in USD)."""
        parts = day_split(days, self.coverage)
        found: dict[int, tuple[int, int, float]] = {}
        queries = []
        if parts.raw:
            rows = self._by_day(
                days, EventRow.tokens, EventRow.cost_usd, kind=AI_USAGE, pieces=parts.raw
            )
            queries.append(
                select(
                    rows.c.i,
                    func.count(),
                    func.coalesce(func.sum(rows.c.tokens), 0),
                    func.coalesce(func.sum(rows.c.cost_usd), 0.0),
                ).group_by(rows.c.i)
            )
        if parts.rolled:
            r = self._rolled_by_day(days, parts.rolled, AI_USAGE)
            queries.append(
                select(
                    r.c.i, func.sum(r.c.events), func.sum(r.c.tokens), func.sum(r.c.cost_usd)
                ).group_by(r.c.i)
            )
        for query in queries:
            for i, n, t, c in self._core.execute(query):
                calls, tokens, cost = found.get(int(i), (0, 0, 0.0))
                found[int(i)] = (calls + int(n), tokens + int(t), cost + float(c))
        return found

    # Latency from the histograms ---------------------------------------------------------------

    def _histogram_split(self, span: Span) -> Split | None:
        """How `span` splits between rolled-up UTC days (whole ones, and the coverage's last,
        partial one) and raw events; None when no day is rolled up (then the exact raw
        queries answer)."""
        coverage = self.coverage
        parts = split([span], coverage, days=True)
        if coverage is not None:
            parts = with_last_day(parts, span, coverage)
        return parts if parts.rolled else None

    def _histograms(self, kind: str, parts: Split, groups: Sequence[str]) -> Histograms:
        """Latency histograms of `kind` (api_call: upstream calls only) per `groups` (of
        "service", "subject"), over the split's rolled-up days and raw pieces. Read per
        (service, subject) once per unit of work and summed to `groups` (the p95 tiles and
        the tables ask for the same days)."""
        key = (kind, parts)
        if key not in self._finest:
            self._finest[key] = self._read_histograms(kind, parts, FINEST)
        if tuple(groups) == FINEST:
            return self._finest[key]
        found: Histograms = defaultdict(Counter)
        at = [FINEST.index(name) for name in groups]
        for group, counts in self._finest[key].items():
            found[tuple(group[i] for i in at)].update(counts)
        return found

    def _read_histograms(self, kind: str, parts: Split, groups: Sequence[str]) -> Histograms:
        found: Histograms = defaultdict(Counter)
        daily = [LatencyDailyRow.__table__.c[name] for name in groups]
        days = joined_bytes(LatencyDailyRow.histogram, self._dialect)
        rolled = binary_results(
            select(*daily, days)
            .where(LatencyDailyRow.kind == kind, within(LatencyDailyRow.day, parts.rolled))
            .group_by(*daily)
        )
        for *group, packed in self._core.execute(rolled):
            found[tuple(str(k) for k in group)] = histograms.merged([packed])  # one row a group
        if parts.raw:
            measured = [EventRow.kind == kind, EventRow.duration_ms.is_not(None)]
            if kind == API_CALL:
                measured.append(reached_upstream())
            columns = [func.coalesce(EventRow.__table__.c[name], "").label(name) for name in groups]
            bucketed = select(*columns, bucket_expression(EventRow.duration_ms).label("bucket"))
            rows = in_ranges(bucketed.where(*measured), EventRow.ts, parts.raw)
            keys = [rows.c[name] for name in groups]
            query = select(*keys, rows.c.bucket, func.count()).group_by(*keys, rows.c.bucket)
            for row in self._core.execute(query):
                *key, bucket, n = row
                found[tuple(str(k) for k in key)][int(bucket)] += int(n)
        return found

    def _api_counts(self, span: Span) -> dict[tuple[str, str], tuple[int, int, int]]:
        """(upstream calls, failed, 429) per (service, endpoint) over the span: its whole
        rolled-up UTC days from `event_daily_rollup`, its other rolled-up hours from
        `event_hourly` (a year of hours was 50 ms of rows to group), the rest from raw
        events."""
        coverage = self.coverage
        parts = split([span], coverage)
        whole = coverage.whole_days(span) if coverage is not None else None
        found: dict[tuple[str, str], tuple[int, int, int]] = {}
        queries = [
            select(t.c.service, t.c.subject, func.sum(t.c.upstream), func.sum(t.c.failed))
            .add_columns(func.sum(t.c.rate_limited))
            .where(t.c.kind == API_CALL, held)
            .group_by(t.c.service, t.c.subject)
            for t, _at, held in rolled_tables(parts.rolled, [whole] if whole else [])
        ]
        if parts.raw:
            labelled = [
                func.coalesce(EventRow.service, "").label("service"),
                func.coalesce(EventRow.subject, "").label("endpoint"),
            ]
            flags = [
                _one_when(reached_upstream()).label("calls"),
                _one_when(and_(reached_upstream(), failed())).label("failed"),
                _one_when(and_(reached_upstream(), EventRow.status == 429)).label("limited"),
            ]
            api = select(*labelled, *flags).where(EventRow.kind == API_CALL)
            raw = in_ranges(api, EventRow.ts, parts.raw)
            queries.append(
                select(
                    raw.c.service,
                    raw.c.endpoint,
                    func.sum(raw.c.calls),
                    func.sum(raw.c.failed),
                    func.sum(raw.c.limited),
                ).group_by(raw.c.service, raw.c.endpoint)
            )
        for query in queries:
            for service, endpoint, calls, failures, limited in self._core.execute(query):
                key = (str(service), str(endpoint))
                before = found.get(key, (0, 0, 0))
                found[key] = (
                    before[0] + int(calls or 0),
                    before[1] + int(failures or 0),
                    before[2] + int(limited or 0),
                )
        return {key: value for key, value in found.items() if value[0]}

    def _api_latency_rolled(self, span: Span, parts: Split) -> list[dict[str, Any]]:
        histograms = self._histograms(API_CALL, parts, ("service", "subject"))
        rows = []
        for (service, endpoint), (calls, failures, limited) in self._api_counts(span).items():
            counts = histograms.get((service, endpoint), Counter())
            rows.append(
                {
                    "service": service,
                    "endpoint": endpoint,
                    "calls": calls,
                    "failed": failures,
                    "rate_limited": limited,
                    "p50_ms": nearest_rank_bucket(counts, PERCENTILES[0]),
                    "p95_ms": nearest_rank_bucket(counts, PERCENTILES[1]),
                }
            )
        return rows

    def _page_render_rolled(self, parts: Split) -> list[dict[str, Any]]:
        rows = []
        for (page,), counts in self._histograms(PAGE_VIEW, parts, ("subject",)).items():
            views = sum(counts.values())
            if views:
                rows.append(
                    {
                        "page": page,
                        "views": views,
                        "p50_ms": nearest_rank_bucket(counts, PERCENTILES[0]),
                        "p95_ms": nearest_rank_bucket(counts, PERCENTILES[1]),
                    }
                )
        return rows

    def api_latency(self, span: Span) -> list[dict[str, Any]]:
        """Upstream calls per (service, endpoint) with nearest-rank p50 and p95 latency,
        failures and 429s."""
        parts = self._histogram_split(span)
        if parts is not None:
            return self._api_latency_rolled(span, parts)
        start, stop = span
        groups = ("service", "endpoint")
        where = (
            EventRow.kind == API_CALL,
            EventRow.ts >= start,
            EventRow.ts < stop,
            reached_upstream(),
        )
        labelled = [EventRow.service.label("service"), EventRow.subject.label("endpoint")]
        base = select(*labelled[: len(groups)], EventRow.duration_ms.label("ms")).where(*where)
        latency = self._core.execute(
            percentile_query(
                base,
                group_names=groups,
                value_name="ms",
                fractions=PERCENTILES,
                dialect=self._dialect,
            )
        )
        counts = self._core.execute(
            select(
                *labelled[: len(groups)],
                func.count(),
                _count_when(failed()),
                _count_when(EventRow.status == 429),
            )
            .where(*where)
            .group_by(*labelled[: len(groups)])
        )
        measured = {tuple(row[: len(groups)]): row[len(groups) + 1 :] for row in latency}
        rows = []
        for row in counts:
            values: tuple[Any, ...] = tuple(row)
            key = values[: len(groups)]
            calls, failures, limited = (int(v) for v in values[len(groups) :])
            p50, p95 = measured.get(key, (None, None))
            rows.append(
                {
                    **{name: value or "" for name, value in zip(groups, key, strict=True)},
                    "calls": calls,
                    "failed": failures,
                    "rate_limited": limited,
                    "p50_ms": _float(p50),
                    "p95_ms": _float(p95),
                }
            )
        return rows

    def p95_per_span(self, kind: str, spans: Sequence[Span]) -> list[float | None]:
        """The nearest-rank p95 of `duration_ms` of `kind` events (api_call: those that
        reached upstream) in each of the `spans`.

        One scan counts each span's values; then each span's p95 is the value at that rank
        counted from the top (`ORDER BY ms DESC LIMIT 1 OFFSET k`), which both databases
        answer with a small top-k sort instead of numbering every row (SQLite's window
        functions took ~0.5 s for 90 days of page views, this ~30 ms)."""
        rolled = {span: self._histogram_split(span) for span in spans}
        if any(rolled.values()):
            exact = [span for span, parts in rolled.items() if parts is None]
            values = dict(zip(exact, self._exact_p95(kind, exact), strict=True)) if exact else {}
            for span, parts in rolled.items():
                if parts is not None:
                    counts = self._histograms(kind, parts, ()).get((), Counter())
                    values[span] = nearest_rank_bucket(counts, 0.95)
            return [values[span] for span in spans]
        return self._exact_p95(kind, spans)

    def _exact_p95(self, kind: str, spans: Sequence[Span]) -> list[float | None]:
        measured = [EventRow.kind == kind, EventRow.duration_ms.is_not(None)]
        if kind == API_CALL:
            measured.append(reached_upstream())
        low, high = min(a for a, _ in spans), max(b for _, b in spans)
        counts = self._core.execute(
            select(*[_count_when(and_(EventRow.ts >= a, EventRow.ts < b)) for a, b in spans]).where(
                *measured, EventRow.ts >= low, EventRow.ts < high
            )
        ).one()
        return [
            self._value_from_top(measured, span, offset=int(n) - nearest_rank(int(n), 0.95))
            if n
            else None
            for span, n in zip(spans, counts, strict=True)
        ]

    def _value_from_top(self, where: list[Any], span: Span, *, offset: int) -> float | None:
        start, stop = span
        query = (
            select(EventRow.duration_ms)
            .where(*where, EventRow.ts >= start, EventRow.ts < stop)
            .order_by(EventRow.duration_ms.desc())
            .limit(1)
            .offset(offset)
        )
        return _float(self._core.execute(query).scalar())

    def page_render(self, span: Span) -> list[dict[str, Any]]:
        """Page views per page with nearest-rank p50 and p95 render time."""
        parts = self._histogram_split(span)
        if parts is not None:
            return self._page_render_rolled(parts)
        start, stop = span
        page = EventRow.subject.label("page")
        groups = ("page",)
        base = select(page, EventRow.duration_ms.label("ms")).where(
            EventRow.kind == PAGE_VIEW, EventRow.ts >= start, EventRow.ts < stop
        )
        measured = self._core.execute(
            percentile_query(
                base,
                group_names=groups,
                value_name="ms",
                fractions=PERCENTILES,
                dialect=self._dialect,
            )
        )
        rows = []
        for row in measured:
            values = {
                name: value or "" for name, value in zip(groups, row[: len(groups)], strict=True)
            }
            views, p50, p95 = row[len(groups) :]
            if views:
                rows.append(
                    {**values, "views": int(views), "p50_ms": _float(p50), "p95_ms": _float(p95)}
                )
        return rows


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
