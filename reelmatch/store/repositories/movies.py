"""The local copy of movie metadata (shared by all users; not personal data)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from reelmatch.domain import Movie, served_stale
from reelmatch.store.mapping import movie_from_values, movie_values
from reelmatch.store.models import MovieRow
from reelmatch.store.repositories.upsert import upsert
from reelmatch.store.types import utcnow

REFRESH_AFTER = timedelta(days=1)
#: The `fetched_at` of rows written from the bundled snapshot rather than from TMDB: older than
#: any refresh cut-off, so the metadata refresher replaces them first (posters, today's data).
NEEDS_REFRESH_AT = datetime(1970, 1, 1, tzinfo=UTC)

_METADATA = [column for column in movie_values(Movie(id=0, title="")) if column != "id"]
_ALL_COLUMNS = [
    c for c in movie_values(Movie(id=0, title="")) if c not in ("year", "fetched_at", "directors")
]


class MovieRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def upsert_many(self, movies: Iterable[Movie]) -> None:
        """Insert or refresh movies, in id order (so concurrent writers lock rows in the same
        order and cannot deadlock)."""
        unique = {movie.id: movie for movie in movies}
        rows = [movie_values(unique[movie_id]) for movie_id in sorted(unique)]
        upsert(
            self._session,
            MovieRow.__table__,
            rows,
            keys=["id"],
            update=_METADATA,
        )

    def refresh(self, movies: Iterable[Movie], *, max_age: timedelta = REFRESH_AFTER) -> None:
        """Write-through: store the movies that are missing here or older than `max_age`
        (a fresh local copy is left alone, which keeps a rating to one small write). Details
        served stale (TMDB failing) only fill a gap, stamped as needing a refresh: stored as
        fetched now, old data would pass for fresh."""
        wanted = {movie.id: movie for movie in movies}
        stale = [movie for movie in wanted.values() if served_stale(movie)]
        if stale:
            self.add_missing(stale, fetched_at=NEEDS_REFRESH_AT)
            wanted = {movie_id: movie for movie_id, movie in wanted.items() if movie not in stale}
        if not wanted:
            return
        cutoff = utcnow() - max_age
        fresh = set(
            self._session.scalars(
                select(MovieRow.id).where(
                    MovieRow.id.in_(sorted(wanted)), MovieRow.fetched_at >= cutoff
                )
            )
        )
        self.upsert_many(movie for movie_id, movie in wanted.items() if movie_id not in fresh)

    def add_missing(self, movies: Iterable[Movie], *, fetched_at: datetime) -> None:
        """Insert the movies this table does not hold yet, stamped `fetched_at`; rows that
        exist are left alone (they are at least as good: from TMDB, or the same snapshot)."""
        unique = {movie.id: movie for movie in movies}
        rows = [
            {**movie_values(unique[movie_id]), "fetched_at": fetched_at}
            for movie_id in sorted(unique)
        ]
        upsert(
            self._session,
            MovieRow.__table__,
            rows,
            keys=["id"],
            update=[],
        )

    def stale_ids(self, *, fetched_before: datetime, limit: int) -> list[int]:
        """Ids of rows fetched before `fetched_before`, oldest first (snapshot rows first)."""
        query = (
            select(MovieRow.id)
            .where(MovieRow.fetched_at < fetched_before)
            .order_by(MovieRow.fetched_at, MovieRow.id)
            .limit(limit)
        )
        return list(self._session.scalars(query))

    def count_stale(self, *, fetched_before: datetime) -> int:
        query = select(func.count()).where(MovieRow.fetched_at < fetched_before)
        return int(self._session.scalar(query.select_from(MovieRow)) or 0)

    def mark_fetched(self, movie_ids: Iterable[int], *, at: datetime) -> None:
        """Stamp rows as fetched without changing their data (for ids TMDB no longer knows:
        asking again every round would never end)."""
        ids = sorted(set(movie_ids))
        if ids:
            self._session.execute(
                update(MovieRow).where(MovieRow.id.in_(ids)).values(fetched_at=at)
            )

    def all(self) -> list[Movie]:
        """Every stored movie (the recommender's features), in id order: one Core query."""
        columns = [getattr(MovieRow, name) for name in _ALL_COLUMNS]
        rows = self._session.connection().execute(select(*columns).order_by(MovieRow.id))
        return [movie_from_values(dict(zip(_ALL_COLUMNS, row, strict=True))) for row in rows]

    def get(self, movie_id: int) -> MovieRow | None:
        return self._session.get(MovieRow, movie_id)

    def get_many(self, movie_ids: Iterable[int]) -> dict[int, MovieRow]:
        ids = sorted(set(movie_ids))
        if not ids:
            return {}
        rows: Sequence[MovieRow] = self._session.scalars(
            select(MovieRow).where(MovieRow.id.in_(ids))
        ).all()
        return {row.id: row for row in rows}
