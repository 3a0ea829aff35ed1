"""The local engine through the service: explained picks, caching, invalidation, runs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reelmatch.domain import Preferences, RecommendationFilters
from reelmatch.errors import InvalidInput
from reelmatch.store.models import RecommendationItemRow, RecommendationRunRow
from tests.recommendations.conftest import TASTES, World, rows


def ids(result: object) -> list[int]:
    return [item.movie.id for item in result.items]  # type: ignore[attr-defined]


def runs(world: World) -> list[RecommendationRunRow]:
    return rows(world, select(RecommendationRunRow).order_by(RecommendationRunRow.id))


def items(world: World, run_id: int) -> list[RecommendationItemRow]:
    query = select(RecommendationItemRow).where(RecommendationItemRow.run_id == run_id)
    return rows(world, query.order_by(RecommendationItemRow.rank))


def test_local_picks_are_explained_and_skip_what_the_user_rated(world: World) -> None:
    result = world.recs.recommend(world["alice"], k=10)

    assert result.engine == "local"
    assert result.requested == "local"
    assert len(result.items) == 10
    assert not set(ids(result)) & set(TASTES["alice"])
    assert all(item.reasons and item.source == "local" for item in result.items)
    reasons = " ".join(r for item in result.items for r in item.reasons)
    assert "Because you rated" in reasons or "with The Godfather" in reasons or "Pulp" in reasons
    assert result.notice is None
    assert result.from_cache is False
    assert result.cost_usd is None


def test_the_run_and_its_items_are_recorded_with_shown_events(world: World) -> None:
    result = world.recs.recommend(world["alice"], k=5)

    [run] = runs(world)
    assert run.id == result.run_id
    assert (run.engine, run.model, run.ai_requests, run.cost_usd) == ("local", None, 0, 0.0)
    assert run.fingerprint == result.fingerprint
    assert run.filters["k"] == 5
    stored = items(world, run.id)
    assert [row.movie_id for row in stored] == ids(result)
    assert [row.rank for row in stored] == [1, 2, 3, 4, 5]
    assert all(row.shown_at is not None and row.reasons for row in stored)
    shown = world.events.of_kind("recommendation_shown")
    assert [e.properties["movie_id"] for e in shown] == ids(result)
    assert {e.properties["engine"] for e in shown} == {"local"}


def test_a_second_call_is_served_from_the_cache_without_a_new_run(world: World) -> None:
    first = world.recs.recommend(world["alice"], k=5)
    second = world.recs.recommend(world["alice"], k=5)

    assert second.from_cache is True
    assert ids(second) == ids(first)
    assert second.run_id == first.run_id
    assert len(runs(world)) == 1
    assert len(world.events.of_kind("recommendation_shown")) == 5  # not sent twice


def test_a_new_rating_invalidates_the_cached_list(world: World) -> None:
    alice = world["alice"]
    first = world.recs.recommend(alice, k=5)
    world.services.library.rate_movie(alice, first.items[0].movie.id, 4.0)

    second = world.recs.recommend(alice, k=5)

    assert second.from_cache is False
    assert second.fingerprint != first.fingerprint
    assert first.items[0].movie.id not in ids(second)
    assert len(runs(world)) == 2


@pytest.mark.parametrize(
    "change",
    [
        lambda w: w.services.library.add_to_watchlist(w["alice"], 769 + 1),  # another movie
        lambda w: w.services.users.save_preferences(
            w["alice"], Preferences(favourite_genres=("Comedy",))
        ),
        lambda w: w.services.library.log_watch(w["alice"], 550),
    ],
    ids=["watchlist", "preferences", "diary"],
)
def test_state_changes_change_the_fingerprint(world: World, change: object) -> None:
    first = world.recs.recommend(world["alice"], k=5)
    change(world)  # type: ignore[operator]
    assert world.recs.recommend(world["alice"], k=5).fingerprint != first.fingerprint


def test_another_users_activity_leaves_the_cached_list_alone(world: World) -> None:
    first = world.recs.recommend(world["alice"], k=5)
    world.services.library.rate_movie(world["bob"], 550, 5.0)
    assert world.recs.recommend(world["alice"], k=5).from_cache is True
    assert first.fingerprint


def test_filters_and_preferences_are_honoured(world: World) -> None:
    alice = world["alice"]
    world.services.users.save_preferences(alice, Preferences(avoided_genres=("Drama",)))
    filters = RecommendationFilters(genres=("Crime", "Thriller"), year_from=1990, year_to=2005)

    result = world.recs.recommend(alice, k=8, filters=filters)

    assert result.items
    for item in result.items:
        assert {"Crime", "Thriller"} & set(item.movie.genres)
        assert "Drama" not in item.movie.genres
        assert item.movie.year is not None
        assert 1990 <= item.movie.year <= 2005


def test_only_my_services_offline_is_skipped_with_a_notice(world: World) -> None:
    result = world.recs.recommend(
        world["alice"], k=5, filters=RecommendationFilters(only_my_services=True)
    )
    assert len(result.items) == 5
    assert result.notice is not None
    assert "not known offline" in result.notice
    assert world.recs.streaming_filter_available(world["alice"]) is False


@pytest.mark.parametrize(
    ("engine", "k"), [("local", 0), ("local", 101), ("ai", 31), ("magic", 5), ("local", True)]
)
def test_bad_requests_are_invalid_input(world: World, engine: str, k: int) -> None:
    with pytest.raises(InvalidInput):
        world.recs.recommend(world["alice"], engine=engine, k=k)
    assert runs(world) == []


def test_a_newcomer_with_no_ratings_gets_explained_popular_picks(world: World) -> None:
    newcomer = world.services.users.create_user(username="newbie", password="newbie-password")
    result = world.recs.recommend(newcomer, k=5)
    assert len(result.items) == 5
    assert all(item.reasons for item in result.items)


def test_a_batch_computed_list_is_stamped_shown_when_a_page_serves_it(world: World) -> None:
    alice = world["alice"]
    assert world.recs.precompute(alice, k=10) is True
    [run] = runs(world)
    assert all(row.shown_at is None for row in items(world, run.id))
    assert world.events.of_kind("recommendation_shown") == []

    served = world.recs.recommend(alice, k=10)

    assert served.from_cache is True
    assert served.run_id == run.id
    assert all(row.shown_at is not None for row in items(world, run.id))
    assert len(world.events.of_kind("recommendation_shown")) == 10
    world.recs.recommend(alice, k=10)
    assert len(world.events.of_kind("recommendation_shown")) == 10
