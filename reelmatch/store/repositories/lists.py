"""Movie lists and their items. Owner reads and writes filter by the acting user's id; the one
read without a user is by share token, and only for public lists."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from reelmatch.store.list_rows import ListItemRow, MovieListRow
from reelmatch.store.models import MovieRow


class ListRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: MovieListRow) -> MovieListRow:
        self._session.add(row)
        self._session.flush()
        return row

    def owned(self, *, user_id: int, list_id: int) -> MovieListRow | None:
        return self._session.scalar(
            select(MovieListRow).where(MovieListRow.id == list_id, MovieListRow.user_id == user_id)
        )

    def for_user(self, *, user_id: int) -> Sequence[MovieListRow]:
        return self._session.scalars(
            select(MovieListRow)
            .where(MovieListRow.user_id == user_id)
            .order_by(MovieListRow.updated_at.desc(), MovieListRow.id.desc())
        ).all()

    def public_by_token(self, token: str) -> MovieListRow | None:
        return self._session.scalar(
            select(MovieListRow).where(
                MovieListRow.share_token == token, MovieListRow.public.is_(True)
            )
        )

    def delete(self, row: MovieListRow) -> None:
        self._session.delete(row)

    def items(self, list_id: int) -> list[tuple[ListItemRow, MovieRow]]:
        rows = self._session.execute(
            select(ListItemRow, MovieRow)
            .join(MovieRow, MovieRow.id == ListItemRow.movie_id)
            .where(ListItemRow.list_id == list_id)
            .order_by(ListItemRow.position)
        ).all()
        return [(item, movie) for item, movie in rows]

    def item_rows(self, list_id: int) -> list[ListItemRow]:
        return list(
            self._session.scalars(
                select(ListItemRow)
                .where(ListItemRow.list_id == list_id)
                .order_by(ListItemRow.position)
            )
        )

    def count_items(self, list_id: int) -> int:
        return (
            self._session.scalar(
                select(func.count()).select_from(ListItemRow).where(ListItemRow.list_id == list_id)
            )
            or 0
        )

    def add_item(self, item: ListItemRow) -> None:
        self._session.add(item)
        self._session.flush()

    def remove_item(self, *, list_id: int, movie_id: int) -> bool:
        result = self._session.execute(
            delete(ListItemRow).where(
                ListItemRow.list_id == list_id, ListItemRow.movie_id == movie_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def replace_items(self, *, list_id: int, movie_ids: Sequence[int]) -> None:
        """The list's items become `movie_ids`, in that order (positions 1..n)."""
        self._session.execute(delete(ListItemRow).where(ListItemRow.list_id == list_id))
        self._session.flush()
        self._session.add_all(
            ListItemRow(list_id=list_id, movie_id=movie_id, position=position)
            for position, movie_id in enumerate(movie_ids, start=1)
        )
        self._session.flush()
