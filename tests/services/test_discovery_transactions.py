"""The movie page reads in one transaction (decision 56): the service is given a counting
unit-of-work factory over the real database, which is what the factory seam is for."""

from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import Preferences
from reelmatch.events import DiscardEvents
from reelmatch.services.discovery import DiscoveryService
from reelmatch.store.uow import UnitOfWork
from tests.support.fake_tmdb import fake_tmdb, tmdb_server
from tests.support.live import live

__all__ = ["fake_tmdb", "live", "tmdb_server"]

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
FIGHT_CLUB = 550


def test_the_movie_page_opens_one_read_transaction(live: Services) -> None:
    amelie = live.users.create_user(username="amelie", password="password1")
    live.users.save_preferences(amelie, Preferences(language="fr"))
    live.library.rate_movie(amelie, FIGHT_CLUB, 4.5)
    opened: list[bool] = []

    def counting(read_only: bool = False) -> UnitOfWork:
        opened.append(read_only)
        return live.database.unit_of_work(read_only=read_only)

    discovery = DiscoveryService(counting, catalog=live.catalog, events=DiscardEvents())
    page = discovery.movie(amelie, FIGHT_CLUB)

    assert page.movie.title == "Fight Club [fr]"  # the preference read in the same transaction
    assert page.state.rating == 4.5
    assert opened == [True]
