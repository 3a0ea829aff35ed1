"""Stored recommendation runs read back as results: the second cache level behind Redis or
the in-process cache, so a list (and the AI answer it cost money to get) outlives a restart
and is shared by every process on the same database. Every read filters by the user's id."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from reelmatch.domain import Movie
from reelmatch.store.mapping import LISTING_COLUMNS, listing_movie
from reelmatch.store.models import MovieRow, RecommendationItemRow, RecommendationRunRow

#: The run's key in `filters` under which an AI run keeps the taste digest of its picks.
TASTE_DIGEST = "taste_digest"
#: Recent AI runs looked through for a digest (a user asks for AI picks a few times a day).
PICKS_SCAN = 20

_RUN_COLUMNS = (
    RecommendationRunRow.id,
    RecommendationRunRow.engine,
    RecommendationRunRow.model,
    RecommendationRunRow.notice,
    RecommendationRunRow.cost_usd,
    RecommendationRunRow.hallucinations,
    RecommendationRunRow.ai_requests,
    RecommendationRunRow.filters,
    RecommendationRunRow.created_at,
)


@dataclass(frozen=True, slots=True)
class StoredItem:
    movie: Movie
    score: float
    reasons: tuple[str, ...]
    source: str
    shown: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredRun:
    run_id: int
    engine: str
    model: str | None
    notice: str | None
    cost_usd: float
    hallucinations: int
    ai_requests: int
    filters: dict[str, Any]
    created_at: datetime
    items: tuple[StoredItem, ...] = ()


class StoredRunRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _core(self) -> Connection:
        return self._session.connection()

    def latest(self, *, user_id: int, fingerprint: str, since: datetime) -> StoredRun | None:
        """The newest run with this fingerprint made at or after `since`, with its items."""
        row = self._core.execute(
            select(*_RUN_COLUMNS)
            .where(
                RecommendationRunRow.user_id == user_id,
                RecommendationRunRow.fingerprint == fingerprint,
                RecommendationRunRow.created_at >= since,
            )
            .order_by(RecommendationRunRow.created_at.desc(), RecommendationRunRow.id.desc())
            .limit(1)
        ).first()
        return None if row is None else self._with_items(user_id, _run(row))

    def latest_picks(self, *, user_id: int, digest: str, since: datetime) -> StoredRun | None:
        """The newest run that asked the AI (and paid for it) for this taste digest."""
        rows = self._core.execute(
            select(*_RUN_COLUMNS)
            .where(
                RecommendationRunRow.user_id == user_id,
                RecommendationRunRow.engine == "ai",
                RecommendationRunRow.ai_requests > 0,
                RecommendationRunRow.created_at >= since,
            )
            .order_by(RecommendationRunRow.id.desc())
            .limit(PICKS_SCAN)
        ).all()
        for row in rows:
            run = _run(row)
            if run.filters.get(TASTE_DIGEST) == digest:
                return self._with_items(user_id, run)
        return None

    def _with_items(self, user_id: int, run: StoredRun) -> StoredRun:
        rows = self._core.execute(
            select(
                RecommendationItemRow.score,
                RecommendationItemRow.reasons,
                RecommendationItemRow.source,
                RecommendationItemRow.shown_at,
                *LISTING_COLUMNS,
            )
            .join(MovieRow, MovieRow.id == RecommendationItemRow.movie_id)
            .where(
                RecommendationItemRow.user_id == user_id,
                RecommendationItemRow.run_id == run.run_id,
            )
            .order_by(RecommendationItemRow.rank)
        ).all()
        items = tuple(
            StoredItem(listing_movie(movie), score, tuple(reasons or ()), source, shown is not None)
            for score, reasons, source, shown, *movie in rows
        )
        return replace(run, items=items)


def _run(row: Any) -> StoredRun:
    run_id, engine, model, notice, cost, hallucinations, requests, filters, created = row
    return StoredRun(
        run_id=int(run_id),
        engine=engine,
        model=model,
        notice=notice,
        cost_usd=float(cost or 0.0),
        hallucinations=int(hallucinations or 0),
        ai_requests=int(requests or 0),
        filters=dict(filters or {}),
        created_at=created,
    )
