"""Matched rows to what changes in the user's library.

`build_plan` folds every row about the same movie into one `MoviePlan` (duplicate lines and a
film that is in ratings.csv, diary.csv and reviews.csv alike); `diff` compares the plans with
what the user already has and keeps only real changes. That is what makes a re-import of the
same file change nothing: equal ratings are not rewritten, watchlisted movies are not touched,
and a diary entry is not added twice for the same (movie, day).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from reelmatch.domain import Movie
from reelmatch.services.imports.matching import MatchedRow
from reelmatch.services.imports.records import ImportRow
from reelmatch.store.repositories.library import RatingWrite, WatchWrite


@dataclass
class MoviePlan:
    movie: Movie
    #: The movie's data comes from the bundled snapshot (TMDB's own data wins when both match).
    from_snapshot: bool = False
    rating: float | None = None
    rated_at: datetime | None = None
    #: Which kind of row set the rating: a current rating (True) beats one from the diary.
    rating_is_current: bool = False
    rating_day: date | None = None
    watchlist: bool = False
    diary: dict[date, WatchWrite] = field(default_factory=dict)
    seen_on: date | None = None

    def merge(self, row: ImportRow) -> None:
        self._merge_rating(row)
        self.watchlist = self.watchlist or row.watchlist
        if row.watched_on is None:
            return
        if row.seen_only:
            self.seen_on = min(self.seen_on or row.watched_on, row.watched_on)
            return
        known = self.diary.get(row.watched_on)
        self.diary[row.watched_on] = WatchWrite(
            movie_id=self.movie.id,
            watched_on=row.watched_on,
            rewatch=row.rewatch or (known is not None and known.rewatch),
            note=(known.note if known is not None else None) or row.note,
        )

    def _merge_rating(self, row: ImportRow) -> None:
        """A current rating beats a diary one; among diary ratings the latest day wins;
        otherwise the later row wins."""
        if row.rating is None:
            return
        if self.rating_is_current and not row.rating_is_current:
            return
        if not row.rating_is_current and (row.watched_on or date.min) < (
            self.rating_day or date.min
        ):
            return
        self.rating, self.rated_at = row.rating, row.rated_at
        self.rating_is_current = row.rating_is_current
        self.rating_day = row.watched_on


def build_plan(matched: Sequence[MatchedRow]) -> dict[int, MoviePlan]:
    """One plan per movie, in movie id order (writers lock rows in the same order). A movie
    matched both through TMDB and the snapshot keeps TMDB's data."""
    plans: dict[int, MoviePlan] = {}
    for item in matched:
        plan = plans.get(item.movie.id)
        if plan is None:
            plan = plans[item.movie.id] = MoviePlan(
                movie=item.movie, from_snapshot=item.from_snapshot
            )
        elif plan.from_snapshot and not item.from_snapshot:
            plan.movie, plan.from_snapshot = item.movie, False
        plan.merge(item.row)
    return {movie_id: plans[movie_id] for movie_id in sorted(plans)}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplacedRating:
    """A rating the user has that the import would overwrite with a different one."""

    movie: str
    yours: float
    imported: float
    #: When the file says the imported rating was given (None if it does not say).
    imported_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LibraryState:
    """What the user already has for the planned movies."""

    ratings: Mapping[int, tuple[float | None, bool]]
    watch_days: Mapping[int, set[date]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Changes:
    ratings: tuple[RatingWrite, ...] = ()
    new_ratings: int = 0
    changed_ratings: int = 0
    watchlist: tuple[int, ...] = ()
    diary: tuple[WatchWrite, ...] = ()
    unchanged: int = 0
    replaced: tuple[ReplacedRating, ...] = ()


def diff(plans: Mapping[int, MoviePlan], state: LibraryState) -> Changes:
    ratings: list[RatingWrite] = []
    watchlist: list[int] = []
    diary: list[WatchWrite] = []
    replaced: list[ReplacedRating] = []
    new = unchanged = 0
    for movie_id, plan in plans.items():
        current, on_watchlist = state.ratings.get(movie_id, (None, False))
        rating = _rating_change(plan, current)
        if rating is not None:
            ratings.append(rating)
            new += current is None
            if current is not None:
                replaced.append(_replaced(plan, current, rating))
        adds_watchlist = plan.watchlist and not on_watchlist
        if adds_watchlist:
            watchlist.append(movie_id)
        watches = _diary_changes(plan, state.watch_days.get(movie_id, set()))
        diary.extend(watches)
        unchanged += rating is None and not adds_watchlist and not watches
    return Changes(
        ratings=tuple(ratings),
        new_ratings=new,
        changed_ratings=len(ratings) - new,
        watchlist=tuple(watchlist),
        diary=tuple(diary),
        unchanged=unchanged,
        replaced=tuple(replaced),
    )


def _replaced(plan: MoviePlan, current: float, write: RatingWrite) -> ReplacedRating:
    day = write.rated_at.date() if write.rated_at else plan.rating_day
    return ReplacedRating(
        movie=plan.movie.label, yours=current, imported=write.rating, imported_on=day
    )


def _rating_change(plan: MoviePlan, current: float | None) -> RatingWrite | None:
    if plan.rating is None or plan.rating == current:
        return None
    return RatingWrite(movie_id=plan.movie.id, rating=plan.rating, rated_at=plan.rated_at)


def _diary_changes(plan: MoviePlan, logged: set[date]) -> list[WatchWrite]:
    """Diary entries for days not logged yet; a "seen" mark only for a movie with no diary
    entry at all, before or in this import."""
    watches = [watch for day, watch in sorted(plan.diary.items()) if day not in logged]
    if plan.seen_on is not None and not logged and not plan.diary:
        watches.append(WatchWrite(movie_id=plan.movie.id, watched_on=plan.seen_on))
    return watches
