"""Ratings, watchlist and diary: the use cases behind the movie page, Library and the CLI."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, Protocol

from reelmatch.domain import (
    DiaryEntry,
    Library,
    Movie,
    User,
    to_data,
    validate_movie_id,
    validate_stars,
    validate_watch_day,
)
from reelmatch.errors import InvalidInput, NotFound, UpstreamUnavailable
from reelmatch.events import EventSink
from reelmatch.store.mapping import movie_from_row
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

log = logging.getLogger(__name__)

MAX_NOTE_LENGTH = 2000

#: Called after a change is committed, with (user, movie id, what happened): "rated",
#: "watchlisted" or "watched". Recommendations count conversions through this.
LibraryObserver = Callable[[User, int, str], None]


class MovieLookup(Protocol):
    """What the library needs from the catalog: movies' metadata by TMDB id (unknown ids are
    left out)."""

    def movies(self, movie_ids: list[int]) -> Sequence[Movie]: ...


def _valid_watch(watched_on: date | None, note: str | None) -> tuple[date, str | None]:
    """The watch day (today when unset; the diary's date rule) and the trimmed note."""
    today = utcnow().date()
    day = validate_watch_day(watched_on or today, today=today)
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"A note can be at most {MAX_NOTE_LENGTH} characters.")
    return day, note


