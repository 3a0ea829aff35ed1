"""The one contract every recommendation engine honours (docs/architecture.md, convention 6).

Parametrised over `ENGINES`, so a new engine is checked the moment it is registered.
"""

from __future__ import annotations

from datetime import date

import pytest

from reelmatch.domain import Recommendation, RecommendationFilters
from reelmatch.errors import InvalidInput
from reelmatch.recommend import (
    ENGINES,
    RatedMovie,
    Recommender,
    UserHistory,
    create_recommender,
    load_recommender,
)
from tests.recommend import world

FAN = 1  # a science-fiction fan with 106 on the watchlist and 107 dismissed


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest) -> Recommender:
    return create_recommender(request.param).fit(world.snapshot(), world.features(), seed=3)


def ids(recommendations: list[Recommendation]) -> list[int]:
    return [r.movie.id for r in recommendations]


def everything(engine: Recommender, user: int | UserHistory, **filters: object) -> list[int]:
    return ids(engine.recommend(user, 500, filters=RecommendationFilters(**filters)))  # type: ignore[arg-type]


def test_never_recommends_rated_watchlisted_or_dismissed(engine: Recommender) -> None:
    history = world.snapshot().history(FAN)
    shown = set(everything(engine, FAN))
    assert shown, "the fan should get recommendations"
    assert not shown & history.rated_ids
    assert 106 not in shown  # watchlisted
    assert 107 not in shown  # dismissed


def test_seen_and_watchlisted_only_when_asked_dismissed_never(engine: Recommender) -> None:
    rated = world.snapshot().history(FAN).rated_ids
    with_seen = set(everything(engine, FAN, include_seen=True))
    assert rated <= with_seen
    assert 106 not in with_seen
    with_watchlist = set(everything(engine, FAN, include_watchlist=True))
    assert 106 in with_watchlist
    assert not rated & with_watchlist
    both = set(everything(engine, FAN, include_seen=True, include_watchlist=True))
    assert 107 not in both


def test_history_given_at_call_time_is_what_counts(engine: Recommender) -> None:
    now = UserHistory(
        user_id=FAN,
        ratings=(RatedMovie(movie_id=201, stars=5.0, rated_at=1.0),),
        watched=frozenset({202}),
        watchlist=frozenset({203}),
        dismissed=frozenset({204}),
    )
    shown = set(everything(engine, now))
    assert not shown & {201, 202, 203, 204}
    assert 101 in shown  # rated in the snapshot, but this history does not have it any more
    seen_too = set(everything(engine, now, include_seen=True))
    assert {201, 202} <= seen_too  # rated and watched count as seen
    assert not seen_too & {203, 204}


def test_filters_genres_years_and_allowed_ids(engine: Recommender) -> None:
    for movie_id in everything(engine, FAN, genres=("Crime", "Romance")):
        genres = world_movie(movie_id).genres
        assert "Crime" in genres or "Romance" in genres
    for movie_id in everything(engine, FAN, year_from=1990, year_to=1999):
        assert 1990 <= (world_movie(movie_id).year or 0) <= 1999
    before = date(2001, 6, 1)
    for movie_id in everything(engine, FAN, release_to=before):
        release = world_movie(movie_id).release_date
        assert release is not None
        assert release <= before
    allowed = frozenset({201, 202, 301, 999})
    assert set(everything(engine, FAN, allowed_movie_ids=allowed)) <= allowed
    assert everything(engine, FAN, allowed_movie_ids=frozenset()) == []


def test_avoided_genres_and_adult_movies_stay_out(engine: Recommender) -> None:
    shown = everything(engine, FAN, avoided_genres=("Horror", "Romance"))
    assert shown
    for movie_id in shown:
        assert not {"Horror", "Romance"} & set(world_movie(movie_id).genres)
    assert 501 not in everything(engine, FAN)
    assert 501 in everything(engine, FAN, hide_adult=False)
    # A genre asked for explicitly wins over avoiding it.
    asked = everything(engine, FAN, genres=("Horror",), avoided_genres=("Horror",))
    assert asked
    assert all("Horror" in world_movie(m).genres for m in asked)


def test_k_is_honoured(engine: Recommender) -> None:
    assert len(engine.recommend(FAN, 1)) == 1
    assert len(engine.recommend(FAN, 7)) == 7
    available = len(everything(engine, FAN))
    assert len(engine.recommend(FAN, available + 5)) == available
    for bad in (0, -1, 501, True, 2.5):
        with pytest.raises(InvalidInput):
            engine.recommend(FAN, bad)  # type: ignore[arg-type]


def test_deterministic_for_a_given_state(engine: Recommender) -> None:
    first = engine.recommend(FAN, 10)
    assert engine.recommend(FAN, 10) == first
    again = create_recommender(engine.name).fit(world.snapshot(), world.features(), seed=3)
    assert again.recommend(FAN, 10) == first
    assert load_recommender(engine.to_bytes()).recommend(FAN, 10) == first


@pytest.mark.parametrize(
    "user", [10_000, UserHistory(), UserHistory(user_id=10_001)], ids=["stranger", "empty", "new"]
)
def test_empty_history_gets_a_full_page(engine: Recommender, user: int | UserHistory) -> None:
    page = engine.recommend(user, 10)
    assert len(page) == 10
    assert 501 not in ids(page)


def test_every_item_has_reasons_a_score_and_the_engine_source(engine: Recommender) -> None:
    for user in (FAN, 2, 3, 4, UserHistory()):
        for item in engine.recommend(user, 10):
            assert item.reasons
            assert all(isinstance(r, str) and r.strip() for r in item.reasons)
            assert item.source == engine.source
            assert isinstance(item.score, float)


def test_only_movies_with_features_are_recommended(engine: Recommender) -> None:
    known = {f.movie.id for f in world.features()}
    assert set(everything(engine, FAN, include_seen=True)) <= known


def test_an_untrained_engine_says_so(engine: Recommender) -> None:
    with pytest.raises(InvalidInput, match="not been trained"):
        create_recommender(engine.name).recommend(FAN, 10)


def world_movie(movie_id: int):  # type: ignore[no-untyped-def]
    return next(m for m in world.MOVIES if m.id == movie_id)
