"""Login sessions: the cookie names a stored session, so logging out, "log out everywhere" and
a password change end it for good, and a forged or expired cookie names nobody."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.services.sessions import SessionService
from reelmatch.store.types import utcnow


@pytest.fixture
def amy(services: Services) -> User:
    return services.users.create_user(username="amy", password="password1")


def test_a_cookie_names_its_user_until_logout(services: Services, amy: User) -> None:
    cookie = services.sessions.open(amy, user_agent="Firefox on Linux")
    assert services.sessions.resolve(cookie) == amy
    copied = str(cookie)
    services.sessions.close(amy, cookie)
    assert services.sessions.resolve(copied) is None


FORGERIES: list[Callable[[str], str]] = [
    lambda cookie: cookie[:-1] + ("0" if cookie[-1] != "0" else "1"),  # a changed signature
    lambda cookie: "x" + cookie,  # a changed token
    lambda cookie: cookie.split(".")[0],  # no signature
    lambda _cookie: "",
]


@pytest.mark.parametrize("forge", FORGERIES)
def test_a_forged_cookie_names_nobody(
    services: Services, amy: User, forge: Callable[[str], str]
) -> None:
    cookie = services.sessions.open(amy)
    assert services.sessions.resolve(forge(cookie)) is None


def test_log_out_everywhere_else_keeps_this_session(services: Services, amy: User) -> None:
    here, phone, laptop = (services.sessions.open(amy) for _ in range(3))
    assert services.sessions.close_others(amy, here) == 2
    assert services.sessions.resolve(here) == amy
    assert services.sessions.resolve(phone) is None
    assert services.sessions.resolve(laptop) is None


def test_a_password_change_ends_every_other_session(services: Services, amy: User) -> None:
    here, elsewhere = services.sessions.open(amy), services.sessions.open(amy)
    services.users.change_password(
        amy, current="password1", new="password2", keep_session=services.sessions.current_id(here)
    )
    assert services.sessions.resolve(here) == amy
    assert services.sessions.resolve(elsewhere) is None


def test_sessions_are_listed_with_this_one_marked(services: Services, amy: User) -> None:
    here = services.sessions.open(amy, user_agent="Chrome on Android")
    services.sessions.open(amy, user_agent="Safari on macOS", method="oidc")
    listed = services.sessions.sessions(amy, here)
    assert sorted((s.user_agent, s.method, s.current) for s in listed) == [
        ("Chrome on Android", "password", True),
        ("Safari on macOS", "oidc", False),
    ]


def test_an_unused_session_expires_and_is_pruned(services: Services, amy: User) -> None:
    now = [utcnow()]
    sessions = SessionService(
        services.database.unit_of_work, key=lambda: "k" * 32, days=30, clock=lambda: now[0]
    )
    cookie = sessions.open(amy)
    now[0] += timedelta(days=20)
    assert sessions.resolve(cookie) == amy  # used: its 30 days start again
    now[0] += timedelta(days=29)
    assert sessions.resolve(cookie) == amy
    now[0] += timedelta(days=31)
    assert sessions.resolve(cookie) is None
    assert sessions.prune() == 1


def test_another_replica_with_the_same_key_knows_the_session(services: Services, amy: User) -> None:
    key = "shared-signing-key-" + "x" * 20
    replica_a = SessionService(services.database.unit_of_work, key=lambda: key, days=30)
    replica_b = SessionService(services.database.unit_of_work, key=lambda: key, days=30)
    other_key = SessionService(
        services.database.unit_of_work, key=lambda: "another-key-" + "y" * 20, days=30
    )
    cookie = replica_a.open(amy)
    assert replica_b.resolve(cookie) == amy
    assert other_key.resolve(cookie) is None


def test_deleting_the_account_ends_its_sessions(services: Services, amy: User) -> None:
    cookie = services.sessions.open(amy)
    services.users.delete_user(amy)
    assert services.sessions.resolve(cookie) is None
