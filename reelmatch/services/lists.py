"""Movie lists: named, ordered collections a user keeps (ranked or not), private or shared
read-only by an unguessable link; export in Letterboxd's list CSV format."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from reelmatch.domain import Movie, User
from reelmatch.errors import InvalidInput, NotFound
from reelmatch.services.exports import escape_cell
from reelmatch.services.library import MovieLookup, movie_for_write
from reelmatch.store.list_rows import ListItemRow, MovieListRow
from reelmatch.store.mapping import movie_from_row
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork, UowFactory

MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 2000
MAX_ITEMS = 1000
LETTERBOXD_LIST_HEADER = "Letterboxd list export v7"


@dataclass(frozen=True, slots=True)
class ListItem:
    position: int
    movie: Movie
    note: str | None


@dataclass(frozen=True, slots=True)
class MovieList:
    id: int
    name: str
    description: str
    ranked: bool
    public: bool
    share_token: str
    created_at: datetime
    updated_at: datetime
    items: tuple[ListItem, ...] = ()


@dataclass(frozen=True, slots=True)
class SharedList:
    """What a visitor with the link sees: the list alone, nothing of its owner."""

    name: str
    description: str
    ranked: bool
    items: tuple[ListItem, ...]


def validate_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("A list needs a name.")
    cleaned = name.strip()
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(f"A list name has at most {MAX_NAME_LENGTH} characters.")
    return cleaned


def validate_description(description: object) -> str:
    if description is None:
        return ""
    if not isinstance(description, str):
        raise InvalidInput("A list description must be text.")
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise InvalidInput(f"A list description has at most {MAX_DESCRIPTION_LENGTH} characters.")
    return description.strip()


class ListService:
    def __init__(self, unit_of_work: UowFactory, *, catalog: MovieLookup) -> None:
        self._unit_of_work = unit_of_work
        self._catalog = catalog

    # Lists ------------------------------------------------------------------------------------

    def create(
        self, user: User, name: object, *, description: object = "", ranked: bool = False
    ) -> MovieList:
        row = MovieListRow(
            user_id=user.id,
            name=validate_name(name),
            description=validate_description(description),
            ranked=bool(ranked),
            public=False,
            share_token=secrets.token_urlsafe(24),
        )
        with self._unit_of_work() as uow:
            uow.lists.add(row)
            uow.commit()
            return self._to_list(uow, row)

    def lists(self, user: User) -> list[MovieList]:
        with self._unit_of_work(read_only=True) as uow:
            return [
                self._to_list(uow, row, with_items=False)
                for row in uow.lists.for_user(user_id=user.id)
            ]

    def get(self, user: User, list_id: int) -> MovieList:
        with self._unit_of_work(read_only=True) as uow:
            return self._to_list(uow, self._owned(uow, user, list_id))

    def update(
        self,
        user: User,
        list_id: int,
        *,
        name: object | None = None,
        description: object | None = None,
        ranked: bool | None = None,
        public: bool | None = None,
    ) -> MovieList:
        """Rename, describe, switch ranked/unranked or public/private; None leaves a field."""
        new_name = validate_name(name) if name is not None else None
        new_description = validate_description(description) if description is not None else None
        with self._unit_of_work() as uow:
            row = self._owned(uow, user, list_id)
            if new_name is not None:
                row.name = new_name
            if new_description is not None:
                row.description = new_description
            if ranked is not None:
                row.ranked = bool(ranked)
            if public is not None:
                row.public = bool(public)
            row.updated_at = utcnow()
            uow.commit()
            return self._to_list(uow, row)

    def delete(self, user: User, list_id: int) -> None:
        with self._unit_of_work() as uow:
            uow.lists.delete(self._owned(uow, user, list_id))
            uow.commit()

    # Items ------------------------------------------------------------------------------------

    def add_movie(
        self, user: User, list_id: int, movie_id: int, *, note: str | None = None
    ) -> MovieList:
        """Append the movie (a movie already on the list stays where it is)."""
        movie = self._movie_for_write(movie_id)
        with self._unit_of_work() as uow:
            row = self._owned(uow, user, list_id)
            items = uow.lists.item_rows(row.id)
            if any(item.movie_id == movie_id for item in items):
                return self._to_list(uow, row)
            if len(items) >= MAX_ITEMS:
                raise InvalidInput(f"A list holds at most {MAX_ITEMS} movies.")
            if movie is not None:
                uow.movies.refresh([movie])
            uow.lists.add_item(
                ListItemRow(list_id=row.id, movie_id=movie_id, position=len(items) + 1, note=note)
            )
            row.updated_at = utcnow()
            uow.commit()
            return self._to_list(uow, row)

    def remove_movie(self, user: User, list_id: int, movie_id: int) -> MovieList:
        with self._unit_of_work() as uow:
            row = self._owned(uow, user, list_id)
            if not uow.lists.remove_item(list_id=row.id, movie_id=movie_id):
                raise NotFound("That movie is not on this list.")
            for position, item in enumerate(uow.lists.item_rows(row.id), start=1):
                item.position = position
            row.updated_at = utcnow()
            uow.commit()
            return self._to_list(uow, row)

    def move(self, user: User, list_id: int, movie_id: int, position: int) -> MovieList:
        """Put the movie at `position` (1-based); the others shift to make room."""
        if isinstance(position, bool) or not isinstance(position, int):
            raise InvalidInput("A position is a whole number.")
        return self._reorder(user, list_id, movie_id, lambda _current, _size: position)

    def move_up(self, user: User, list_id: int, movie_id: int) -> MovieList:
        return self._reorder(user, list_id, movie_id, lambda current, _size: max(1, current - 1))

    def move_down(self, user: User, list_id: int, movie_id: int) -> MovieList:
        return self._reorder(user, list_id, movie_id, lambda current, size: min(size, current + 1))

    def _reorder(
        self, user: User, list_id: int, movie_id: int, target: Callable[[int, int], int]
    ) -> MovieList:
        """Move the movie to `target(current position, list size)` in one unit of work."""
        with self._unit_of_work() as uow:
            row = self._owned(uow, user, list_id)
            items = uow.lists.item_rows(row.id)
            moving = next((item for item in items if item.movie_id == movie_id), None)
            if moving is None:
                raise NotFound("That movie is not on this list.")
            position = target(items.index(moving) + 1, len(items))
            if not 1 <= position <= len(items):
                raise InvalidInput(f"A position on this list is between 1 and {len(items)}.")
            items.remove(moving)
            items.insert(position - 1, moving)
            for index, item in enumerate(items, start=1):
                item.position = index
            row.updated_at = utcnow()
            uow.commit()
            return self._to_list(uow, row)

    # Sharing and export -----------------------------------------------------------------------

    def shared(self, token: object) -> SharedList:
        """A public list by its link; a private, deleted or made-up token is the same NotFound."""
        if not isinstance(token, str) or not token or len(token) > 64:
            raise NotFound("This list does not exist or is not shared.")
        with self._unit_of_work(read_only=True) as uow:
            row = uow.lists.public_by_token(token)
            if row is None:
                raise NotFound("This list does not exist or is not shared.")
            full = self._to_list(uow, row)
            return SharedList(
                name=full.name, description=full.description, ranked=full.ranked, items=full.items
            )

    def letterboxd_csv(self, user: User, list_id: int) -> bytes:
        return letterboxd_list_csv(self.get(user, list_id))

    # Helpers ----------------------------------------------------------------------------------

    @staticmethod
    def _owned(uow: UnitOfWork, user: User, list_id: int) -> MovieListRow:
        row = uow.lists.owned(user_id=user.id, list_id=list_id)
        if row is None:
            raise NotFound("There is no such list.")
        return row

    @staticmethod
    def _to_list(uow: UnitOfWork, row: MovieListRow, *, with_items: bool = True) -> MovieList:
        items = (
            tuple(
                ListItem(position=item.position, movie=movie_from_row(movie), note=item.note)
                for item, movie in uow.lists.items(row.id)
            )
            if with_items
            else ()
        )
        return MovieList(
            id=row.id,
            name=row.name,
            description=row.description,
            ranked=row.ranked,
            public=row.public,
            share_token=row.share_token,
            created_at=row.created_at,
            updated_at=row.updated_at,
            items=items,
        )

    def _movie_for_write(self, movie_id: int) -> Movie | None:
        return movie_for_write(movie_id, catalog=self._catalog, unit_of_work=self._unit_of_work)


def letterboxd_list_csv(movie_list: MovieList) -> bytes:
    """The list as Letterboxd writes `lists/*.csv`: a header block, a blank line, the items."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([LETTERBOXD_LIST_HEADER])
    writer.writerow(["Date", "Name", "Tags", "URL", "Description"])
    writer.writerow(
        [escape_cell(c) for c in (movie_list.created_at.date().isoformat(), movie_list.name,
                                  "", "", movie_list.description)]
    )  # fmt: skip
    writer.writerow([])
    writer.writerow(["Position", "Name", "Year", "URL", "Description"])
    for item in movie_list.items:
        writer.writerow(
            [escape_cell(c) for c in (item.position if movie_list.ranked else "",
                                      item.movie.title, item.movie.year or "", "", item.note or "")]
        )  # fmt: skip
    return buffer.getvalue().encode("utf-8")
