"""On live TMDB (the real client against the loopback fake): "only on my services" and the
TMDB details the model learns from, without a request per movie."""

from __future__ import annotations

from reelmatch.bootstrap import Services
from reelmatch.domain import Preferences, RecommendationFilters
from reelmatch.services.recommendations.training import TrainingSource
from reelmatch.store.repositories.movies import NEEDS_REFRESH_AT
from reelmatch.store.uow import UnitOfWork
from tests.recommendations.conftest import TASTES, seed
from tests.support.fake_tmdb import FakeTmdb
from tests.support.fake_tmdb_data import streams_on

NETFLIX, APPLE = 8, 2


def test_only_my_services_keeps_movies_on_them(live: Services, fake_tmdb: FakeTmdb) -> None:
    users = seed(live)
    alice = users["alice"]
    live.recommendations.retrain()
    assert live.recommendations.streaming_filter_available(alice) is False
    live.users.save_preferences(alice, Preferences(region="US", streaming_services=(NETFLIX,)))
    assert live.recommendations.streaming_filter_available(alice) is True
    filters = RecommendationFilters(only_my_services=True)

    result = live.recommendations.recommend(alice, k=8, filters=filters)

    assert result.notice is None
    assert len(result.items) == 8
    assert all(streams_on(item.movie.id, {NETFLIX}) for item in result.items)
    everywhere = live.recommendations.recommend(alice, k=8)
    assert not all(streams_on(item.movie.id, {NETFLIX}) for item in everywhere.items)
    pages = fake_tmdb.requests("discover/movie")
    assert 1 <= pages <= 5
    live.users.save_preferences(
        users["bob"], Preferences(region="US", streaming_services=(NETFLIX,))
    )
    live.recommendations.recommend(users["bob"], k=8, filters=filters)
    assert fake_tmdb.requests("discover/movie") == pages  # same services: the cached lists


def test_recommended_movies_missing_locally_are_stored_for_the_refresher(live: Services) -> None:
    users = seed(live)
    live.recommendations.retrain()

    result = live.recommendations.recommend(users["alice"], k=5)

    assert result.items
    with UnitOfWork(live.database, read_only=True) as uow:
        stamps = {i.movie.id: uow.movies.get(i.movie.id) for i in result.items}
        fetched = {movie_id: row.fetched_at if row else None for movie_id, row in stamps.items()}
    # Items need their `movies` row; rows written from the snapshot wait for fresh TMDB data,
    # movies someone here rated keep the row written (from TMDB) when they were rated.
    rated_here = set().union(*TASTES.values())
    new = {movie_id for movie_id in fetched if movie_id not in rated_here}
    assert new
    assert {fetched[movie_id] for movie_id in new} == {NEEDS_REFRESH_AT}
    assert NEEDS_REFRESH_AT not in {fetched[m] for m in fetched if m in rated_here}


def test_training_reads_tmdb_details_from_the_cache_only(
    live: Services, fake_tmdb: FakeTmdb
) -> None:
    users = seed(live)
    live.catalog.movie(550)  # someone opened Fight Club's page: its details are cached
    live.library.rate_movie(users["alice"], 550, 4.0)
    before = fake_tmdb.requests()

    features = TrainingSource(
        live.database.unit_of_work, catalog=live.catalog, cache=live.cache
    ).features()

    assert fake_tmdb.requests() == before
    by_id = {f.id: f for f in features}
    assert by_id[550].related_ids  # TMDB's recommendations/similar from the cached details
    assert by_id[550].cast  # the fake serves TMDB's own credits example for 550
    assert len(features) >= 4803  # the bundled snapshot's movies are candidates too
