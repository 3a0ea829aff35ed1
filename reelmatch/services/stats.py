"""My stats: every user's own numbers (never anyone else's), Year in Review and the
"rate what you watched recently" nudge."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from reelmatch.domain import STAR_STEPS, DiaryEntry, User
from reelmatch.errors import InvalidInput
from reelmatch.services.analytics.period import local_midnight, today_in, zone
from reelmatch.store.repositories.stats import RatedFacts
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UowFactory

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class WatchlistSummary:
    size: int
    median_age_days: float | None
    oldest_added_at: datetime | None


@dataclass(frozen=True)
class PersonalStats:
    ratings_count: int
    average_rating: float | None
    star_distribution: pd.DataFrame  # stars, ratings (every half star, zeros included)
    favourite_genres: pd.DataFrame  # genre, ratings, average_rating
    directors: pd.DataFrame  # director, ratings, average_rating (live TMDB only: credits)
    decades: pd.DataFrame  # decade, ratings, average_rating
    films_watched: int
    rewatches: int
    hours_watched: float
    watchlist: WatchlistSummary
    #: The earliest year with a diary entry or a rating (None: nothing yet), for the Year
    #: in Review's choice of years.
    first_year: int | None = None


@dataclass(frozen=True)
class YearInReview:
    year: int
    films_watched: int
    rewatches: int
    hours_watched: float
    ratings_given: int
    average_rating: float | None
    star_distribution: pd.DataFrame  # stars, ratings
    top_rated: pd.DataFrame  # movie_id, title, year, rating
    top_genres: pd.DataFrame  # genre, watches
    months: pd.DataFrame  # month, name, watches
    busiest_month: int | None


class PersonalStatsService:
    def __init__(self, unit_of_work: UowFactory) -> None:
        self._unit_of_work = unit_of_work

    def my_stats(self, user: User, *, top: int = 10) -> PersonalStats:
        with self._unit_of_work(read_only=True) as uow:
            repo = uow.stats
            stars = repo.star_counts(user_id=user.id)
            rated = repo.rated_movies(user_id=user.id)
            entries, rewatches, minutes = repo.watch_totals(user_id=user.id)
            added = repo.watchlist_added(user_id=user.id)
            first_watch, first_rating = repo.first_activity(user_id=user.id)
        count = sum(stars.values())
        return PersonalStats(
            ratings_count=count,
            average_rating=_average(stars),
            star_distribution=_star_frame(stars),
            favourite_genres=_facet_frame(rated, lambda m: m.genres, "genre", top=top),
            directors=_facet_frame(rated, lambda m: m.directors, "director", top=top),
            decades=_decade_frame(rated),
            films_watched=entries,
            rewatches=rewatches,
            hours_watched=minutes / 60,
            watchlist=_watchlist_summary(added),
            first_year=_first_year(first_watch, first_rating),
        )

    def year_in_review(
        self, user: User, year: int, *, timezone: str = "UTC", top: int = 5
    ) -> YearInReview:
        if not 1870 <= year <= today_in(timezone).year:
            raise InvalidInput(f"{year} is not a year to review.")
        tz = zone(timezone)
        first, last = date(year, 1, 1), date(year, 12, 31)
        rated_from, rated_to = local_midnight(first, tz), local_midnight(date(year + 1, 1, 1), tz)
        with self._unit_of_work(read_only=True) as uow:
            repo = uow.stats
            entries, rewatches, minutes = repo.watch_totals(user_id=user.id, first=first, last=last)
            stars = repo.star_counts(user_id=user.id, rated_from=rated_from, rated_to=rated_to)
            best = repo.top_rated(
                user_id=user.id, rated_from=rated_from, rated_to=rated_to, limit=top
            )
            genres = repo.watched_genres(user_id=user.id, first=first, last=last)
            months = repo.watches_per_month(user_id=user.id, year=year)
        genre_counts = Counter(g for movie in genres for g in movie)
        top_genres = sorted(genre_counts.items(), key=lambda item: (-item[1], item[0]))[:top]
        return YearInReview(
            year=year,
            films_watched=entries,
            rewatches=rewatches,
            hours_watched=minutes / 60,
            ratings_given=sum(stars.values()),
            average_rating=_average(stars),
            star_distribution=_star_frame(stars),
            top_rated=pd.DataFrame(best, columns=["movie_id", "title", "year", "rating"]),
            top_genres=pd.DataFrame(top_genres, columns=["genre", "watches"]),
            months=pd.DataFrame(
                [(m + 1, MONTHS[m], n) for m, n in enumerate(months)],
                columns=["month", "name", "watches"],
            ),
            busiest_month=months.index(max(months)) + 1 if any(months) else None,
        )

    def rate_recent(
        self, user: User, *, days: int = 14, limit: int = 10, timezone: str = "UTC"
    ) -> list[DiaryEntry]:
        """Movies the user logged in the last `days` days (today included) and has not rated
        yet, newest first: the "rate what you watched recently" nudge."""
        if days < 1:
            raise InvalidInput("Look back at least one day.")
        since = today_in(timezone) - timedelta(days=days - 1)
        with self._unit_of_work(read_only=True) as uow:
            return uow.stats.unrated_watches(user_id=user.id, since=since, limit=limit)


def _first_year(watched: date | None, rated: datetime | None) -> int | None:
    years = [moment.year for moment in (watched, rated) if moment is not None]
    return min(years, default=None)


def _average(stars: dict[float, int]) -> float | None:
    count = sum(stars.values())
    return sum(s * n for s, n in stars.items()) / count if count else None


def _star_frame(stars: dict[float, int]) -> pd.DataFrame:
    return pd.DataFrame(
        [(step, stars.get(step, 0)) for step in STAR_STEPS], columns=["stars", "ratings"]
    )


def _facet_frame(
    rated: list[RatedFacts], facet: Callable[[RatedFacts], Iterable[str]], column: str, *, top: int
) -> pd.DataFrame:
    """The `top` values of a many-valued facet (genres, directors) by ratings, then average."""
    counts: Counter[str] = Counter()
    totals: defaultdict[str, float] = defaultdict(float)
    for movie in rated:
        for value in facet(movie):
            counts[value] += 1
            totals[value] += movie.stars
    ranked = sorted(counts, key=lambda v: (-counts[v], -totals[v] / counts[v], v))[:top]
    return pd.DataFrame(
        [(v, counts[v], totals[v] / counts[v]) for v in ranked],
        columns=[column, "ratings", "average_rating"],
    )


def _decade_frame(rated: list[RatedFacts]) -> pd.DataFrame:
    counts: Counter[int] = Counter()
    totals: defaultdict[int, float] = defaultdict(float)
    for movie in rated:
        if movie.year is not None:
            counts[movie.year // 10 * 10] += 1
            totals[movie.year // 10 * 10] += movie.stars
    return pd.DataFrame(
        [(d, counts[d], totals[d] / counts[d]) for d in sorted(counts)],
        columns=["decade", "ratings", "average_rating"],
    )


def _watchlist_summary(added: list[datetime]) -> WatchlistSummary:
    if not added:
        return WatchlistSummary(0, None, None)
    now = utcnow()
    ages = [(now - moment).total_seconds() / 86400 for moment in added]
    return WatchlistSummary(len(added), statistics.median(ages), min(added))
