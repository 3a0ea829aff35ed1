"""Writing analytics events, and rolling old ones into `event_daily` (`metrics prune`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, and_, case, delete, func, insert, select, tuple_
from sqlalchemy.orm import Session

from reelmatch.events import AI_USAGE, API_CALL, CACHE_HIT, ERROR, IMPORT_DONE, PAGE_VIEW
from reelmatch.store.models import EventDailyRow, EventRow, UserRow
from reelmatch.store.sql import utc_day

#: Which property becomes the `subject` column, per kind (recommendation_* use `engine`).
SUBJECT_PROPERTY = {
    PAGE_VIEW: "page",
    API_CALL: "endpoint",
    ERROR: "where",
    AI_USAGE: "model",
    IMPORT_DONE: "source",
}
DURATION_ALIASES = ("latency_ms", "render_ms")
#: The `kind` of the rollup rows that count a day's distinct users over every kind.
ALL_KINDS = "*"


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """An event as `record()` captured it: cheap to build, normalised later off the hot path."""

    ts: datetime
    kind: str
    user_id: int | None
    duration_ms: float | None
    properties: dict[str, Any]


def event_values(event: QueuedEvent) -> dict[str, Any]:
    """The `events` row for `event`: promoted properties become columns, values that JSON
    cannot hold become strings (one odd value must not poison a whole batch)."""
    rest = dict(event.properties)
    duration = event.duration_ms
    for alias in DURATION_ALIASES:
        value = rest.pop(alias, None)
        if duration is None:
            duration = value
    subject_key = "engine" if event.kind.startswith("recommendation_") else None
    subject_key = SUBJECT_PROPERTY.get(event.kind, subject_key)
    tokens = rest.pop("tokens", None)
    if tokens is None and event.kind == AI_USAGE:
        tokens = _number(rest.get("prompt_tokens"), int, 0) + _number(
            rest.get("completion_tokens"), int, 0
        )
    return {
        "ts": event.ts,
        "kind": str(event.kind)[:40],
        "user_id": _number(event.user_id, int),
        "subject": _text(rest.pop(subject_key, None) if subject_key else None, 200),
        "service": _text(rest.pop("service", None), 20),
        "status": _number(rest.pop("status", None), int),
        "cache": _text(rest.pop("cache", None), 10),
        "cache_kind": _text(rest.pop("cache_kind", None), 20),
        "movie_id": _number(rest.pop("movie_id", None), int),
        "tokens": _number(tokens, int),
        "cost_usd": _number(rest.pop("cost_usd", None), float),
        "duration_ms": _number(duration, float),
        "properties": _json_safe(rest),
    }


def _number(value: Any, kind: type[Any], default: Any = None) -> Any:
    if value is None or isinstance(value, bool):
        return default
    try:
        number = kind(value)
    except (TypeError, ValueError, OverflowError):
        return default
    if isinstance(number, float) and not math.isfinite(number):
        return default
    if isinstance(number, int) and abs(number) >= 2**31:
        return default
    return number


def _text(value: Any, limit: int) -> str | None:
    return None if value is None else str(value)[:limit]


def _json_safe(properties: dict[str, Any]) -> dict[str, Any]:
    try:
        orjson.dumps(properties)
        return properties
    except TypeError:
        return {str(key): _plain(value) for key, value in properties.items()}


def _plain(value: Any) -> Any:
    try:
        orjson.dumps(value)
        return value
    except TypeError:
        return str(value)


class EventRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _core(self) -> Connection:
        return self._session.connection()

    def insert_many(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self._core.execute(insert(EventRow), list(rows))

    def existing_user_ids(self, user_ids: Iterable[int]) -> set[int]:
        wanted = set(user_ids)
        if not wanted:
            return set()
        found = self._core.execute(select(UserRow.id).where(UserRow.id.in_(wanted))).scalars()
        return set(found)

    def count_since(self, since: datetime) -> int:
        return int(self._core.scalar(select(func.count()).where(EventRow.ts >= since)) or 0)

    def oldest_before(self, cutoff: datetime) -> datetime | None:
        return self._core.scalar(select(func.min(EventRow.ts)).where(EventRow.ts < cutoff))

    def roll_up(self, *, start: datetime, end: datetime) -> tuple[int, int]:
        """Fold the events in [start, end) (whole UTC days) into `event_daily`, merging with
        rows already there, then delete them. Returns (events removed, rollup rows written)."""
        fresh = self._aggregate(start=start, end=end)
        merged = self._merge_with_existing(fresh)
        if merged:
            keys = [(r["day"], r["kind"], r["service"], r["subject"]) for r in merged]
            self._core.execute(
                delete(EventDailyRow).where(
                    tuple_(
                        EventDailyRow.day,
                        EventDailyRow.kind,
                        EventDailyRow.service,
                        EventDailyRow.subject,
                    ).in_(keys)
                )
            )
            self._core.execute(insert(EventDailyRow), merged)
        removed = self._core.execute(
            delete(EventRow).where(EventRow.ts >= start, EventRow.ts < end)
        )
        return int(getattr(removed, "rowcount", 0) or 0), len(merged)

    def _aggregate(self, *, start: datetime, end: datetime) -> list[dict[str, Any]]:
        day = utc_day(EventRow.ts, self._core.dialect.name).label("day")
        in_range = and_(EventRow.ts >= start, EventRow.ts < end)
        failed = (EventRow.status == 0) | (EventRow.status >= 400)
        detail = (
            select(
                day,
                EventRow.kind,
                func.coalesce(EventRow.service, ""),
                func.coalesce(EventRow.subject, ""),
                func.count(func.distinct(EventRow.user_id)),
                func.count(),
                func.coalesce(func.sum(EventRow.duration_ms), 0.0),
                func.count(EventRow.duration_ms),
                func.sum(case((failed, 1), else_=0)),
                func.sum(case((EventRow.status == 429, 1), else_=0)),
                func.sum(case((EventRow.cache == CACHE_HIT, 1), else_=0)),
                func.count(EventRow.cache),
                func.coalesce(func.sum(EventRow.tokens), 0),
                func.coalesce(func.sum(EventRow.cost_usd), 0.0),
            )
            .where(in_range)
            .group_by(day, EventRow.kind, EventRow.service, EventRow.subject)
        )
        users = (
            select(day, func.count(func.distinct(EventRow.user_id))).where(in_range).group_by(day)
        )
        rows = [_rollup_row(values) for values in self._core.execute(detail)]
        rows += [
            _rollup_row((d, ALL_KINDS, "", "", count, 0, 0.0, 0, 0, 0, 0, 0, 0, 0.0))
            for d, count in self._core.execute(users)
        ]
        return rows

    def _merge_with_existing(self, fresh: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Late events for an already rolled-up day add to its counts; distinct users of the
        two parts cannot be unioned, so the larger count is kept."""
        if not fresh:
            return []
        days = {row["day"] for row in fresh}
        existing = {
            (r.day, r.kind, r.service, r.subject): r
            for r in self._session.scalars(select(EventDailyRow).where(EventDailyRow.day.in_(days)))
        }
        merged: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in fresh:
            key = (row["day"], row["kind"], row["service"], row["subject"])
            old = existing.get(key)
            if old is not None:
                for column in _ADDITIVE:
                    row[column] += getattr(old, column)
                row["users"] = max(row["users"], old.users)
            merged[key] = row
        return list(merged.values())


_ADDITIVE = (
    "events",
    "duration_ms_sum",
    "duration_count",
    "failed",
    "rate_limited",
    "cache_hits",
    "cache_lookups",
    "tokens",
    "cost_usd",
)


def _rollup_row(values: Sequence[Any]) -> dict[str, Any]:
    (day, kind, service, subject, users, events, duration_sum, duration_count, failed,
     limited, hits, lookups, tokens, cost) = values  # fmt: skip
    return {
        "day": day if isinstance(day, date) else date.fromisoformat(str(day)),
        "kind": kind,
        "service": service,
        "subject": subject,
        "users": int(users or 0),
        "events": int(events or 0),
        "duration_ms_sum": float(duration_sum or 0.0),
        "duration_count": int(duration_count or 0),
        "failed": int(failed or 0),
        "rate_limited": int(limited or 0),
        "cache_hits": int(hits or 0),
        "cache_lookups": int(lookups or 0),
        "tokens": int(tokens or 0),
        "cost_usd": float(cost or 0.0),
    }
