"""Writing an import: one unit of work, so it is all or nothing.

The user's current state is read inside the same (write) transaction, so the changes written
are computed against what is really there at that moment, not what the preview saw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from reelmatch.domain import Preferences
from reelmatch.services.imports.plan import Changes, LibraryState, MoviePlan, diff
from reelmatch.store.mapping import preference_values
from reelmatch.store.repositories.movies import NEEDS_REFRESH_AT
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork

Step = Callable[[float, str], None]


def read_state(uow: UnitOfWork, *, user_id: int, movie_ids: list[int]) -> LibraryState:
    return LibraryState(
        ratings=uow.library.states(user_id=user_id, movie_ids=movie_ids),
        watch_days=uow.library.watch_days(user_id=user_id, movie_ids=movie_ids),
    )


def write_import(
    uow: UnitOfWork,
    *,
    user_id: int,
    plans: Mapping[int, MoviePlan],
    preferences: Preferences | None,
    step: Step,
) -> Changes:
    """Movies first (the library rows point at them), then the user's ratings, watchlist,
    diary and preferences. Nothing is committed here. Matching yields summaries (no keywords,
    no credits), so movies only fill gaps, stamped as needing a refresh: the metadata
    refresher completes them from TMDB, and rows already here stay as good as they are."""
    now = utcnow()
    uow.movies.add_missing((plan.movie for plan in plans.values()), fetched_at=NEEDS_REFRESH_AT)
    step(0.2, "Saved movie details")
    changes = diff(plans, read_state(uow, user_id=user_id, movie_ids=list(plans)))
    uow.library.set_ratings(user_id=user_id, ratings=changes.ratings, now=now)
    step(0.4, f"Saved {len(changes.ratings)} ratings")
    uow.library.add_to_watchlist(user_id=user_id, movie_ids=changes.watchlist, now=now)
    step(0.6, f"Added {len(changes.watchlist)} movies to the watchlist")
    uow.library.add_watches(user_id=user_id, watches=changes.diary, now=now)
    step(0.8, f"Logged {len(changes.diary)} diary entries")
    if preferences is not None:
        uow.preferences.save(user_id=user_id, values=preference_values(preferences))
    step(0.9, "Saving")
    return changes
