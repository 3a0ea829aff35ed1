"""One user's own numbers for My stats. Every query filters by the acting user's id."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, case, func, select
from sqlalchemy.orm import Session

from reelmatch.domain import DiaryEntry
from reelmatch.store.mapping import LISTING_COLUMNS, listing_movie
from reelmatch.store.models import MovieRow, UserMovieRow, WatchRow


class RatedFacts(NamedTuple):
    stars: float
    year: int | None
    genres: tuple[str, ...]
    directors: tuple[str, ...]


class StatsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _core(self) -> Connection:
        return self._session.connection()

    def star_counts(
        self, *, user_id: int, rated_from: datetime | None = None, rated_to: datetime | None = None
    ) -> dict[float, int]:
        query = (
            select(UserMovieRow.rating, func.count())
            .where(UserMovieRow.user_id == user_id, UserMovieRow.rating.is_not(None))
            .group_by(UserMovieRow.rating)
        )
        if rated_from is not None and rated_to is not None:
            query = query.where(
                UserMovieRow.rated_at >= rated_from, UserMovieRow.rated_at < rated_to
            )
        return {float(stars or 0.0): int(n) for stars, n in self._core.execute(query)}

    def rated_movies(self, *, user_id: int) -> list[RatedFacts]:
        """Stars, year, genres and directors of every movie the user rated."""
        query = (
            select(UserMovieRow.rating, MovieRow.year, MovieRow.genres, MovieRow.directors)
            .join(MovieRow, MovieRow.id == UserMovieRow.movie_id)
            .where(UserMovieRow.user_id == user_id, UserMovieRow.rating.is_not(None))
        )
        return [
            RatedFacts(float(r or 0.0), y, tuple(g or ()), tuple(d or ()))
            for r, y, g, d in self._core.execute(query)
        ]

    def watch_totals(
        self, *, user_id: int, first: date | None = None, last: date | None = None
    ) -> tuple[int, int, int]:
        """(diary entries, rewatches, minutes of runtime) between `first` and `last`."""
        query = (
            select(
                func.count(),
                func.coalesce(func.sum(case((WatchRow.rewatch.is_(True), 1), else_=0)), 0),
                func.coalesce(func.sum(MovieRow.runtime), 0),
            )
            .join(MovieRow, MovieRow.id == WatchRow.movie_id)
            .where(WatchRow.user_id == user_id, *_days(WatchRow.watched_on, first, last))
        )
        entries, rewatches, minutes = self._core.execute(query).one()
        return int(entries), int(rewatches), int(minutes)

    def watches_per_month(self, *, user_id: int, year: int) -> list[int]:
        """Diary entries in each month of `year` (twelve numbers, January first)."""
        columns = [
            func.coalesce(
                func.sum(
                    case(
                        (
                            and_(
                                WatchRow.watched_on >= date(year, m, 1),
                                WatchRow.watched_on < _next_month(year, m),
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
                0,
            )
            for m in range(1, 13)
        ]
        query = select(*columns).where(
            WatchRow.user_id == user_id,
            *_days(WatchRow.watched_on, date(year, 1, 1), date(year, 12, 31)),
        )
        return [int(n) for n in self._core.execute(query).one()]

    def watched_genres(self, *, user_id: int, first: date, last: date) -> list[list[str]]:
        query = (
            select(MovieRow.genres)
            .join(WatchRow, WatchRow.movie_id == MovieRow.id)
            .where(WatchRow.user_id == user_id, *_days(WatchRow.watched_on, first, last))
        )
        return [list(g or ()) for g in self._core.execute(query).scalars()]

    def top_rated(
        self, *, user_id: int, rated_from: datetime, rated_to: datetime, limit: int
    ) -> list[tuple[int, str, int | None, float]]:
        query = (
            select(MovieRow.id, MovieRow.title, MovieRow.year, UserMovieRow.rating)
            .join(MovieRow, MovieRow.id == UserMovieRow.movie_id)
            .where(
                UserMovieRow.user_id == user_id,
                UserMovieRow.rating.is_not(None),
                UserMovieRow.rated_at >= rated_from,
                UserMovieRow.rated_at < rated_to,
            )
            .order_by(UserMovieRow.rating.desc(), UserMovieRow.rated_at.desc(), MovieRow.id)
            .limit(limit)
        )
        return [(int(i), t, y, float(r or 0.0)) for i, t, y, r in self._core.execute(query)]

    def first_activity(self, *, user_id: int) -> tuple[date | None, datetime | None]:
        """(the earliest diary date, the earliest rating time) of the user."""
        watched = select(func.min(WatchRow.watched_on)).where(WatchRow.user_id == user_id)
        rated = select(func.min(UserMovieRow.rated_at)).where(
            UserMovieRow.user_id == user_id, UserMovieRow.rating.is_not(None)
        )
        return self._session.scalar(watched), self._session.scalar(rated)

    def watchlist_added(self, *, user_id: int) -> list[datetime]:
        query = select(UserMovieRow.added_at).where(
            UserMovieRow.user_id == user_id, UserMovieRow.on_watchlist.is_(True)
        )
        return list(self._core.execute(query).scalars())

    def unrated_watches(self, *, user_id: int, since: date, limit: int) -> list[DiaryEntry]:
        """Diary entries since `since` whose movie the user has not rated, newest first, one
        per movie."""
        rated = (
            select(UserMovieRow.movie_id)
            .where(UserMovieRow.user_id == user_id, UserMovieRow.rating.is_not(None))
            .scalar_subquery()
        )
        ranked = (
            select(
                WatchRow.id.label("watch_id"),
                func.row_number()
                .over(
                    partition_by=WatchRow.movie_id,
                    order_by=(WatchRow.watched_on.desc(), WatchRow.id.desc()),
                )
                .label("recency"),
            )
            .where(
                WatchRow.user_id == user_id,
                WatchRow.watched_on >= since,
                WatchRow.movie_id.not_in(rated),
            )
            .subquery()
        )
        query = (
            select(
                *LISTING_COLUMNS, WatchRow.id, WatchRow.watched_on, WatchRow.rewatch, WatchRow.note
            )
            .join(ranked, and_(ranked.c.watch_id == WatchRow.id, ranked.c.recency == 1))
            .join(MovieRow, MovieRow.id == WatchRow.movie_id)
            .order_by(WatchRow.watched_on.desc(), WatchRow.id.desc())
            .limit(limit)
        )
        return [
            DiaryEntry(id=i, movie=listing_movie(movie), watched_on=on, rewatch=re, note=note)
            for *movie, i, on, re, note in self._core.execute(query)
        ]


def _days(column: Any, first: date | None, last: date | None) -> list[Any]:
    conditions = []
    if first is not None:
        conditions.append(column >= first)
    if last is not None:
        conditions.append(column <= last)
    return conditions


def _next_month(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