class LibraryService:
    def __init__(
        self,
        unit_of_work: UowFactory,
        *,
        catalog: MovieLookup,
        events: EventSink,
        observers: Sequence[LibraryObserver] = (),
    ) -> None:
        self._unit_of_work = unit_of_work
        self._catalog = catalog
        self._events = events
        self._observers = list(observers)

    def add_observer(self, observer: LibraryObserver) -> None:
        """Also tell `observer` about every rating, watchlist add and diary entry (after the
        commit; an observer that fails is logged and never undoes or fails the change)."""
        self._observers.append(observer)

    # Writes -----------------------------------------------------------------------------------

    def rate_movie(self, user: User, movie_id: int, stars: object) -> float:
        rating = validate_stars(stars)
        movie = self._movie_for_write(movie_id)
        with self._unit_of_work() as uow:
            if movie is not None:
                uow.movies.refresh([movie])
            uow.library.set_rating(user_id=user.id, movie_id=movie_id, rating=rating, now=utcnow())
            uow.commit()
        self._events.record("rating_set", user_id=user.id, movie_id=movie_id, rating=rating)
        self._notify(user, movie_id, "rated")
        return rating

    def clear_rating(self, user: User, movie_id: int) -> bool:
        validate_movie_id(movie_id)
        with self._unit_of_work() as uow:
            cleared = uow.library.clear_rating(user_id=user.id, movie_id=movie_id, now=utcnow())
            uow.commit()
        if cleared:
            self._events.record("rating_cleared", user_id=user.id, movie_id=movie_id)
        return cleared

    def add_to_watchlist(self, user: User, movie_id: int) -> None:
        movie = self._movie_for_write(movie_id)
        with self._unit_of_work() as uow:
            if movie is not None:
                uow.movies.refresh([movie])
            uow.library.set_watchlist(user_id=user.id, movie_id=movie_id, on=True, now=utcnow())
            uow.commit()
        self._events.record("watchlist_add", user_id=user.id, movie_id=movie_id)
        self._notify(user, movie_id, "watchlisted")

    def remove_from_watchlist(self, user: User, movie_id: int) -> None:
        validate_movie_id(movie_id)
        with self._unit_of_work() as uow:
            uow.library.set_watchlist(user_id=user.id, movie_id=movie_id, on=False, now=utcnow())
            uow.commit()

    def log_watch(
        self,
        user: User,
        movie_id: int,
        *,
        watched_on: date | None = None,
        rewatch: bool = False,
        note: str | None = None,
    ) -> DiaryEntry:
        day, note = _valid_watch(watched_on, note)
        movie = self._movie_for_write(movie_id)
        with self._unit_of_work() as uow:
            if movie is not None:
                uow.movies.refresh([movie])
            row = uow.library.add_watch(
                user_id=user.id, movie_id=movie_id, watched_on=day, rewatch=rewatch, note=note
            )
            # Watched: off the watchlist, as on Letterboxd (the diary keeps the record).
            uow.library.set_watchlist(user_id=user.id, movie_id=movie_id, on=False, now=utcnow())
            uow.commit()
            stored = uow.movies.get(movie_id)
            assert stored is not None  # the foreign key guarantees it
            entry = DiaryEntry(
                id=row.id,
                movie=movie_from_row(stored),
                watched_on=day,
                rewatch=rewatch,
                note=note,
            )
        self._events.record("watch_logged", user_id=user.id, movie_id=movie_id)
        self._notify(user, movie_id, "watched")
        return entry

    def edit_watch(
        self, user: User, watch_id: int, *, watched_on: date, rewatch: bool, note: str | None
    ) -> None:
        """Change a diary entry's date, rewatch flag and note (the same rules as logging)."""
        day, note = _valid_watch(watched_on, note)
        with self._unit_of_work() as uow:
            found = uow.library.update_watch(
                user_id=user.id, watch_id=watch_id, watched_on=day, rewatch=rewatch, note=note
            )
            if not found:
                raise NotFound("That diary entry does not exist.")
            uow.commit()

    def restore_watch(self, user: User, entry: DiaryEntry) -> DiaryEntry:
        """Put back a deleted diary entry (the undo of `delete_watch`), under a new id."""
        day, note = _valid_watch(entry.watched_on, entry.note)
        with self._unit_of_work() as uow:
            row = uow.library.add_watch(
                user_id=user.id,
                movie_id=entry.movie.id,
                watched_on=day,
                rewatch=entry.rewatch,
                note=note,
            )
            uow.commit()
            return replace(entry, id=row.id)

    def delete_watch(self, user: User, watch_id: int) -> None:
        with self._unit_of_work() as uow:
            if not uow.library.delete_watch(user_id=user.id, watch_id=watch_id):
                raise NotFound("That diary entry does not exist.")
            uow.commit()

    # Reads ------------------------------------------------------------------------------------

    def library(self, user: User) -> Library:
        """Ratings, watchlist and diary, from the local database only."""
        with self._unit_of_work(read_only=True) as uow:
            return uow.library.library(user_id=user.id)

    def export_user_data(self, user: User) -> dict[str, Any]:
        """Everything we hold about the user, as JSON-ready data."""
        library = self.library(user)
        return {
            "format": "reelmatch-export/1",
            "exported_at": utcnow().isoformat(),
            "user": to_data(user),
            **to_data(library),
        }

    # Helpers ----------------------------------------------------------------------------------

    def _notify(self, user: User, movie_id: int, change: str) -> None:
        for observer in self._observers:
            try:
                observer(user, movie_id, change)
            except Exception:
                log.exception("a library observer failed on %s; the change is kept", change)

    def _movie_for_write(self, movie_id: int) -> Movie | None:
        return movie_for_write(movie_id, catalog=self._catalog, unit_of_work=self._unit_of_work)


def movie_for_write(
    movie_id: int, *, catalog: MovieLookup, unit_of_work: UowFactory
) -> Movie | None:
    """The movie's metadata for write-through to the `movies` table. Unknown ids are an
    error; when the catalog is down but we hold a local copy, that copy is enough (None)."""
    validate_movie_id(movie_id)
    try:
        found = catalog.movies([movie_id])
    except UpstreamUnavailable:
        with unit_of_work(read_only=True) as uow:
            if uow.movies.get(movie_id) is None:
                raise
        return None
    if not found:
        raise NotFound(f"There is no movie with TMDB id {movie_id}.")
    return found[0]
