from __future__ import annotations

import csv
import io

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.errors import InvalidInput, NotFound
from reelmatch.services.lists import LETTERBOXD_LIST_HEADER

GODFATHER, PULP_FICTION, MATRIX = 238, 680, 603


@pytest.fixture
def alice(services: Services) -> User:
    return services.users.create_user(username="alice", password="password1")


@pytest.fixture
def bob(services: Services) -> User:
    return services.users.create_user(username="bob", password="password1")


def _ids(movie_list: object) -> list[int]:
    return [item.movie.id for item in movie_list.items]  # type: ignore[attr-defined]


def test_create_add_reorder_remove(services: Services, alice: User) -> None:
    lists = services.lists
    created = lists.create(alice, "  Favourites ", description="best", ranked=True)
    assert (created.name, created.description, created.ranked, created.public) == (
        "Favourites", "best", True, False,
    )  # fmt: skip
    for movie_id in (GODFATHER, PULP_FICTION, MATRIX):
        lists.add_movie(alice, created.id, movie_id)
    assert _ids(lists.add_movie(alice, created.id, GODFATHER)) == [GODFATHER, PULP_FICTION, MATRIX]
    assert _ids(lists.move(alice, created.id, MATRIX, 1)) == [MATRIX, GODFATHER, PULP_FICTION]
    assert _ids(lists.move_down(alice, created.id, MATRIX)) == [GODFATHER, MATRIX, PULP_FICTION]
    assert _ids(lists.move_up(alice, created.id, PULP_FICTION)) == [GODFATHER, PULP_FICTION, MATRIX]
    after = lists.remove_movie(alice, created.id, PULP_FICTION)
    assert [(i.position, i.movie.id) for i in after.items] == [(1, GODFATHER), (2, MATRIX)]
    assert after.items[0].movie.title == "The Godfather"
    renamed = lists.update(alice, created.id, name="Top", ranked=False)
    assert (renamed.name, renamed.ranked, renamed.description) == ("Top", False, "best")
    assert [m.name for m in lists.lists(alice)] == ["Top"]
    lists.delete(alice, created.id)
    assert lists.lists(alice) == []


@pytest.mark.parametrize("name", ["", "   ", None, 5, "x" * 201])
def test_bad_names_are_refused(services: Services, alice: User, name: object) -> None:
    with pytest.raises(InvalidInput):
        services.lists.create(alice, name)
    assert services.lists.lists(alice) == []


def test_bad_moves_and_unknown_movies(services: Services, alice: User) -> None:
    created = services.lists.create(alice, "L")
    services.lists.add_movie(alice, created.id, GODFATHER)
    with pytest.raises(InvalidInput):
        services.lists.move(alice, created.id, GODFATHER, 2)
    with pytest.raises(NotFound):
        services.lists.move(alice, created.id, MATRIX, 1)
    with pytest.raises((NotFound, InvalidInput)):
        services.lists.add_movie(alice, created.id, 999_999_999)
    with pytest.raises(NotFound):
        services.lists.remove_movie(alice, created.id, MATRIX)
    assert _ids(services.lists.get(alice, created.id)) == [GODFATHER]


def test_other_users_cannot_see_or_change_a_list(
    services: Services, alice: User, bob: User
) -> None:
    created = services.lists.create(alice, "Mine")
    for attempt in (
        lambda: services.lists.get(bob, created.id),
        lambda: services.lists.add_movie(bob, created.id, GODFATHER),
        lambda: services.lists.update(bob, created.id, public=True),
        lambda: services.lists.delete(bob, created.id),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert services.lists.lists(bob) == []
    assert services.lists.get(alice, created.id).public is False


def test_shared_only_when_public(services: Services, alice: User) -> None:
    created = services.lists.create(alice, "Shared", description="for friends")
    services.lists.add_movie(alice, created.id, MATRIX)
    with pytest.raises(NotFound):
        services.lists.shared(created.share_token)
    services.lists.update(alice, created.id, public=True)
    shared = services.lists.shared(created.share_token)
    assert (shared.name, shared.description, _ids(shared)) == ("Shared", "for friends", [MATRIX])
    assert not hasattr(shared, "user_id")
    assert not hasattr(shared, "share_token")
    for token in ("", "nope", created.share_token[:-1], None):
        with pytest.raises(NotFound):
            services.lists.shared(token)
    services.lists.update(alice, created.id, public=False)
    with pytest.raises(NotFound):
        services.lists.shared(created.share_token)
    other = services.lists.create(alice, "Other")
    assert other.share_token != created.share_token
    assert len(other.share_token) >= 32


def test_letterboxd_export_escapes_formulas(services: Services, alice: User) -> None:
    created = services.lists.create(alice, "=cmd()", description="+x", ranked=True)
    services.lists.add_movie(alice, created.id, GODFATHER)
    services.lists.add_movie(alice, created.id, MATRIX)
    rows = list(csv.reader(io.StringIO(services.lists.letterboxd_csv(alice, created.id).decode())))
    assert rows[0] == [LETTERBOXD_LIST_HEADER]
    assert rows[1] == ["Date", "Name", "Tags", "URL", "Description"]
    assert rows[2][1:] == ["'=cmd()", "", "", "'+x"]
    assert rows[3] == []
    assert rows[4] == ["Position", "Name", "Year", "URL", "Description"]
    assert rows[5][:3] == ["1", "The Godfather", "1972"]
    assert rows[6][:3] == ["2", "The Matrix", "1999"]
