"""Bringing the local `movies` copy up to date from the catalog, a few movies at a time.

Library pages read only the `movies` table. Rows written from the bundled snapshot (imports on
live TMDB match there first, see imports/snapshot.py) have no posters and the snapshot's old
figures; they are stamped `fetched_at = NEEDS_REFRESH_AT`. Rows from TMDB age too (TMDB's terms
allow keeping its data six months at most). `MetadataRefresher.refresh()` replaces rows older
than `max_age`, oldest first (so snapshot rows first), with what `catalog.movies(ids)` says:

- in batches of `batch_size`, each written in its own short transaction, and paced to `rate`
  movies a second so pages keep most of the TMDB request budget;
- through the catalog and so through the cache: a movie someone just opened costs no request;
- when TMDB (or the database) fails, the pass stops and every row stays as it was, to be tried
  again by the next pass. Ids TMDB no longer knows are stamped as fetched and kept (library
  rows point at them), so they are not asked for again before `max_age` has passed.

The `metadata_refresh` job (`reelmatch.jobs`) runs a pass every 5 minutes and after imports.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from reelmatch.domain import Movie, served_stale
from reelmatch.errors import UpstreamUnavailable
from reelmatch.events import DiscardEvents, EventSink
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

log = logging.getLogger(__name__)

DEFAULT_MAX_AGE = timedelta(days=30)
DEFAULT_BATCH = 10
#: Share of TMDB_RATE_LIMIT the app's refresher may use; pages keep the rest.
RATE_LIMIT_SHARE = 0.25

#: Waits `seconds` (or not at all for 0); returns True when the caller should stop.
Wait = Callable[[float], bool]


class MovieLookup(Protocol):
    """What refreshing needs from the catalog: movies by TMDB id, unknown ids left out,
    `UpstreamUnavailable` when the source fails."""

    mode: str

    def movies(self, movie_ids: list[int]) -> Sequence[Movie]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RefreshReport:
    """One pass: rows refreshed, rows TMDB no longer knows (stamped, kept), stale rows left,
    and why the pass stopped early, if it did (`error`, a message for people)."""

    refreshed: int = 0
    gone: int = 0
    #: None when the database could not say.
    remaining: int | None = 0
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def progressed(self) -> bool:
        return bool(self.refreshed or self.gone)


def _sleep(seconds: float) -> bool:
    if seconds > 0:
        time.sleep(seconds)
    return False


class MetadataRefresher:
    def __init__(
        self,
        unit_of_work: UowFactory,
        *,
        catalog: MovieLookup,
        events: EventSink | None = None,
        max_age: timedelta = DEFAULT_MAX_AGE,
        batch_size: int = DEFAULT_BATCH,
        rate: float | None = None,
    ) -> None:
        """`rate`: movies a second at most (None: as fast as the catalog answers)."""
        self._unit_of_work = unit_of_work
        self._catalog = catalog
        self._events = events or DiscardEvents()
        self.max_age = max_age
        self._batch_size = max(1, batch_size)
        self._rate = rate

    @property
    def live(self) -> bool:
        """Only live TMDB has anything to add: the offline catalog is the snapshot itself."""
        return self._catalog.mode == "tmdb"

    def pending(self) -> int:
        """Rows older than `max_age` (snapshot rows included)."""
        with self._unit_of_work(read_only=True) as uow:
            return uow.movies.count_stale(fetched_before=self._cutoff())

    def refresh(self, *, limit: int | None = None, wait: Wait = _sleep) -> RefreshReport:
        """One pass over at most `limit` stale rows (all by default). `wait(seconds)` paces
        the batches; it returns True to end the pass early (the background thread passes
        its stop event's `wait`)."""
        started = time.perf_counter()
        cutoff, seen = self._cutoff(), set[int]()
        refreshed = gone = 0
        error: str | None = None
        while limit is None or len(seen) < limit:
            batch_started = time.monotonic()
            size = self._batch_size if limit is None else min(self._batch_size, limit - len(seen))
            try:
                ids = self._stale_ids(cutoff, size)
                if not ids or seen.intersection(ids):
                    break  # done, or a write did not stick: never loop on the same rows
                seen.update(ids)
                fresh, missing = self._refresh_batch(ids)
            except (UpstreamUnavailable, SQLAlchemyError) as failure:
                error = _describe(failure)
                break
            refreshed, gone = refreshed + fresh, gone + missing
            if wait(self._pause(len(ids), batch_started)):
                break
        report = RefreshReport(
            refreshed=refreshed, gone=gone, remaining=self._remaining(), error=error
        )
        self._record(report, started)
        return report

    # Internals --------------------------------------------------------------------------------

    def _cutoff(self) -> datetime:
        return utcnow() - self.max_age

    def _stale_ids(self, cutoff: datetime, size: int) -> list[int]:
        with self._unit_of_work(read_only=True) as uow:
            return uow.movies.stale_ids(fetched_before=cutoff, limit=size)

    def _refresh_batch(self, ids: list[int]) -> tuple[int, int]:
        """Fetch first, then write in one short transaction (no lock held while TMDB
        answers). Returns (refreshed, gone)."""
        answered = list(self._catalog.movies(ids))
        found = {movie.id for movie in answered}
        gone = [movie_id for movie_id in ids if movie_id not in found]
        # Details served stale (TMDB failing) are not news: those rows wait for a later pass.
        movies = [movie for movie in answered if not served_stale(movie)]
        with self._unit_of_work() as uow:
            uow.movies.upsert_many(movies)
            uow.movies.mark_fetched(gone, at=utcnow())
            uow.commit()
        if gone:
            log.info("TMDB no longer knows movies %s; kept as they are", gone)
        return len(movies), len(gone)

    def _pause(self, count: int, batch_started: float) -> float:
        if not self._rate:
            return 0.0
        return max(0.0, count / self._rate - (time.monotonic() - batch_started))

    def _remaining(self) -> int | None:
        try:
            return self.pending()
        except (UpstreamUnavailable, SQLAlchemyError):
            return None

    def _record(self, report: RefreshReport, started: float) -> None:
        if not report.progressed and not report.failed:
            return  # nothing to do is not worth an event every few minutes
        self._events.record(
            "metadata_refresh",
            duration_ms=(time.perf_counter() - started) * 1000,
            refreshed=report.refreshed,
            gone=report.gone,
            remaining=report.remaining,
            failed=report.failed,
        )


def _describe(failure: Exception) -> str:
    if isinstance(failure, UpstreamUnavailable):
        return failure.message
    log.warning("metadata refresh: the database failed: %s", type(failure).__name__)
    return "The database is not available right now."
