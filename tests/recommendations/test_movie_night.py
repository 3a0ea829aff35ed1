"""Movie night: picks for a group that nobody has seen, scored so nobody hates them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reelmatch.domain import Preferences, RecommendationFilters
from reelmatch.errors import InvalidInput, NotAllowed
from reelmatch.store.models import RecommendationRunRow
from tests.recommendations.conftest import TASTES, World, rows


def test_two_opted_in_users_get_picks_neither_has_seen(world: World) -> None:
    alice, bob = world["alice"], world["bob"]
    world.services.library.log_watch(bob, 550)  # seen (logged, not rated)
    world.services.library.add_to_watchlist(bob, 155)  # wanting to see it is fine

    night = world.recs.movie_night(alice, ["alice", "bob"], k=10)

    assert night.members == ("alice", "bob")
    assert len(night.picks) == 10
    seen = set(TASTES["alice"]) | set(TASTES["bob"]) | {550}
    assert not {pick.movie.id for pick in night.picks} & seen
    scores = [pick.score for pick in night.picks]
    assert scores == sorted(scores, reverse=True)
    for pick in night.picks:
        assert pick.fits
        assert set(pick.fits) <= {"alice", "bob"}
        assert pick.reasons[0].startswith("Fits the taste of")
    assert any(len(pick.fits) == 2 for pick in night.picks)


def test_the_group_score_protects_the_least_happy_member(world: World) -> None:
    bob, carol = world["bob"], world["carol"]  # science fiction vs romance
    world.services.users.save_preferences(carol, Preferences(movie_night_opt_in=True))
    bobs_own = world.recs.recommend(bob, k=3)

    night = world.recs.movie_night(bob, ["bob", "carol"], k=3)

    # Least misery: the top picks are somewhere in BOTH lists (a movie only one of them
    # likes scores 0 for the other and sinks), not simply Bob's own favourites.
    for pick in night.picks:
        assert any(reason.startswith("Nobody's weak spot") for reason in pick.reasons)
    assert [p.movie.id for p in night.picks] != [i.movie.id for i in bobs_own.items]


def test_everyones_avoided_genres_are_left_out(world: World) -> None:
    bob = world["bob"]
    world.services.users.save_preferences(
        bob, Preferences(movie_night_opt_in=True, avoided_genres=("Drama",))
    )
    night = world.recs.movie_night(world["alice"], ["alice", "bob"], k=10)
    assert night.picks
    assert all("Drama" not in pick.movie.genres for pick in night.picks)


def test_page_filters_apply(world: World) -> None:
    filters = RecommendationFilters(genres=("Comedy",))
    night = world.recs.movie_night(world["alice"], ["alice", "bob"], k=5, filters=filters)
    assert night.picks
    assert all("Comedy" in pick.movie.genres for pick in night.picks)


def test_members_are_the_opted_in_users(world: World) -> None:
    members = world.recs.movie_night_members(world["carol"])
    assert [m.username for m in members] == ["alice", "bob"]


def test_only_opted_in_people_can_join(world: World) -> None:
    with pytest.raises(InvalidInput, match="carol"):
        world.recs.movie_night(world["alice"], ["alice", "carol"])
    with pytest.raises(NotAllowed, match="Opt in"):
        world.recs.movie_night(world["carol"], ["alice", "bob"])


@pytest.mark.parametrize("names", [["alice"], ["alice", "alice"], [f"u{i}" for i in range(7)]])
def test_two_to_six_people(world: World, names: list[str]) -> None:
    with pytest.raises(InvalidInput, match="2 to 6"):
        world.recs.movie_night(world["alice"], names)


def test_a_plan_is_recorded_as_a_run(world: World) -> None:
    night = world.recs.movie_night(world["alice"], ["bob", "alice"], k=4)
    [run] = rows(world, select(RecommendationRunRow))
    assert run.engine == "movie-night"
    assert run.user_id == world["alice"].id
    assert run.filters["members"] == ["bob", "alice"]
    shown = world.events.of_kind("recommendation_shown")
    assert [e.properties["movie_id"] for e in shown] == [p.movie.id for p in night.picks]
