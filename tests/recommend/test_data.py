"""The input values the service layer builds: snapshots, histories, features, filters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from reelmatch.domain import (
    DiaryEntry,
    Library,
    LibraryEntry,
    Movie,
    MovieDetails,
    Preferences,
    RecommendationFilters,
)
from reelmatch.errors import InvalidInput
from reelmatch.recommend import MovieFeatures, RatedMovie, RatingsSnapshot, UserHistory
from reelmatch.recommend.data import timestamp


def test_snapshot_keeps_the_latest_rating_per_user_and_movie() -> None:
    snapshot = RatingsSnapshot.from_rows(
        [
            (1, 10, 3.0, 100),
            (1, 10, 5.0, 200),
            (1, 10, 1.0, 150),
            (2, 10, 4.0, datetime(2024, 1, 1, tzinfo=UTC)),
            (1, 11, 2.5, None),
        ]
    )
    assert len(snapshot) == 3
    assert snapshot.history(1).ratings == (
        RatedMovie(movie_id=10, stars=5.0, rated_at=200.0),
        RatedMovie(movie_id=11, stars=2.5, rated_at=0.0),
    )
    assert snapshot.history(2).ratings[0].rated_at == datetime(2024, 1, 1, tzinfo=UTC).timestamp()
    assert snapshot.history(3).ratings == ()


@pytest.mark.parametrize("stars", [0.0, 5.5, float("nan"), -1.0])
def test_snapshot_refuses_impossible_stars(stars: float) -> None:
    with pytest.raises(InvalidInput, match=r"between 0\.5 and 5"):
        RatingsSnapshot.from_rows([(1, 10, stars, 0)])


def test_snapshot_refuses_ragged_arrays_and_bad_times() -> None:
    with pytest.raises(InvalidInput, match="as many"):
        RatingsSnapshot.from_arrays(user_ids=[1, 2], movie_ids=[1], stars=[4.0])
    with pytest.raises(InvalidInput, match="finite"):
        RatingsSnapshot.from_arrays(user_ids=[1], movie_ids=[1], stars=[4.0], rated_at=[np.inf])


def test_an_empty_snapshot_is_fine() -> None:
    snapshot = RatingsSnapshot.from_rows([], watchlists={1: [5]})
    assert len(snapshot) == 0
    assert snapshot.history(1).watchlist == frozenset({5})


def test_history_refuses_impossible_stars() -> None:
    with pytest.raises(InvalidInput):
        UserHistory(ratings=(RatedMovie(movie_id=1, stars=9.0),))


def test_history_from_a_library() -> None:
    heat, alien, moon = (Movie(id=i, title=t) for i, t in ((1, "Heat"), (2, "Alien"), (3, "Moon")))
    added = datetime(2024, 1, 1)
    library = Library(
        ratings=(
            LibraryEntry(movie=heat, rating=4.5, added_at=added, rated_at=datetime(2024, 2, 1)),
            LibraryEntry(movie=alien, rating=None, on_watchlist=True, added_at=added),
        ),
        watchlist=(LibraryEntry(movie=alien, on_watchlist=True, added_at=added),),
        diary=(
            DiaryEntry(id=1, movie=moon, watched_on=date(2024, 3, 1)),
            DiaryEntry(id=2, movie=heat, watched_on=date(2024, 3, 2)),
        ),
    )
    history = UserHistory.from_library(library, user_id=7, dismissed=[9])
    assert history.user_id == 7
    assert history.ratings == (
        RatedMovie(movie_id=1, stars=4.5, rated_at=timestamp(datetime(2024, 2, 1))),
    )
    assert history.watchlist == frozenset({2})
    assert history.watched == frozenset({3})  # Heat is rated, so only Moon is "watched"
    assert history.dismissed == frozenset({9})


def test_naive_datetimes_count_as_utc() -> None:
    assert timestamp(datetime(1970, 1, 2)) == 86_400.0
    assert timestamp(datetime(1970, 1, 2, tzinfo=UTC)) == 86_400.0
    assert timestamp(None) == 0.0


def test_features_from_details_keep_credits_and_related_ids() -> None:
    details = MovieDetails(
        id=1,
        title="Heat",
        directors=("Michael Mann",),
        recommendations=(Movie(id=2, title="Collateral"), Movie(id=3, title="Thief")),
        similar=(Movie(id=3, title="Thief"), Movie(id=4, title="Ronin")),
    )
    features = MovieFeatures.from_details(details, collection="Mann")
    assert features.movie == details.summary()
    assert features.directors == ("Michael Mann",)
    assert features.related_ids == (2, 3, 4)
    assert features.collection == "Mann"
    assert features.id == 1


def test_filters_take_the_users_preferences() -> None:
    preferences = Preferences(
        favourite_genres=("Drama",), avoided_genres=("Horror",), hide_adult=False
    )
    filters = RecommendationFilters(genres=("Crime",)).with_preferences(preferences)
    assert filters.genres == ("Crime",)
    assert filters.favourite_genres == ("Drama",)
    assert filters.avoided_genres == ("Horror",)
    assert filters.hide_adult is False
