"""The pages on live TMDB (the real client against the loopback fake TMDB server)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import Preferences, User
from reelmatch.ui import routing
from tests.support.apptest import new_app
from tests.support.fake_tmdb import FakeTmdb
from tests.support.live import live_services
from tests.support.pages import page_app
from tests.ui.conftest import texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def bob(live: Services) -> User:
    return live.users.create_user(username="bob", password="bob-password")


def test_no_demo_offer_on_live_tmdb(live_tmdb: FakeTmdb) -> None:
    at = new_app().run()  # the whole app: the login screen is the shell's
    assert not at.exception
    assert "Try the demo" not in [b.label for b in at.button]


def test_discover_on_live_tmdb(live: Services, fake_tmdb: FakeTmdb, bob: User) -> None:
    at = page_app(routing.DISCOVER, live, bob)
    assert not at.exception
    assert len([b for b in at.button if b.label == "Watchlist"]) == 20
    assert fake_tmdb.requests("trending/movie/day") == 1
    page_app(routing.DISCOVER, live, bob)  # a second visit is served from the cache
    assert fake_tmdb.requests("trending/movie/day") == 1


def test_movie_page_on_live_tmdb_shows_credits_and_where_to_watch(
    live: Services, bob: User
) -> None:
    live.users.save_preferences(bob, Preferences(region="US"))
    at = page_app(routing.MOVIE, live, bob, id="550")
    assert not at.exception
    shown = texts(at)
    assert "Fight Club" in shown
    assert "Directed by" in shown
    assert "Where to watch in US" in shown
    assert "JustWatch" in shown


def test_tmdb_down_shows_a_message_not_a_traceback(
    live: Services, fake_tmdb: FakeTmdb, bob: User
) -> None:
    page_app(routing.DISCOVER, live, bob)  # warms the cache
    fake_tmdb.outage = True
    at = page_app(routing.SEARCH, live, bob)
    at.text_input[0].input("alien").run()
    assert not at.exception
    assert at.error or at.warning  # search was never cached: a friendly message, no traceback
    assert "Traceback" not in texts(at)


def test_settings_offers_streaming_services_for_the_region(live: Services, bob: User) -> None:
    live.users.save_preferences(bob, Preferences(region="US"))
    at = page_app(routing.SETTINGS, live, bob)
    streaming = next(m for m in at.multiselect if m.label == "My streaming services")
    assert "Netflix" in streaming.options
    assert not streaming.disabled


@pytest.fixture
def short_lived(
    db_url: str, tmp_path: Path, fake_tmdb: FakeTmdb, request: pytest.FixtureRequest
) -> Iterator[Services]:
    """Live services whose cached lists and movies expire after 50 ms (`request.param`)."""
    services = live_services(db_url, tmp_path, fake_tmdb, **{request.param: "0.05"})
    yield services
    services.close()


@pytest.mark.parametrize("short_lived", ["REELMATCH_CACHE_TTL_LISTS"], indirect=True)
def test_expired_lists_are_served_stale_with_a_banner(
    short_lived: Services, fake_tmdb: FakeTmdb
) -> None:
    carol = short_lived.users.create_user(username="carol", password="carol-password")
    page_app(routing.DISCOVER, short_lived, carol)  # fills the cache
    time.sleep(0.1)  # the list expires; stale copies are kept for the grace period
    fake_tmdb.outage = True
    at = page_app(routing.DISCOVER, short_lived, carol)
    assert not at.exception
    assert len([b for b in at.button if b.label == "Watchlist"]) == 20
    assert any("TMDB is not answering" in w.value for w in at.warning)


@pytest.mark.parametrize("short_lived", ["REELMATCH_CACHE_TTL_MOVIES"], indirect=True)
def test_expired_movie_is_served_stale_with_a_banner(
    short_lived: Services, fake_tmdb: FakeTmdb
) -> None:
    carol = short_lived.users.create_user(username="carol", password="carol-password")
    fresh = page_app(routing.MOVIE, short_lived, carol, id="550")  # fills the cache
    assert not fresh.warning
    time.sleep(0.1)  # the details expire; the stale copy is kept for the grace period
    fake_tmdb.outage = True
    at = page_app(routing.MOVIE, short_lived, carol, id="550")
    assert not at.exception
    assert "Fight Club" in texts(at)
    assert any("TMDB is not answering" in w.value and "details" in w.value for w in at.warning)
    assert any("Showing details saved just now" in i.value for i in at.info)


def test_library_on_a_cold_start_with_tmdb_down_shows_the_ratings(
    live: Services, fake_tmdb: FakeTmdb, bob: User
) -> None:
    live.library.rate_movie(bob, 238, 5)  # a local `movies` row, nothing cached
    fake_tmdb.outage = True
    at = page_app(routing.LIBRARY, live, bob)
    assert not at.exception
    assert not at.error
    table = at.dataframe[0].value
    assert list(table["title"]) == ["The Godfather"]
    assert fake_tmdb.requests("configuration") >= 1  # asked, failed, and did not matter
