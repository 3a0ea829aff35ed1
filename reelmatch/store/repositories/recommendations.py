"""Recommendation runs and items, feedback and conversions, and the training data query.

Personal reads and writes take the acting user's id and filter by it. The training queries
(`rating_rows`, `rating_count`, `ratings_changed_since`) read every user's ratings: they feed
the model, never a page, and return no names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.orm import Session

from reelmatch.domain import DISMISSING
from reelmatch.store.models import (
    RecommendationItemRow,
    RecommendationRunRow,
    UserMovieRow,
    WatchRow,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunValues:
    engine: str
    fingerprint: str
    model: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    hallucinations: int = 0
    notice: str | None = None
    ai_requests: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemValues:
    movie_id: int
    rank: int
    score: float
    reasons: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A stored item and the engine of its run (what events about it carry)."""

    item_id: int
    run_id: int
    engine: str


_REF_COLUMNS = (
    RecommendationItemRow.id,
    RecommendationItemRow.run_id,
    RecommendationRunRow.engine,
)


class RecommendationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _core(self) -> Connection:
        return self._session.connection()

    # Runs and items ----------------------------------------------------------------------

    def add_run(
        self,
        *,
        user_id: int,
        run: RunValues,
        items: Sequence[ItemValues],
        now: datetime,
        shown: bool,
    ) -> int:
        """One run with its items (ranks from 1); `shown` stamps them shown now."""
        run_id = self._core.execute(
            insert(RecommendationRunRow)
            .values(user_id=user_id, created_at=now, **_run_columns(run))
            .returning(RecommendationRunRow.id)
        ).scalar_one()
        if items:
            self._core.execute(
                insert(RecommendationItemRow),
                [
                    {"run_id": run_id, "user_id": user_id, "movie_id": item.movie_id,
                     "rank": item.rank, "score": item.score, "reasons": list(item.reasons),
                     "source": item.source, "shown_at": now if shown else None}
                    for item in items
                ],
            )  # fmt: skip
        return int(run_id)

    def mark_shown(self, *, user_id: int, run_id: int, now: datetime) -> int:
        """Stamp a run's items shown (once); how many were not shown before."""
        result = self._core.execute(
            update(RecommendationItemRow)
            .where(
                RecommendationItemRow.user_id == user_id,
                RecommendationItemRow.run_id == run_id,
                RecommendationItemRow.shown_at.is_(None),
            )
            .values(shown_at=now)
        )
        return int(result.rowcount or 0)

    def item(self, *, user_id: int, movie_id: int, run_id: int | None = None) -> ItemRef | None:
        """The user's latest item for this movie (in `run_id` when given)."""
        query = (
            select(*_REF_COLUMNS)
            .join(RecommendationRunRow, RecommendationRunRow.id == RecommendationItemRow.run_id)
            .where(
                RecommendationItemRow.user_id == user_id,
                RecommendationItemRow.movie_id == movie_id,
            )
            .order_by(RecommendationItemRow.id.desc())
            .limit(1)
        )
        if run_id is not None:
            query = query.where(RecommendationItemRow.run_id == run_id)
        row = self._core.execute(query).first()
        return ItemRef(int(row[0]), int(row[1]), str(row[2])) if row else None

    def set_item(self, *, user_id: int, item_id: int, values: dict[str, Any]) -> None:
        self._core.execute(
            update(RecommendationItemRow)
            .where(RecommendationItemRow.user_id == user_id, RecommendationItemRow.id == item_id)
            .values(**values)
        )

    # Feedback and conversions ------------------------------------------------------------

    def dismissed_ids(self, *, user_id: int) -> set[int]:
        """Movies the user dismissed (👎, not interested, seen it): never shown again."""
        query = select(RecommendationItemRow.movie_id).where(
            RecommendationItemRow.user_id == user_id,
            RecommendationItemRow.feedback.in_(sorted(DISMISSING)),
        )
        return {int(movie_id) for movie_id in self._core.execute(query).scalars()}

    def convertible(self, *, user_id: int, movie_id: int, shown_since: datetime) -> list[ItemRef]:
        """The user's items for this movie shown since `shown_since`, not yet converted and
        not dismissed (a movie marked "seen it" and then logged is not a conversion)."""
        query = (
            select(*_REF_COLUMNS)
            .join(RecommendationRunRow, RecommendationRunRow.id == RecommendationItemRow.run_id)
            .where(
                RecommendationItemRow.user_id == user_id,
                RecommendationItemRow.movie_id == movie_id,
                RecommendationItemRow.shown_at >= shown_since,
                RecommendationItemRow.converted.is_(None),
                RecommendationItemRow.feedback.is_(None)
                | RecommendationItemRow.feedback.not_in(sorted(DISMISSING)),
            )
            .order_by(RecommendationItemRow.id)
        )
        return [ItemRef(int(i), int(r), str(e)) for i, r, e in self._core.execute(query)]

    def mark_converted(
        self, *, user_id: int, item_ids: Sequence[int], how: str, now: datetime
    ) -> None:
        if item_ids:
            self._core.execute(
                update(RecommendationItemRow)
                .where(
                    RecommendationItemRow.user_id == user_id,
                    RecommendationItemRow.id.in_(list(item_ids)),
                    RecommendationItemRow.converted.is_(None),
                )
                .values(converted=how, converted_at=now)
            )

    def ai_requests_since(self, *, user_id: int, since: datetime) -> int:
        """Requests sent to the AI service for this user since `since`, whatever the outcome."""
        query = select(func.coalesce(func.sum(RecommendationRunRow.ai_requests), 0)).where(
            RecommendationRunRow.user_id == user_id, RecommendationRunRow.created_at >= since
        )
        return int(self._core.execute(query).scalar_one())

    def library_rows(
        self, *, user_id: int
    ) -> list[tuple[int, float | None, bool, datetime | None, datetime]]:
        """(movie id, stars, on watchlist, rated at, added at) of the user's library rows:
        what recommending needs, without the movies join a library page makes."""
        query = select(
            UserMovieRow.movie_id,
            UserMovieRow.rating,
            UserMovieRow.on_watchlist,
            UserMovieRow.rated_at,
            UserMovieRow.added_at,
        ).where(UserMovieRow.user_id == user_id)
        return [(m, r, bool(w), t, a) for m, r, w, t, a in self._core.execute(query)]

    def diary_rows(self, *, user_id: int) -> list[tuple[int, int, str | None]]:
        """(watch id, movie id, note) of the user's diary."""
        query = select(WatchRow.id, WatchRow.movie_id, WatchRow.note).where(
            WatchRow.user_id == user_id
        )
        return [(int(i), int(m), n) for i, m, n in self._core.execute(query.order_by(WatchRow.id))]

    def has_ratings(self, *, user_id: int) -> bool:
        query = (
            select(UserMovieRow.id)
            .where(UserMovieRow.user_id == user_id, UserMovieRow.rating.is_not(None))
            .limit(1)
        )
        return self._core.execute(query).first() is not None

    # Training data (every user's ratings; never shown to anyone) -------------------------

    def rating_rows(self) -> list[tuple[int, int, float, datetime | None]]:
        """(user id, movie id, stars, rated at) of every rating: one query."""
        query = select(
            UserMovieRow.user_id, UserMovieRow.movie_id, UserMovieRow.rating, UserMovieRow.rated_at
        ).where(UserMovieRow.rating.is_not(None))
        return [(u, m, float(r or 0.0), t) for u, m, r, t in self._core.execute(query)]

    def rating_count(self) -> int:
        query = select(func.count()).where(UserMovieRow.rating.is_not(None))
        return int(self._core.execute(query.select_from(UserMovieRow)).scalar_one())

    def ratings_changed_since(self, since: datetime) -> int:
        """Library rows changed (rated, re-rated, cleared, watchlisted) after `since`."""
        query = select(func.count()).where(UserMovieRow.updated_at > since)
        return int(self._core.execute(query.select_from(UserMovieRow)).scalar_one())


def _run_columns(run: RunValues) -> dict[str, Any]:
    return {
        "engine": run.engine,
        "model": run.model,
        "fingerprint": run.fingerprint,
        "filters": run.filters,
        "prompt_tokens": run.prompt_tokens,
        "completion_tokens": run.completion_tokens,
        "cost_usd": run.cost_usd,
        "latency_ms": run.latency_ms,
        "hallucinations": run.hallucinations,
        "notice": run.notice,
        "ai_requests": run.ai_requests,
    }
