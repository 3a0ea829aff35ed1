"""The whole app (app.py, its own services from the environment): what only the shell does.
Routing, who gets which pages, the page's title in its events, and leaving the session.
Everything a page does on its own is tested on the page alone (tests/support/pages.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.store.models import EventRow
from reelmatch.store.uow import UnitOfWork
from reelmatch.ui import routing
from reelmatch.ui.shell import PAGES
from reelmatch.ui.state import get_services
from tests.support.apptest import app_as, new_app, open_page
from tests.ui.conftest import session_user, texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

#: What each page shows first, without data: its title, or the movie page's empty state.
FIRST_WORDS = {route: route.title for route, _ in PAGES} | {routing.MOVIE: "Pick a movie"}


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


@pytest.fixture
def admin(services: Services, app_env: str) -> User:
    return services.users.create_user(username="boss", password="boss-password", role="admin")


def test_an_admin_reaches_every_page_by_its_path(admin: User) -> None:
    at = app_as(admin)
    assert [t.value for t in at.title] == ["Discover"]  # the default page, at /
    for route, _ in PAGES:
        open_page(at, route).run()
        assert not at.exception, route
        assert FIRST_WORDS[route] in texts(at), route


@pytest.mark.parametrize("route", [routing.ANALYTICS, routing.STATUS])
def test_admin_pages_are_not_even_registered_for_others(alice: User, route: routing.Route) -> None:
    at = app_as(alice, page=route)
    assert not at.exception
    assert [t.value for t in at.title] == ["Discover"]  # an unknown page: the default one
    assert "This page is for admins." not in texts(at)


def test_deep_link_survives_login(alice: User) -> None:
    at = new_app()
    at.query_params["id"] = "238"
    open_page(at, routing.MOVIE).run()
    assert "The Godfather" not in texts(at)
    at.text_input[0].input("alice")
    at.text_input[1].input("alice-password")
    _button(at, "Log in").click().run()
    assert not at.exception
    assert "The Godfather \\(1972\\)" in [t.value for t in at.title]


def test_each_page_view_is_recorded_under_the_pages_title(services: Services, admin: User) -> None:
    at = app_as(admin, page=routing.LIBRARY)
    open_page(at, routing.RECOMMENDATIONS).run()
    get_services().events.flush()  # the app's own recorder
    with UnitOfWork(services.database, read_only=True) as uow:
        rows = uow.session.scalars(select(EventRow).where(EventRow.kind == "page_view"))
        views = [(row.subject, row.user_id) for row in rows.all()]
    assert views == [("Discover", admin.id), ("Library", admin.id), ("For you", admin.id)]


def test_opening_a_recommendation_goes_to_its_movie_page(services: Services, alice: User) -> None:
    services.library.rate_movie(alice, 238, 5.0)
    at = app_as(alice, page=routing.RECOMMENDATIONS)
    opener = next(b for b in at.button if b.key.startswith("rec-open-"))
    opener.click().run()
    assert not at.exception
    movie_id = opener.key.removeprefix("rec-open-")
    assert at.query_params["id"] == movie_id
    assert [t.value for t in at.title] != ["For you"]
    assert "Your rating (★)" in [s.label for s in at.segmented_control]  # the movie page's


def test_deleting_the_account_logs_out(services: Services, alice: User) -> None:
    at = app_as(alice, page=routing.SETTINGS)
    confirm = next(t for t in at.text_input if t.label.startswith("Type your username"))
    confirm.input("alice")
    _button(at, "Delete my account and all my data").click().run()
    assert not at.exception
    assert services.users.list_users() == []
    assert session_user(at) is None
    at.run()
    assert [t.label for t in at.text_input][:2] == ["Username", "Password"]


def test_discover_has_a_path_of_its_own(alice: User) -> None:
    """The default page is served at /, and Streamlit resolves a typed path by page name, not
    hash: /discover needs a page named "discover" (it said "Page not found")."""
    at = app_as(alice)
    names = {info["url_pathname"]: page for page, info in at._registered_pages.items()}
    assert "discover" in names
    assert "" in names  # / still serves Discover
    open_page(at, routing.DISCOVER).run()
    assert [t.value for t in at.title] == ["Discover"]
