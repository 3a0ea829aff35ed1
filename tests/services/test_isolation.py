"""User A can never read, change or delete user B's rows, through services or the CLI."""

from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from reelmatch.errors import NotFound

GODFATHER, MATRIX = 238, 603


def test_services_keep_users_apart(services: Services) -> None:
    alice = services.users.create_user(username="alice", password="password1")
    bob = services.users.create_user(username="bob", password="password1")
    services.library.rate_movie(bob, GODFATHER, 5)
    services.library.add_to_watchlist(bob, MATRIX)
    bob_watch = services.library.log_watch(bob, GODFATHER, note="bob's private note")

    # Alice sees nothing of Bob's.
    assert services.library.library(alice).ratings == ()
    assert services.library.library(alice).diary == ()
    assert "bob's private note" not in str(services.library.export_user_data(alice))

    # Alice's changes to "the same movie" touch only her own rows.
    assert services.library.clear_rating(alice, GODFATHER) is False
    services.library.remove_from_watchlist(alice, MATRIX)
    services.library.rate_movie(alice, GODFATHER, 1)
    with pytest.raises(NotFound):
        services.library.delete_watch(alice, bob_watch.id)

    bobs = services.library.library(bob)
    assert [(e.movie.id, e.rating) for e in bobs.ratings] == [(GODFATHER, 5.0)]
    assert [e.movie.id for e in bobs.watchlist] == [MATRIX]
    assert [d.id for d in bobs.diary] == [bob_watch.id]

    services.users.delete_user(alice)
    assert len(services.library.library(bob).ratings) == 1
