"""Writing an import: one unit of work, so it is all or nothing.

The user's current state is read inside the same (write) transaction, so the changes written
are computed against what is really there at that moment, not what the preview saw.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reelmatch.domain import Preferences
from reelmatch.services.imports.matching import MatchedRow
from reelmatch.services.imports.plan import Changes, LibraryState, MoviePlan, diff
from reelmatch.services.imports.records import ListRef
from reelmatch.store.list_rows import MovieListRow
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
    lists: Sequence[ListPlan] = (),
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
    write_lists(uow, user_id=user_id, lists=lists)
    step(0.9, "Saving")
    return changes


@dataclass(frozen=True, slots=True, kw_only=True)
class ListPlan:
    """One imported list: its details and its matched movies, in order, each once."""

    ref: ListRef
    movie_ids: tuple[int, ...]


#: A list holds at most this many movies (services/lists.py MAX_ITEMS).
MAX_LIST_ITEMS = 1000


def build_lists(matched: Sequence[MatchedRow]) -> list[ListPlan]:
    """Rows grouped by list name (the first row's details win), ordered by position where the
    file gives them and by file order otherwise; a movie twice on a list keeps its first place."""
    rows: dict[str, list[MatchedRow]] = {}
    refs: dict[str, ListRef] = {}
    for item in matched:
        ref = item.row.in_list
        if ref is None:
            continue
        key = ref.name.casefold()
        refs.setdefault(key, ref)
        rows.setdefault(key, []).append(item)
    plans = []
    for key, items in rows.items():
        ordered = sorted(
            enumerate(items), key=lambda pair: (pair[1].row.list_position or 0, pair[0])
        )
        movie_ids = list(dict.fromkeys(item.movie.id for _, item in ordered))
        plans.append(ListPlan(ref=refs[key], movie_ids=tuple(movie_ids[:MAX_LIST_ITEMS])))
    return plans


def write_lists(uow: UnitOfWork, *, user_id: int, lists: Sequence[ListPlan]) -> None:
    """Each list is created (private), or, when the user has a list of that name (ignoring
    case), that list's details are updated and its items replaced (decision 90)."""
    if not lists:
        return
    existing = {row.name.casefold(): row for row in uow.lists.for_user(user_id=user_id)}
    for plan in lists:
        row = existing.get(plan.ref.name.casefold())
        if row is None:
            row = uow.lists.add(
                MovieListRow(
                    user_id=user_id,
                    name=plan.ref.name,
                    description=plan.ref.description,
                    ranked=plan.ref.ranked,
                    public=False,
                    share_token=secrets.token_urlsafe(24),
                )
            )
        else:
            row.description = plan.ref.description or row.description
            row.ranked = plan.ref.ranked
            row.updated_at = utcnow()
        uow.lists.replace_items(list_id=row.id, movie_ids=plan.movie_ids)
