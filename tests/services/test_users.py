from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import Preferences
from reelmatch.errors import InvalidInput, NotFound


def test_create_list_and_authenticate(services: Services) -> None:
    alice = services.users.create_user(username="Alice", password="correct horse", email="a@x.io")
    services.users.create_user(username="bob", password="battery staple", role="admin")

    assert alice.username == "alice"
    assert alice.display_name == "Alice"
    assert [u.username for u in services.users.list_users()] == ["alice", "bob"]
    assert services.users.get_user("ALICE").id == alice.id
    assert services.users.authenticate("alice", "correct horse") == alice
    assert services.users.authenticate("alice", "wrong password") is None
    assert services.users.authenticate("nobody", "correct horse") is None
    assert services.users.get_user("bob").is_admin


def test_password_is_stored_as_bcrypt_hash(services: Services) -> None:
    from reelmatch.store.uow import UnitOfWork

    services.users.create_user(username="carol", password="secret-password")
    with UnitOfWork(services.database, read_only=True) as uow:
        row = uow.users.by_username("carol")
        assert row is not None
        assert row.password_hash.startswith("$2b$")
        assert "secret-password" not in row.password_hash


@pytest.mark.parametrize("taken", ["alice", "ALICE", "Alice", " alice "])
def test_duplicate_usernames_are_refused_case_insensitively(services: Services, taken: str) -> None:
    services.users.create_user(username="alice", password="password1")
    with pytest.raises(InvalidInput, match="taken"):
        services.users.create_user(username=taken, password="password2")
    assert len(services.users.list_users()) == 1


@pytest.mark.parametrize(
    "username", ["ab", "a" * 33, "has space", "semi;colon", "émile", "", "a/b", "x\n"]
)
def test_username_rules(services: Services, username: str) -> None:
    with pytest.raises(InvalidInput, match="3–32 characters"):
        services.users.create_user(username=username, password="password1")
    assert services.users.list_users() == []


@pytest.mark.parametrize("password", ["short", "", "x" * 73])
def test_password_rules(services: Services, password: str) -> None:
    with pytest.raises(InvalidInput, match="password"):
        services.users.create_user(username="dave", password=password)
    assert services.users.list_users() == []


def test_role_must_be_known(services: Services) -> None:
    with pytest.raises(InvalidInput, match="role"):
        services.users.create_user(username="eve", password="password1", role="root")


def test_change_password_needs_the_current_one(services: Services) -> None:
    user = services.users.create_user(username="frank", password="old-password")
    with pytest.raises(InvalidInput, match="current password"):
        services.users.change_password(user, current="not-it", new="new-password")
    services.users.change_password(user, current="old-password", new="new-password")
    assert services.users.authenticate("frank", "new-password") == user
    assert services.users.authenticate("frank", "old-password") is None


def test_unknown_user_is_a_clear_error(services: Services) -> None:
    with pytest.raises(NotFound, match="no user called 'ghost'"):
        services.users.get_user("ghost")


def test_preferences_round_trip(services: Services) -> None:
    user = services.users.create_user(username="gina", password="password1")
    assert services.users.preferences(user) == Preferences()
    wanted = Preferences(favourite_genres=("Drama",), region="DE", streaming_services=(8, 337))
    services.users.save_preferences(user, wanted)
    assert services.users.preferences(user) == wanted


def test_delete_user_removes_all_their_rows(services: Services) -> None:
    user = services.users.create_user(username="hank", password="password1")
    other = services.users.create_user(username="ivy", password="password1")
    for who in (user, other):
        services.library.rate_movie(who, 238, 4)
        services.library.add_to_watchlist(who, 680)
        services.library.log_watch(who, 238, note="again")
        services.users.save_preferences(who, Preferences(region="US"))

    services.users.delete_user(user)

    with pytest.raises(NotFound):
        services.users.get_user("hank")
    from sqlalchemy import func, select

    from reelmatch.store.models import PreferenceRow, UserMovieRow, WatchRow
    from reelmatch.store.uow import UnitOfWork

    with UnitOfWork(services.database, read_only=True) as uow:
        for model in (UserMovieRow, WatchRow, PreferenceRow):
            owners = set(uow.session.scalars(select(model.user_id)))
            assert owners == {other.id}, model.__tablename__
        assert uow.session.scalar(select(func.count()).select_from(UserMovieRow)) == 2
    assert len(services.library.library(other).ratings) == 1
