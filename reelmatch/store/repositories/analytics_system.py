"""Team analytics over system health: TMDB/OpenAI calls, the cache, AI spend, page speed.

An `api_call` that the cache answered (`cache = 'hit'`) never reached the upstream service:
latency percentiles and error rates count only the calls that did. TMDB calls carry the cache
kind they were for (`cache_kind`: list, movie, search, reference).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, or_, select
from sqlalchemy.orm import Session

from reelmatch.events import AI_USAGE, API_CALL, CACHE_HIT, PAGE_VIEW
from reelmatch.store.models import EventRow
from reelmatch.store.repositories.analytics import Span
from reelmatch.store.sql import LocalDays, local_day_index, nearest_rank, percentile_query

PERCENTILES = (0.5, 0.95)


def reached_upstream() -> ColumnElement[bool]:
    return or_(EventRow.cache.is_(None), EventRow.cache != CACHE_HIT)


def failed() -> ColumnElement[bool]:
    """No response (status 0) or an HTTP error, 429 included."""
    return or_(EventRow.status == 0, EventRow.status >= 400)


def _count_when(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class SystemAnalyticsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _core(self) -> Connection:
        return self._session.connection()

    @property
    def _dialect(self) -> str:
        return self._core.dialect.name

    def _by_day(self, days: LocalDays, *columns: Any, kind: str) -> Any:
        index = local_day_index(EventRow.ts, days, self._dialect).label("i")
        return (
            select(index, *columns)
            .where(EventRow.kind == kind, EventRow.ts >= days.start, EventRow.ts < days.stop)
            .subquery("by_day")
        )

    def api_per_day(self, days: LocalDays) -> list[tuple[int, str, str, dict[str, int]]]:
        """Per day, service and cache kind ('' when the call had none, like OpenAI's):
        upstream calls, failed, rate limited, cache hits, stale answers and cache lookups."""
        rows = self._by_day(
            days,
            EventRow.service,
            EventRow.cache_kind,
            EventRow.cache,
            EventRow.status,
            kind=API_CALL,
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
        names = ("calls", "failed", "rate_limited", "cache_hits", "cache_stale", "cache_lookups")
        return [
            (int(i), service or "", kind or "", dict(zip(names, map(int, counts), strict=True)))
            for i, service, kind, *counts in self._core.execute(query)
        ]

    def ai_per_day(self, days: LocalDays) -> dict[int, tuple[int, int, float]]:
        """Per day: (AI calls, tokens, cost in USD)."""
        rows = self._by_day(days, EventRow.tokens, EventRow.cost_usd, kind=AI_USAGE)
        query = select(
            rows.c.i,
            func.count(),
            func.coalesce(func.sum(rows.c.tokens), 0),
            func.coalesce(func.sum(rows.c.cost_usd), 0.0),
        ).group_by(rows.c.i)
        return {int(i): (int(n), int(t), float(c)) for i, n, t, c in self._core.execute(query)}

    def api_latency(self, span: Span) -> list[dict[str, Any]]:
        """Upstream calls per (service, endpoint) with nearest-rank p50 and p95 latency,
        failures and 429s."""
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
