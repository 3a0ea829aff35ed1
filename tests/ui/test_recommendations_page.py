"""The "For you" page alone under AppTest: local picks with reasons and feedback, AI picks from
the loopback fake OpenAI server, movie night."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import load_settings
from reelmatch.domain import Preferences, User
from reelmatch.store.models import RecommendationItemRow
from reelmatch.store.uow import UnitOfWork
from reelmatch.ui import routing
from tests.support.fake_openai import FakeOpenAI
from tests.support.pages import page_app
from tests.ui.conftest import texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

ALICE_RATES = {238: 5.0, 680: 4.5, 769: 4.0, 603: 4.5}
PAGE = routing.RECOMMENDATIONS


def rate_and_train(services: Services, user: User) -> User:
    for movie_id, stars in ALICE_RATES.items():
        services.library.rate_movie(user, movie_id, stars)
    services.recommendations.retrain()
    return user


@pytest.fixture
def rated_alice(services: Services, alice: User) -> User:
    return rate_and_train(services, alice)


def for_you(services: Services, user: User) -> AppTest:
    return page_app(PAGE, services, user)


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


def test_local_picks_with_reasons_and_feedback_buttons(
    services: Services, rated_alice: User
) -> None:
    at = for_you(services, rated_alice)

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
    at = for_you(services, rated_alice)
    first = card_movie_ids(at)[0]

    next(b for b in at.button if b.key == f"fb-not_interested-{first}").click().run()

    assert not at.exception
    assert first not in card_movie_ids(at)
    assert len(card_movie_ids(at)) == 12
    assert feedback_of(services, first) == ["not_interested"]


def test_seen_it_can_log_a_watch(services: Services, rated_alice: User) -> None:
    at = for_you(services, rated_alice)
    movie_id = card_movie_ids(at)[1]

    next(b for b in at.button if b.key == f"fb-seen-log-{movie_id}").click().run()

    assert not at.exception
    assert movie_id not in card_movie_ids(at)
    assert [d.movie.id for d in services.library.library(rated_alice).diary] == [movie_id]


def test_opening_a_pick_records_the_click(services: Services, rated_alice: User) -> None:
    at = for_you(services, rated_alice)
    movie_id = card_movie_ids(at)[0]

    next(b for b in at.button if b.key == f"rec-open-{movie_id}").click().run()

    assert not at.exception
    assert at.query_params["id"] == str(movie_id)  # for the movie page (tests/ui/test_app.py)
    with UnitOfWork(services.database, read_only=True) as uow:
        clicked = uow.session.scalars(
            select(RecommendationItemRow.clicked_at).where(
                RecommendationItemRow.movie_id == movie_id
            )
        ).all()
    assert any(clicked)


def test_a_newcomer_is_told_to_rate_movies(services: Services, alice: User) -> None:
    at = for_you(services, alice)
    assert not at.exception
    assert "Rate a few movies" in texts(at)
    assert len(card_movie_ids(at)) == 12  # popular picks meanwhile


def test_filters_that_match_nothing_say_what_to_try(services: Services, rated_alice: User) -> None:
    at = for_you(services, rated_alice)
    at.multiselect(key="recs-genres").select("Western").select("Animation")
    at.slider(key="recs-years").set_value((1930, 1931)).run()
    assert not at.exception
    assert card_movie_ids(at) == []
    assert "No movie matches these filters" in texts(at)


def test_without_a_key_an_admin_sees_the_ai_switch_disabled_and_why(services: Services) -> None:
    admin = services.users.create_user(username="root", password="root-password", role="admin")
    at = for_you(services, rate_and_train(services, admin))
    switch = at.toggle(key="recs-ai")
    assert switch.disabled
    assert "OPENAI_API_KEY" in texts(at).replace("\\", "")


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def ai_services(
    db_url: str, tmp_path: Path, offline_catalog: OfflineCatalog, fake_openai: FakeOpenAI
) -> Iterator[Services]:
    """Services with AI picks from the fake OpenAI server."""
    settings = load_settings(
        DATABASE_URL=db_url,
        REELMATCH_DATA_DIR=str(tmp_path / "var"),
        OPENAI_API_KEY="sk-test-0123456789abcdef",
        OPENAI_BASE_URL=fake_openai.base_url,
        OPENAI_MAX_RETRIES=0,
    )
    services = build_services(settings, catalog=offline_catalog, bcrypt_rounds=4)
    yield services
    services.close()


@pytest.fixture
def ai_alice(ai_services: Services) -> User:
    alice = ai_services.users.create_user(username="alice", password="alice-password")
    return rate_and_train(ai_services, alice)


def test_ai_picks_from_the_fake_openai(
    ai_services: Services, ai_alice: User, fake_openai: FakeOpenAI
) -> None:
    pool = ai_services.recommendations.recommend(ai_alice, k=50, shown=False).items
    chosen = pool[5].movie
    fake_openai.push(
        fake_openai.picks(
            [{"tmdb_id": chosen.id, "title": chosen.title, "year": chosen.year,
              "reason": "A crime classic for a Godfather fan."}]
        )
    )  # fmt: skip
    at = for_you(ai_services, ai_alice)

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
    ai_services: Services, ai_alice: User, fake_openai: FakeOpenAI
) -> None:
    fake_openai.push(fake_openai.error(503))
    at = for_you(ai_services, ai_alice)
    at.toggle(key="recs-ai").set_value(True).run()
    assert not at.exception
    assert "AI picks are unavailable right now" in texts(at)
    assert len(card_movie_ids(at)) == 12


def test_movie_night_explains_opting_in(services: Services, alice: User) -> None:
    at = for_you(services, alice)
    assert "Movie night finds films for 2–6 people" in texts(at)
    assert any("settings" in str(link.proto).lower() for link in at.get("page_link"))


def test_movie_night_for_two_opted_in_users(services: Services, rated_alice: User) -> None:
    bob = services.users.create_user(username="bob", password="bob-password")
    services.library.rate_movie(bob, 603, 5.0)
    for person in (rated_alice, bob):
        services.users.save_preferences(person, Preferences(movie_night_opt_in=True))
    at = for_you(services, rated_alice)

    at.multiselect(key="night-members").select("bob").run()
    next(b for b in at.button if b.label == "Find movies for us").click().run()

    assert not at.exception
    shown = texts(at)
    assert "Fits the taste of" in shown
    assert "For alice, bob" in shown


def test_cards_lead_with_their_specific_reason_not_the_favourite_genre(
    services: Services, alice: User
) -> None:
    services.users.save_preferences(alice, Preferences(favourite_genres=("Drama", "Crime")))
    rate_and_train(services, alice)
    at = for_you(services, alice)
    assert not at.exception
    leads = [c.value for c in at.caption if c.value.startswith("Local pick · ")]
    assert len(leads) == 12
    assert not [lead for lead in leads if "favourite genre" in lead]
    assert len(set(leads)) > 6


def test_feedback_buttons_say_what_they_do_and_thumbs_down_differs_from_hide(
    services: Services, rated_alice: User
) -> None:
    at = for_you(services, rated_alice)
    helps = {
        kind: next(b.help for b in at.button if b.key.startswith(f"fb-{kind}-"))
        for kind in ("up", "down", "not_interested")
    }
    assert all(helps.values())
    assert helps["down"] != helps["not_interested"]
    assert "bad" in helps["down"].lower()
    assert "never show it again" in helps["down"]
    assert "never show it again" in helps["not_interested"]
    assert "not judged bad" in helps["not_interested"]


def test_only_admins_read_about_the_servers_openai_key(services: Services, alice: User) -> None:
    at = for_you(services, alice)
    assert not at.exception
    assert "OPENAI_API_KEY" not in texts(at).replace("\\", "")
    assert "AI picks" not in [t.label for t in at.toggle]


def test_movie_night_scores_read_in_order_and_promise_no_match(
    services: Services, rated_alice: User
) -> None:
    bob = services.users.create_user(username="bob", password="bob-password")
    for movie_id, stars in {603: 5.0, 238: 4.0, 680: 3.5}.items():
        services.library.rate_movie(bob, movie_id, stars)
    for person in (rated_alice, bob):
        services.users.save_preferences(person, Preferences(movie_night_opt_in=True))
    at = for_you(services, rated_alice)
    at.multiselect(key="night-members").select("bob").run()
    next(b for b in at.button if b.label == "Find movies for us").click().run()
    assert not at.exception
    shown = texts(at)
    assert "% match" not in shown
    scores = [
        int(c.value.removeprefix("Group score ").removesuffix("/100"))
        for c in at.caption
        if c.value.startswith("Group score ")
    ]
    assert len(scores) > 1
    assert scores == sorted(scores, reverse=True)
