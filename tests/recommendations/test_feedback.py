"""Feedback, dismissals, clicks and conversions, as stored rows, events and analytics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from reelmatch.domain import RecommendationsResult
from reelmatch.errors import InvalidInput, NotFound
from reelmatch.services.analytics.period import Period
from reelmatch.store.models import RecommendationItemRow
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork
from tests.recommendations.conftest import World, rows


def ids(result: RecommendationsResult) -> list[int]:
    return [item.movie.id for item in result.items]


def item_rows(world: World, movie_id: int) -> list[RecommendationItemRow]:
    query = select(RecommendationItemRow).where(RecommendationItemRow.movie_id == movie_id)
    return rows(world, query.order_by(RecommendationItemRow.id))


@pytest.mark.parametrize("kind", ["down", "not_interested", "seen"])
def test_dismissed_movies_never_return(world: World, kind: str) -> None:
    alice = world["alice"]
    first = world.recs.recommend(alice, k=10)
    dismissed = first.items[0].movie.id

    world.recs.feedback(alice, dismissed, kind, run_id=first.run_id)

    [row] = item_rows(world, dismissed)
    assert row.feedback == kind
    assert row.feedback_at is not None
    for k in (10, 30, 100):
        assert dismissed not in ids(world.recs.recommend(alice, k=k))
    [event] = world.events.of_kind("recommendation_feedback")
    assert event.properties == {
        "engine": "local",
        "movie_id": dismissed,
        "feedback": kind,
        "run_id": first.run_id,
    }


def test_thumbs_up_keeps_the_movie(world: World) -> None:
    alice = world["alice"]
    first = world.recs.recommend(alice, k=10)
    liked = first.items[0].movie.id
    world.recs.feedback(alice, liked, "up")
    assert liked in ids(world.recs.recommend(alice, k=10))
    assert item_rows(world, liked)[0].feedback == "up"


def test_seen_it_can_log_a_watch(world: World) -> None:
    alice = world["alice"]
    movie_id = world.recs.recommend(alice, k=5).items[1].movie.id

    world.recs.feedback(alice, movie_id, "seen", log_watch=True)

    assert [d.movie.id for d in world.services.library.library(alice).diary] == [movie_id]
    [row] = item_rows(world, movie_id)
    assert row.feedback == "seen"
    assert row.converted is None  # something seen before it was recommended is no conversion


def test_feedback_on_something_never_recommended_is_refused(world: World) -> None:
    alice = world["alice"]
    world.recs.recommend(alice, k=5)
    with pytest.raises(NotFound):
        world.recs.feedback(alice, 999999, "up")
    with pytest.raises(InvalidInput):
        world.recs.feedback(alice, world.recs.recommend(alice, k=5).items[0].movie.id, "meh")


def test_feedback_only_touches_the_acting_users_items(world: World) -> None:
    alice, bob = world["alice"], world["bob"]
    movie_id = world.recs.recommend(alice, k=5).items[0].movie.id
    with pytest.raises(NotFound):
        world.recs.feedback(bob, movie_id, "down")
    assert item_rows(world, movie_id)[0].feedback is None


def test_a_click_is_recorded(world: World) -> None:
    alice = world["alice"]
    result = world.recs.recommend(alice, k=5)
    world.recs.clicked(alice, result.items[2].movie.id, run_id=result.run_id)
    assert item_rows(world, result.items[2].movie.id)[0].clicked_at is not None
    [event] = world.events.of_kind("recommendation_clicked")
    assert event.properties["movie_id"] == result.items[2].movie.id


@pytest.mark.parametrize(
    ("act", "how"),
    [
        (lambda w, user, movie: w.services.library.add_to_watchlist(user, movie), "watchlisted"),
        (lambda w, user, movie: w.services.library.rate_movie(user, movie, 4.5), "rated"),
        (lambda w, user, movie: w.services.library.log_watch(user, movie), "watched"),
    ],
    ids=["watchlisted", "rated", "watched"],
)
def test_acting_on_a_shown_recommendation_converts_it(world: World, act: object, how: str) -> None:
    alice = world["alice"]
    movie_id = world.recs.recommend(alice, k=5).items[0].movie.id

    act(world, alice, movie_id)  # type: ignore[operator]

    [row] = item_rows(world, movie_id)
    assert row.converted == how
    assert row.converted_at is not None
    [event] = world.events.of_kind("recommendation_converted")
    assert event.properties["how"] == how
    assert event.properties["engine"] == "local"
    # a second action on the same movie converts nothing more
    world.services.library.rate_movie(alice, movie_id, 3.0)
    assert len(world.events.of_kind("recommendation_converted")) == 1


def test_unshown_or_old_recommendations_do_not_convert(world: World) -> None:
    alice = world["alice"]
    world.recs.precompute(alice, k=5)  # computed, never shown
    batch = world.recs.recommend(alice, k=5, shown=False)
    unshown = batch.items[0].movie.id
    world.services.library.add_to_watchlist(alice, unshown)
    assert item_rows(world, unshown)[0].converted is None

    shown = world.recs.recommend(alice, k=5).items[0].movie.id
    with UnitOfWork(world.services.database) as uow:
        uow.session.execute(
            update(RecommendationItemRow)
            .where(RecommendationItemRow.movie_id == shown)
            .values(shown_at=utcnow() - timedelta(days=31))
        )
        uow.commit()
    world.services.library.rate_movie(alice, shown, 4.0)
    assert all(row.converted is None for row in item_rows(world, shown))
    assert world.events.of_kind("recommendation_converted") == []


def test_a_failing_observer_never_fails_the_rating(world: World) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("observer bug")

    world.services.library.add_observer(broken)
    assert world.services.library.rate_movie(world["alice"], 550, 4.0) == 4.0
    ratings = world.services.library.library(world["alice"]).ratings
    assert 550 in {e.movie.id for e in ratings}


def test_analytics_count_accepted_recommendations(world: World) -> None:
    alice = world["alice"]
    admin = world.services.users.create_user(
        username="admin", password="admin-password", role="admin"
    )
    result = world.recs.recommend(alice, k=5)
    world.recs.feedback(alice, result.items[0].movie.id, "up")
    world.services.library.add_to_watchlist(alice, result.items[1].movie.id)
    world.recs.feedback(alice, result.items[2].movie.id, "not_interested")

    frame = world.services.analytics.recommendations(admin, Period.last(7))

    [local] = frame[frame["engine"] == "local"].to_dict("records")
    assert (local["runs"], local["shown"], local["accepted"]) == (1, 5, 2)
