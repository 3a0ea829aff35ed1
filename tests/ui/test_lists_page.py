"""The Lists page alone, the movie page's "Add to list", and a shared list's link in the whole
app for a logged-out visitor."""

from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui import routing
from reelmatch.ui.lists_view import SHARED_PARAM
from tests.support.apptest import new_app
from tests.support.pages import page_app
from tests.ui.conftest import texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

GODFATHER, MATRIX = 238, 603


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_create_reorder_share_and_remove(services: Services, alice: User) -> None:
    at = page_app(routing.LISTS, services, alice)
    assert "You have no lists yet." in texts(at)
    at.text_input[0].input("Favourites")
    at.checkbox[0].check()
    _button(at, "Create list").click().run()
    assert not at.exception
    (created,) = services.lists.lists(alice)
    assert (created.name, created.ranked) == ("Favourites", True)
    services.lists.add_movie(alice, created.id, GODFATHER)
    services.lists.add_movie(alice, created.id, MATRIX)
    at.run()
    assert "**1.** The Godfather (1972)" in texts(at)
    next(b for b in at.button if b.key == f"list-up-{MATRIX}").click().run()
    assert [i.movie.id for i in services.lists.get(alice, created.id).items] == [MATRIX, GODFATHER]
    next(t for t in at.toggle if t.label == "Public").set_value(True).run()
    assert not at.exception
    assert services.lists.get(alice, created.id).public
    assert any(created.share_token in c.value for c in at.code)
    next(b for b in at.button if b.key == f"list-remove-{GODFATHER}").click().run()
    assert [i.movie.id for i in services.lists.get(alice, created.id).items] == [MATRIX]


def test_deleting_a_list_asks_for_a_confirmation(services: Services, alice: User) -> None:
    created = services.lists.create(alice, "Old picks")
    at = page_app(routing.LISTS, services, alice)
    _button(at, "Delete list").click().run()
    assert not at.exception
    assert [m.id for m in services.lists.lists(alice)] == [created.id]  # one click keeps it
    _button(at, "Delete for good").click().run()
    assert not at.exception
    assert services.lists.lists(alice) == []


def test_movie_page_adds_to_a_list(services: Services, alice: User) -> None:
    created = services.lists.create(alice, "Watch with Bob")
    at = page_app(routing.MOVIE, services, alice, id=str(GODFATHER))
    _button(at, "Add to list").click().run()
    assert not at.exception
    assert [i.movie.id for i in services.lists.get(alice, created.id).items] == [GODFATHER]


def test_a_shared_link_opens_read_only_without_login(services: Services, alice: User) -> None:
    created = services.lists.create(alice, "Public picks", description="my favourites")
    services.lists.add_movie(alice, created.id, MATRIX)
    services.lists.update(alice, created.id, public=True)
    at = new_app()
    at.query_params[SHARED_PARAM] = created.share_token
    at.run()
    assert not at.exception
    shown = texts(at)
    assert "Public picks" in shown
    assert "The Matrix" in shown
    assert "alice" not in shown.lower()
    assert "Log in" not in [b.label for b in at.button]
    assert not [b for b in at.button if b.label in {"↑", "↓", "✕"}]


def test_a_private_list_link_shows_nothing(services: Services, alice: User) -> None:
    created = services.lists.create(alice, "Secret")
    at = new_app()
    at.query_params[SHARED_PARAM] = created.share_token
    at.run()
    assert not at.exception
    assert "Secret" not in texts(at)
    assert "does not exist or is not shared" in texts(at)


def test_library_adds_to_a_list(services: Services, alice: User) -> None:
    created = services.lists.create(alice, "From the library")
    services.library.add_to_watchlist(alice, MATRIX)
    at = page_app(routing.LIBRARY, services, alice)
    _button(at, "Add to list").click().run()
    assert not at.exception
    assert [i.movie.id for i in services.lists.get(alice, created.id).items] == [MATRIX]
