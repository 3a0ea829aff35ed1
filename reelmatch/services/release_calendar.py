"""The release calendar: future theatrical and digital dates of a user's watchlist movies, and
the same as an iCalendar (`.ics`) file calendar apps import."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

import icalendar

from reelmatch.catalog.release_dates import ReleaseDate
from reelmatch.domain import Library, Movie, User
from reelmatch.services.exports import ExportFile

#: Region used when the user has not chosen one (TMDB's default locale is en-US).
DEFAULT_REGION = "US"


class ReleaseSource(Protocol):
    mode: str

    def release_dates(self, movie_id: int, region: str) -> list[ReleaseDate]: ...


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    movie: Movie
    on: date
    kind: str  # "theatrical" or "digital"


class ReleaseCalendarService:
    def __init__(
        self,
        catalog: ReleaseSource,
        library: Callable[[User], Library],
        region: Callable[[User], str | None],
        *,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self._catalog = catalog
        self._library = library
        self._region = region
        self._today = today

    @property
    def offline(self) -> bool:
        """True on the bundled snapshot, which has no future release dates."""
        return self._catalog.mode == "offline"

    def upcoming(self, user: User) -> list[CalendarEntry]:
        """Watchlist movies released from today on in the user's region, soonest first."""
        region = self._region(user) or DEFAULT_REGION
        today = self._today()
        entries = [
            CalendarEntry(movie=entry.movie, on=found.on, kind=found.kind)
            for entry in self._library(user).watchlist
            for found in self._catalog.release_dates(entry.movie.id, region)
            if found.on >= today
        ]
        return sorted(entries, key=lambda e: (e.on, e.movie.title, e.kind))


def to_ics(entries: Sequence[CalendarEntry], *, stamp: datetime | None = None) -> bytes:
    """An iCalendar file with one all-day event per release."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Reel Matchmaker//Release calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Reel Matchmaker releases")
    now = stamp or datetime.now(UTC)
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", f"{entry.movie.id}-{entry.kind}-{entry.on.isoformat()}@reelmatch")
        event.add("dtstamp", now)
        event.add("summary", f"{entry.movie.title} ({entry.kind} release)")
        event.add("dtstart", entry.on)
        event.add("dtend", entry.on + timedelta(days=1))
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical


def calendar_file(entries: Sequence[CalendarEntry]) -> ExportFile:
    """The `.ics` download of `entries`."""
    return ExportFile("reelmatch-releases.ics", "text/calendar", to_ics(entries))
