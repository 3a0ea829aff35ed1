"""What each engine recommends and how it explains itself, on the synthetic world."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reelmatch.domain import Movie, RecommendationFilters
from reelmatch.errors import InvalidInput
from reelmatch.recommend import (
    HybridConfig,
    HybridRecommender,
    MovieFeatures,
    RatingsSnapshot,
    Recommender,
    UserHistory,
    create_recommender,
)
from tests.recommend import world

SCIFI_IDS = {m.id for m in world.SCIFI}
CRIME_IDS = {m.id for m in world.CRIME}
SAGA_IDS = {m.id for m in world.SAGA}


@pytest.fixture(scope="module")
def hybrid() -> Recommender:
    return create_recommender("hybrid").fit(world.snapshot(), world.features())


def top_ids(
    engine: Recommender, user: int | UserHistory, k: int = 3, **filters: object
) -> list[int]:
    page = engine.recommend(user, k, filters=RecommendationFilters(**filters))  # type: ignore[arg-type]
    return [r.movie.id for r in page]


@pytest.mark.parametrize("name", ["hybrid", "collaborative"])
def test_collaborative_engines_follow_the_crowd(name: str) -> None:
    snapshot = world.snapshot()
    engine = create_recommender(name).fit(snapshot, world.features())
    assert top_ids(engine, 1, k=1) == [108]  # the one science-fiction film left for user 1
    checked = 0
    for user in range(2, 41):
        crowd = {m.id for m in world.CROWDS[world.crowd_of(user)]}
        unrated = crowd - snapshot.history(user).rated_ids
        if unrated:
            assert top_ids(engine, user, k=1)[0] in unrated
            checked += 1
    assert checked >= 20


def test_collaborative_reasons_name_the_users_own_ratings(hybrid: Recommender) -> None:
    first = hybrid.recommend(1, 1)[0]
    assert first.movie.id in SCIFI_IDS
    assert any(
        reason.startswith("Because you rated ") and reason.endswith("★") for reason in first.reasons
    )
    rated = {"Alien 5★", "Aliens 5★", "Blade Runner 5★", "The Matrix 5★", "Arrival 4.5★"}
    because = [r.removeprefix("Because you rated ") for r in first.reasons if "rated" in r]
    assert set(because) <= rated


def test_a_new_user_with_one_rating_gets_personal_picks_at_once(hybrid: Recommender) -> None:
    newcomer = UserHistory.from_stars({201: 5.0})  # Heat, no retraining
    page = hybrid.recommend(newcomer, 8)
    popular = create_recommender("popular").fit(world.snapshot(), world.features())
    crowd = [r.movie.id for r in popular.recommend(newcomer, 50)]
    ours = [r.movie.id for r in hybrid.recommend(newcomer, 50)]

    def crime_rank(order: list[int]) -> float:
        return sum(order.index(m) for m in CRIME_IDS - {201}) / (len(CRIME_IDS) - 1)

    assert crime_rank(ours) < crime_rank(crowd)
    mann = [r for r in page if r.movie.id in {202, 204}]
    assert mann, "Michael Mann's other films belong on this page"
    for item in mann:
        assert "Heat" in item.reasons[0]  # the personal reason comes first
        assert "Because you rated Heat 5★" in item.reasons
        assert any("director Michael Mann" in r for r in item.reasons)


def test_content_reasons_name_what_two_movies_share() -> None:
    engine = create_recommender("content").fit(world.snapshot(), world.features())
    page = engine.recommend(UserHistory.from_stars({201: 5.0}), 3)
    mann = next(r for r in page if r.movie.id in {202, 204})
    assert any("director Michael Mann" in r and r.endswith("with Heat") for r in mann.reasons)


def test_a_rating_given_now_changes_the_picks_without_retraining(hybrid: Recommender) -> None:
    before = top_ids(hybrid, 2, k=5)
    history = world.snapshot().history(2)
    crime_fan_turns = UserHistory(
        user_id=2,
        ratings=(*history.ratings, *UserHistory.from_stars({301: 5.0, 302: 5.0}).ratings),
    )
    after = top_ids(hybrid, crime_fan_turns, k=5)
    assert after != before
    assert {301, 302}.isdisjoint(after)


def test_favourite_genre_leans_and_says_so(hybrid: Recommender) -> None:
    page = hybrid.recommend(
        UserHistory(), 5, filters=RecommendationFilters(favourite_genres=("Romance",))
    )
    assert all("Romance" in r.movie.genres for r in page[:3])
    assert "Matches your favourite genre: Romance" in page[0].reasons


def test_popularity_reason_counts_people_here() -> None:
    engine = create_recommender("popular").fit(world.snapshot(), world.features())
    top = engine.recommend(UserHistory(), 1)[0]
    assert top.reasons[0].startswith("Popular with people here: ")
    liked = int(top.reasons[0].split(": ")[1].split()[0])
    snapshot = world.snapshot()
    assert liked == int(((snapshot.movie_ids == top.movie.id) & (snapshot.stars >= 4)).sum())


def test_tmdb_related_movies_count_and_are_explained() -> None:
    engine = create_recommender("content").fit(world.snapshot(), world.features())
    page = engine.recommend(UserHistory.from_stars({103: 5.0}), 10)  # Blade Runner → Gattaca
    gattaca = next(r for r in page if r.movie.id == 108)
    assert "TMDB suggests it to fans of Blade Runner" in gattaca.reasons
    assert page[0].movie.id == 108


def test_a_disliked_movie_pushes_similar_ones_down(hybrid: Recommender) -> None:
    likes = UserHistory.from_stars({301: 5.0})
    likes_but_hates_heists = UserHistory.from_stars({301: 5.0, 203: 0.5})
    heists = {203, 201, 204, 205, 206}
    everything = {"include_seen": False}

    def rank_of_heists(user: UserHistory) -> float:
        order = top_ids(hybrid, user, k=50, **everything)
        return sum(order.index(m) for m in heists - {203} if m in order) / 4

    assert rank_of_heists(likes_but_hates_heists) > rank_of_heists(likes)


def saga_world() -> tuple[RatingsSnapshot, list[MovieFeatures]]:
    """Saga fans only, so the saga dominates every score."""
    snapshot = world.snapshot(users=80)
    fans = snapshot.user_ids % 4 == 0
    saga_only = RatingsSnapshot.from_arrays(
        user_ids=snapshot.user_ids[fans],
        movie_ids=snapshot.movie_ids[fans],
        stars=snapshot.stars[fans],
        rated_at=snapshot.rated_at[fans],
    )
    return saga_only, world.features()


def test_diversity_caps_a_franchise_on_one_page() -> None:
    snapshot, features = saga_world()
    newcomer = UserHistory.from_stars({601: 5.0, 104: 4.0})
    plain = HybridRecommender(replace(HybridConfig(), diversity=0.0)).fit(snapshot, features)
    varied = HybridRecommender(HybridConfig()).fit(snapshot, features)
    assert len(SAGA_IDS & set(top_ids(plain, newcomer, k=10))) >= 5
    varied_page = top_ids(varied, newcomer, k=10)
    assert len(varied_page) == 10
    assert len(SAGA_IDS & set(varied_page)) <= HybridConfig().max_per_collection


def test_mmr_alone_spreads_a_page_without_collections() -> None:
    snapshot, features = saga_world()
    anonymous = [replace(f, collection=None) for f in features]
    newcomer = UserHistory.from_stars({601: 5.0, 104: 4.0})
    config = replace(HybridConfig(), diversity=0.0, max_per_collection=100)
    plain = HybridRecommender(config).fit(snapshot, anonymous)
    varied = plain.reconfigured(replace(config, diversity=0.6))
    plain_saga = len(SAGA_IDS & set(top_ids(plain, newcomer, k=8)))
    varied_saga = len(SAGA_IDS & set(top_ids(varied, newcomer, k=8)))
    assert varied_saga < plain_saga


def test_reconfigured_refuses_training_settings(hybrid: HybridRecommender) -> None:
    assert isinstance(hybrid, HybridRecommender)
    with pytest.raises(InvalidInput, match="fit"):
        hybrid.reconfigured(replace(hybrid.config, l2=10.0))
    lighter = hybrid.reconfigured(replace(hybrid.config, content_weight=0.0))
    assert lighter.recommend(1, 3)
    ease_only = create_recommender("collaborative").fit(world.snapshot(), world.features())
    assert isinstance(ease_only, HybridRecommender)
    with pytest.raises(InvalidInput, match="fit"):  # the sequence model was never trained
        ease_only.reconfigured(replace(ease_only.config, sequence_weight=0.5))


def test_a_movie_nobody_rated_can_still_be_found_through_content() -> None:
    # As well known on TMDB as The Shining (1,000 votes), but nobody here rated it.
    fresh = MovieFeatures(
        movie=Movie(
            id=9001,
            title="Space Station",
            genres=("Science Fiction",),
            keywords=("space", "alien"),
            vote_average=7.0,
            vote_count=1000,
        )
    )
    fan = UserHistory.from_stars({101: 5.0, 107: 5.0})
    content = create_recommender("content").fit(world.snapshot(), [*world.features(), fresh])
    assert top_ids(content, fan, k=1) == [9001]
    hybrid = HybridRecommender(replace(HybridConfig(), diversity=0.0))
    hybrid.fit(world.snapshot(), [*world.features(), fresh])
    order = top_ids(hybrid, fan, k=50)
    nobody_rated = [m for m in order if m in {401, 402, 701, 9001}]
    assert nobody_rated[0] == 9001


def test_wrong_config_type_is_refused() -> None:
    with pytest.raises(InvalidInput):
        HybridRecommender(object())
    with pytest.raises(InvalidInput):
        create_recommender("nope")
    with pytest.raises(InvalidInput):
        HybridConfig(diversity=2.0)
