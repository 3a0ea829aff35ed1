"""The demo accounts: reserved names, a two-person movie night out of the box, and no way to
be handed someone else's account without a password."""

from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from reelmatch.errors import InvalidInput, NotAllowed
from reelmatch.services.users import DEMO_FRIEND_USERNAME, DEMO_USERNAME
from tests.support.cli import run_cli


@pytest.mark.parametrize("name", ["demo", "Demo", " DEMO ", "demo-friend"])
def test_nobody_can_register_a_demo_name(services: Services, name: str) -> None:
    with pytest.raises(InvalidInput, match="reserved"):
        services.users.create_user(username=name, password="a long password")
    assert services.users.list_users() == []


def test_users_add_refuses_a_demo_name(
    services: Services, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    outcome = run_cli("users", "add", "demo", "--admin", "--password-stdin", stdin="long-pass\n")
    assert outcome.code == 2
    assert "reserved" in outcome.err
    assert services.users.list_users() == []


def test_the_demo_brings_a_movie_night_companion(services: Services) -> None:
    demo = services.demo.user()
    members = services.recommendations.movie_night_members(demo)
    assert [m.username for m in members] == [DEMO_FRIEND_USERNAME, DEMO_USERNAME]
    night = services.recommendations.movie_night(demo, [DEMO_USERNAME, DEMO_FRIEND_USERNAME])
    assert night.picks
    seen = {
        entry.movie.id
        for name in (DEMO_USERNAME, DEMO_FRIEND_USERNAME)
        for entry in services.library.library(services.users.get_user(name)).ratings
    }
    assert not {pick.movie.id for pick in night.picks} & seen
    assert services.demo.user().id == demo.id  # created once


def test_resetting_the_demo_keeps_one_companion(services: Services) -> None:
    demo = services.demo.user()
    services.library.rate_movie(demo, 550, 1.0)
    fresh = services.demo.reset(demo)
    assert 550 not in {e.movie.id for e in services.library.library(fresh).ratings}
    names = sorted(u.username for u in services.users.list_users())
    assert names == [DEMO_USERNAME, DEMO_FRIEND_USERNAME]


def test_an_admin_called_demo_is_never_handed_out(services: Services) -> None:
    # An installation that had an admin called "demo" before the name was reserved.
    services.users.create_user(
        username=DEMO_USERNAME, password="admin password", role="admin", reserved=True
    )
    with pytest.raises(NotAllowed):
        services.demo.user()
