"""My stats, Year in Review and the nudge: a user's own numbers, computed by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from reelmatch.bootstrap import Services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.domain import User
from reelmatch.errors import InvalidInput
from reelmatch.store.models import UserMovieRow, WatchRow
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork

MOVIES = [238, 155, 680, 13, 603, 550, 27205]


def _entry(user: User, movie: int, *, stars: float | None, when: datetime, **extra: Any) -> Any:
    return {
        "user_id": user.id,
        "movie_id": movie,
        "rating": stars,
        "on_watchlist": extra.get("watchlist", False),
        "added_at": when,
        "updated_at": when,
        "rated_at": when if stars is not None else None,
    }


def _watch(user: User, movie: int, on: date, rewatch: bool = False) -> dict[str, Any]:
    return {"user_id": user.id, "movie_id": movie, "watched_on": on, "rewatch": rewatch}


@pytest.fixture
def people(services: Services, offline_catalog: OfflineCatalog) -> dict[str, User]:
    users = {
        name: services.users.create_user(username=name, password="a long password")
        for name in ("mine", "other", "nudged")
    }
    me, other, nudged = users["mine"], users["other"], users["nudged"]
    now, today = utcnow(), utcnow().date()
    library = [
        _entry(me, 238, stars=5.0, when=datetime(2025, 6, 1, 20, tzinfo=UTC)),
        _entry(me, 155, stars=4.0, when=datetime(2025, 12, 31, 23, 30, tzinfo=UTC)),
        _entry(me, 680, stars=4.5, when=datetime(2026, 2, 1, tzinfo=UTC)),
        _entry(me, 13, stars=2.0, when=datetime(2024, 5, 5, tzinfo=UTC)),
        _entry(me, 603, stars=None, when=now - timedelta(days=10), watchlist=True),
        _entry(me, 550, stars=None, when=now - timedelta(days=30), watchlist=True),
        _entry(other, 603, stars=1.0, when=datetime(2025, 3, 3, tzinfo=UTC)),
        _entry(nudged, 238, stars=3.0, when=now),
    ]
    diary = [
        _watch(me, 238, date(2025, 6, 1)),
        _watch(me, 238, date(2025, 7, 1), rewatch=True),
        _watch(me, 155, date(2025, 12, 31)),
        _watch(me, 680, date(2026, 2, 1)),
        _watch(other, 13, date(2025, 6, 2)),
        _watch(other, 13, today),
        _watch(nudged, 550, today - timedelta(days=2)),
        _watch(nudged, 603, today - timedelta(days=3)),
        _watch(nudged, 550, today - timedelta(days=5)),
        _watch(nudged, 238, today - timedelta(days=1)),  # rated: no nudge
        _watch(nudged, 27205, today - timedelta(days=20)),  # too long ago
    ]
    with UnitOfWork(services.database) as uow:
        uow.movies.upsert_many(offline_catalog.movies(MOVIES))
        uow.session.execute(insert(UserMovieRow), library)
        uow.session.execute(insert(WatchRow), diary)
        uow.commit()
    return users


def test_my_stats(services: Services, people: dict[str, User]) -> None:
    stats = services.stats.my_stats(people["mine"])
    assert (stats.ratings_count, stats.average_rating) == (4, 15.5 / 4)
    frame = stats.star_distribution
    distribution = dict(zip(frame["stars"], frame["ratings"], strict=True))
    assert len(distribution) == 10
    assert {s: n for s, n in distribution.items() if n} == {2.0: 1, 4.0: 1, 4.5: 1, 5.0: 1}
    genres = stats.favourite_genres
    assert list(genres["genre"]) == ["Crime", "Drama", "Thriller", "Action", "Comedy", "Romance"]
    assert list(genres["ratings"]) == [3, 3, 2, 1, 1, 1]
    assert genres["average_rating"][0] == pytest.approx(4.5)
    assert stats.decades.to_dict("list") == {
        "decade": [1970, 1990, 2000],
        "ratings": [1, 2, 1],
        "average_rating": [5.0, 3.25, 4.0],
    }
    assert (stats.films_watched, stats.rewatches) == (4, 1)
    assert stats.hours_watched == pytest.approx((175 + 175 + 152 + 154) / 60)
    assert stats.watchlist.size == 2
    assert stats.watchlist.median_age_days == pytest.approx(20, abs=0.01)
    assert stats.first_year == 2024  # the 2024 rating; the first diary entry is from 2025


def test_directors_rank_by_ratings_then_average(
    services: Services, offline_catalog: OfflineCatalog, people: dict[str, User]
) -> None:
    credits = {238: ("Coppola",), 155: ("Nolan", "Coppola"), 680: ("Tarantino",), 13: ()}
    credits[603] = ("Wachowski",)  # rated by another user only
    with UnitOfWork(services.database) as uow:
        uow.movies.upsert_many(
            replace(offline_catalog.movie(i), directors=names) for i, names in credits.items()
        )
        uow.commit()
    stats = services.stats.my_stats(people["mine"])
    assert stats.directors.to_dict("list") == {
        "director": ["Coppola", "Tarantino", "Nolan"],  # 5 and 4 stars; 4.5; 4
        "ratings": [2, 1, 1],
        "average_rating": [4.5, 4.5, 4.0],
    }
    assert services.stats.my_stats(people["other"]).directors["director"].tolist() == ["Wachowski"]


def test_movies_without_credits_give_no_directors(
    services: Services, people: dict[str, User]
) -> None:
    stats = services.stats.my_stats(people["mine"])  # offline snapshot movies: no credits
    assert stats.ratings_count == 4
    assert stats.directors.empty
    assert list(stats.directors.columns) == ["director", "ratings", "average_rating"]


def test_stats_never_include_other_users(services: Services, people: dict[str, User]) -> None:
    stats = services.stats.my_stats(people["other"])
    assert (stats.ratings_count, stats.average_rating, stats.films_watched) == (1, 1.0, 2)
    assert stats.watchlist.size == 0
    assert stats.first_year == 2025


def test_year_in_review(services: Services, people: dict[str, User]) -> None:
    review = services.stats.year_in_review(people["mine"], 2025)
    assert (review.films_watched, review.rewatches, review.ratings_given) == (3, 1, 2)
    assert review.hours_watched == pytest.approx((175 + 175 + 152) / 60)
    assert review.average_rating == 4.5
    assert list(review.top_rated["movie_id"]) == [238, 155]
    assert list(review.top_genres["genre"]) == ["Crime", "Drama", "Action", "Thriller"]
    assert list(review.months["watches"]) == [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1]
    assert review.busiest_month == 6


def test_year_in_review_uses_the_viewers_new_year(
    services: Services, people: dict[str, User]
) -> None:
    # 23:30 UTC on New Year's Eve is already 2026 in Paris.
    paris_2025 = services.stats.year_in_review(people["mine"], 2025, timezone="Europe/Paris")
    assert list(paris_2025.top_rated["movie_id"]) == [238]
    paris_2026 = services.stats.year_in_review(people["mine"], 2026, timezone="Europe/Paris")
    assert list(paris_2026.top_rated["movie_id"]) == [680, 155]
    empty = services.stats.year_in_review(people["mine"], 2023)
    assert (empty.films_watched, empty.busiest_month, empty.average_rating) == (0, None, None)
    with pytest.raises(InvalidInput):
        services.stats.year_in_review(people["mine"], 3000)


def test_rate_what_you_watched_recently(services: Services, people: dict[str, User]) -> None:
    nudges = services.stats.rate_recent(people["nudged"], days=14)
    assert [(n.movie.id, n.watched_on) for n in nudges] == [
        (550, utcnow().date() - timedelta(days=2)),
        (603, utcnow().date() - timedelta(days=3)),
    ]
    assert services.stats.rate_recent(people["mine"], days=14) == []
    assert len(services.stats.rate_recent(people["nudged"], days=30)) == 3
