"""The "For you" page under AppTest: local picks with reasons and feedback, AI picks from the
loopback fake OpenAI server (env OPENAI_API_KEY + OPENAI_BASE_URL), movie night."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from reelmatch.bootstrap import Services
from reelmatch.domain import Preferences, User
from reelmatch.store.models import RecommendationItemRow
from reelmatch.store.uow import UnitOfWork
from tests.support.fake_openai import FakeOpenAI
from tests.ui.conftest import logged_in, texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

ALICE_RATES = {238: 5.0, 680: 4.5, 769: 4.0, 603: 4.5}
PAGE = "recommendations.py"


@pytest.fixture
def rated_alice(services: Services, alice: User) -> User:
    for movie_id, stars in ALICE_RATES.items():
        services.library.rate_movie(alice, movie_id, stars)
    services.recommendations.retrain()  # the app loads it from the data directory
    return alice


def buttons(at: AppTest, label: str) -> list[Any]:
    return [b for b in at.button if b.label == label]


def feedback_of(services: Services, movie_id: int) -> list[str | None]:
    with UnitOfWork(services.database, read_only=True) as uow:
        query = select(RecommendationItemRow.feedback).where(
            RecommendationItemRow.movie_id == movie_id
        )
        return list(uow.session.scalars(query))


def card_movie_ids(at: AppTest) -> list[int]:
    """Movie ids of the cards, in order (from the feedback buttons' keys)."""
    return [int(b.key.removeprefix("fb-up-")) for b in at.button if b.key.startswith("fb-up-")]


def test_local_picks_with_reasons_and_feedback_buttons(rated_alice: User) -> None:
    at = logged_in(rated_alice, page=PAGE)

    assert not at.exception
    assert [t.value for t in at.title] == ["For you"]
    ids = card_movie_ids(at)
    assert len(ids) == 12
    assert not set(ids) & set(ALICE_RATES)
    assert len([b for b in at.button if b.key.startswith("fb-down-")]) == 12
    assert len([e for e in at.expander if e.label == "Why this?"]) == 12
    shown = texts(at)
    assert "Local pick" in shown
    assert "Local engine" in shown
    assert " ms" in shown


def test_not_interested_removes_the_movie(services: Services, rated_alice: User) -> None:
    at = logged_in(rated_alice, page=PAGE)
    first = card_movie_ids(at)[0]

    next(b for b in at.button if b.key == f"fb-not_interested-{first}").click().run()

    assert not at.exception
    assert first not in card_movie_ids(at)
    assert len(card_movie_ids(at)) == 12
    assert feedback_of(services, first) == ["not_interested"]


def test_seen_it_can_log_a_watch(services: Services, rated_alice: User) -> None:
    at = logged_in(rated_alice, page=PAGE)
    movie_id = card_movie_ids(at)[1]

    next(b for b in at.button if b.key == f"fb-seen-log-{movie_id}").click().run()

    assert not at.exception
    assert movie_id not in card_movie_ids(at)
    assert [d.movie.id for d in services.library.library(rated_alice).diary] == [movie_id]


def test_opening_a_pick_records_the_click(services: Services, rated_alice: User) -> None:
    at = logged_in(rated_alice, page=PAGE)
    movie_id = card_movie_ids(at)[0]

    next(b for b in at.button if b.key == f"rec-open-{movie_id}").click().run()

    assert not at.exception
    assert at.query_params["id"] == str(movie_id)
    assert [t.value for t in at.title] != ["For you"]  # the movie page now
    with UnitOfWork(services.database, read_only=True) as uow:
        clicked = uow.session.scalars(
            select(RecommendationItemRow.clicked_at).where(
                RecommendationItemRow.movie_id == movie_id
            )
        ).all()
    assert any(clicked)


def test_a_newcomer_is_told_to_rate_movies(alice: User) -> None:
    at = logged_in(alice, page=PAGE)
    assert not at.exception
    assert "Rate a few movies" in texts(at)
    assert len(card_movie_ids(at)) == 12  # popular picks meanwhile


def test_filters_that_match_nothing_say_what_to_try(rated_alice: User) -> None:
    at = logged_in(rated_alice, page=PAGE)
    at.multiselect(key="recs-genres").select("Western").select("Animation")
    at.slider(key="recs-years").set_value((1930, 1931)).run()
    assert not at.exception
    assert card_movie_ids(at) == []
    assert "No movie matches these filters" in texts(at)


def test_without_a_key_the_ai_switch_is_disabled_and_says_why(rated_alice: User) -> None:
    at = logged_in(rated_alice, page=PAGE)
    switch = at.toggle(key="recs-ai")
    assert switch.disabled
    assert "OpenAI API key" in texts(at)


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789abcdef")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_MAX_RETRIES", "0")
        yield fake


def test_ai_picks_from_the_fake_openai(
    services: Services, rated_alice: User, fake_openai: FakeOpenAI
) -> None:
    pool = services.recommendations.recommend(rated_alice, k=50, shown=False).items
    chosen = pool[5].movie
    fake_openai.push(
        fake_openai.picks(
            [{"tmdb_id": chosen.id, "title": chosen.title, "year": chosen.year,
              "reason": "A crime classic for a Godfather fan."}]
        )
    )  # fmt: skip
    at = logged_in(rated_alice, page=PAGE)

    at.toggle(key="recs-ai").set_value(True).run()

    assert not at.exception
    assert card_movie_ids(at)[0] == chosen.id
    shown = texts(at)
    assert "A crime classic for a Godfather fan\\." in shown  # escaped Markdown
    assert "AI pick" in shown
    assert "AI cost $" in shown
    assert "requests left today" in shown
    assert fake_openai.request_count == 1
    at.run()  # a rerun is served from the cache
    assert fake_openai.request_count == 1


def test_ai_failure_shows_local_picks_with_a_notice(
    rated_alice: User, fake_openai: FakeOpenAI
) -> None:
    fake_openai.push(fake_openai.error(503))
    at = logged_in(rated_alice, page=PAGE)
    at.toggle(key="recs-ai").set_value(True).run()
    assert not at.exception
    assert "AI picks are unavailable right now" in texts(at)
    assert len(card_movie_ids(at)) == 12


def test_movie_night_explains_opting_in(alice: User) -> None:
    at = logged_in(alice, page=PAGE)
    assert "Movie night finds films for 2–6 people" in texts(at)
    assert any("settings" in str(link.proto).lower() for link in at.get("page_link"))


def test_movie_night_for_two_opted_in_users(services: Services, rated_alice: User) -> None:
    bob = services.users.create_user(username="bob", password="bob-password")
    services.library.rate_movie(bob, 603, 5.0)
    for person in (rated_alice, bob):
        services.users.save_preferences(person, Preferences(movie_night_opt_in=True))
    at = logged_in(rated_alice, page=PAGE)

    at.multiselect(key="night-members").select("bob").run()
    next(b for b in at.button if b.label == "Find movies for us").click().run()

    assert not at.exception
    shown = texts(at)
    assert "Fits the taste of" in shown
    assert "For alice, bob" in shown
