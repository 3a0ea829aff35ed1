"""What people do with recommendations: feedback, clicks and conversions.

👍, 👎, "not interested" and "seen it" are stored on the item (the user's latest item for that
movie); the last three dismiss the movie for good, because the state every result is computed
from reads them back (`dismissed_ids`). A conversion is a watchlist add, rating or diary entry
for a movie shown to the user in the last 30 days (and not dismissed); the library service
reports those through `library_changed`, which it calls after its own commit.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from reelmatch.domain import FEEDBACK, User
from reelmatch.errors import InvalidInput, NotFound
from reelmatch.events import (
    RECOMMENDATION_CLICKED,
    RECOMMENDATION_CONVERTED,
    RECOMMENDATION_FEEDBACK,
    EventSink,
)
from reelmatch.services.library import LibraryService
from reelmatch.store.repositories.recommendations import ItemRef
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

log = logging.getLogger(__name__)

CONVERSION_WINDOW = timedelta(days=30)
CONVERSIONS = frozenset({"rated", "watchlisted", "watched"})


class FeedbackRecorder:
    def __init__(
        self, unit_of_work: UowFactory, *, events: EventSink, library: LibraryService
    ) -> None:
        self._unit_of_work = unit_of_work
        self._events = events
        self._library = library

    def feedback(
        self,
        user: User,
        movie_id: int,
        kind: str,
        *,
        run_id: int | None = None,
        log_watch: bool = False,
    ) -> None:
        """Store `kind` (up, down, not_interested, seen) on the recommendation of `movie_id`;
        with `log_watch` and "seen", also log a watch today."""
        if kind not in FEEDBACK:
            raise InvalidInput(f"Feedback is one of {', '.join(FEEDBACK)}; {kind!r} is not.")
        ref = self._update(user, movie_id, run_id, {"feedback": kind, "feedback_at": utcnow()})
        self._events.record(
            RECOMMENDATION_FEEDBACK,
            user_id=user.id,
            engine=ref.engine,
            movie_id=movie_id,
            feedback=kind,
            run_id=ref.run_id,
        )
        if kind == "seen" and log_watch:
            self._library.log_watch(user, movie_id)

    def clicked(self, user: User, movie_id: int, *, run_id: int | None = None) -> None:
        ref = self._update(user, movie_id, run_id, {"clicked_at": utcnow()})
        self._events.record(
            RECOMMENDATION_CLICKED,
            user_id=user.id,
            engine=ref.engine,
            movie_id=movie_id,
            run_id=ref.run_id,
        )

    def library_changed(self, user: User, movie_id: int, change: str) -> None:
        """The library observer: a rating, watchlist add or diary entry of a recently shown
        recommendation converts it (once)."""
        if change not in CONVERSIONS:
            return
        how = change
        now = utcnow()
        with self._unit_of_work() as uow:
            refs = uow.recommendations.convertible(
                user_id=user.id, movie_id=movie_id, shown_since=now - CONVERSION_WINDOW
            )
            ids = [ref.item_id for ref in refs]
            uow.recommendations.mark_converted(user_id=user.id, item_ids=ids, how=how, now=now)
            uow.commit()
        if refs:
            latest = refs[-1]
            self._events.record(
                RECOMMENDATION_CONVERTED,
                user_id=user.id,
                engine=latest.engine,
                movie_id=movie_id,
                how=how,
                run_id=latest.run_id,
            )

    def _update(
        self, user: User, movie_id: int, run_id: int | None, values: dict[str, object]
    ) -> ItemRef:
        with self._unit_of_work() as uow:
            ref = uow.recommendations.item(user_id=user.id, movie_id=movie_id, run_id=run_id)
            if ref is None:
                raise NotFound("That movie was not recommended to you.")
            uow.recommendations.set_item(user_id=user.id, item_id=ref.item_id, values=values)
            uow.commit()
        return ref
