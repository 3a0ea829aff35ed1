"""The pages on live TMDB (the real client against the loopback fake TMDB server)."""

from __future__ import annotations

import time

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import Preferences, User
from tests.support.fake_tmdb import FakeTmdb
from tests.ui.conftest import logged_in, new_app, texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_no_demo_offer_on_live_tmdb(live_tmdb: FakeTmdb) -> None:
    at = new_app().run()
    assert not at.exception
    assert "Try the demo" not in [b.label for b in at.button]


def test_discover_on_live_tmdb(live_tmdb: FakeTmdb, alice: User) -> None:
    at = logged_in(alice)
    assert not at.exception
    assert len([b for b in at.button if b.label == "Watchlist"]) == 20
    assert live_tmdb.requests("trending/movie/day") == 1
    logged_in(alice)  # a second visit is served from the cache
    assert live_tmdb.requests("trending/movie/day") == 1


def test_movie_page_on_live_tmdb_shows_credits_and_where_to_watch(
    services: Services, live_tmdb: FakeTmdb, alice: User
) -> None:
    services.users.save_preferences(alice, Preferences(region="US"))
    at = logged_in(alice, page="movie.py", id="550")
    assert not at.exception
    shown = texts(at)
    assert "Fight Club" in shown
    assert "Directed by" in shown
    assert "Where to watch in US" in shown
    assert "JustWatch" in shown


def test_tmdb_down_shows_saved_results_with_a_banner(live_tmdb: FakeTmdb, alice: User) -> None:
    logged_in(alice)  # warms the cache
    live_tmdb.outage = True
    at = logged_in(alice, page="search.py")
    at.text_input[0].input("alien").run()
    assert not at.exception
    assert at.error or at.warning  # search was never cached: a friendly message, no traceback
    assert "Traceback" not in texts(at)


def test_settings_offers_streaming_services_for_the_region(
    services: Services, live_tmdb: FakeTmdb, alice: User
) -> None:
    services.users.save_preferences(alice, Preferences(region="US"))
    at = logged_in(alice, page="settings.py")
    streaming = next(m for m in at.multiselect if m.label == "My streaming services")
    assert "Netflix" in streaming.options
    assert not streaming.disabled


def test_expired_lists_are_served_stale_with_a_banner(
    live_tmdb: FakeTmdb, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REELMATCH_CACHE_TTL_LISTS", "0.05")
    logged_in(alice)  # fills the cache
    time.sleep(0.1)  # the list expires; stale copies are kept for the grace period
    live_tmdb.outage = True
    at = logged_in(alice)
    assert not at.exception
    assert len([b for b in at.button if b.label == "Watchlist"]) == 20
    assert any("TMDB is not answering" in w.value for w in at.warning)


def test_expired_movie_is_served_stale_with_a_banner(
    live_tmdb: FakeTmdb, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REELMATCH_CACHE_TTL_MOVIES", "0.05")
    fresh = logged_in(alice, page="movie.py", id="550")  # fills the cache
    assert not fresh.warning
    time.sleep(0.1)  # the details expire; the stale copy is kept for the grace period
    live_tmdb.outage = True
    at = logged_in(alice, page="movie.py", id="550")
    assert not at.exception
    assert "Fight Club" in texts(at)
    assert any("TMDB is not answering" in w.value and "details" in w.value for w in at.warning)
    assert any("Showing details saved just now" in i.value for i in at.info)


def test_library_on_a_cold_start_with_tmdb_down_shows_the_ratings(
    services: Services, live_tmdb: FakeTmdb, alice: User
) -> None:
    services.library.rate_movie(alice, 238, 5)  # a local `movies` row, nothing cached
    live_tmdb.outage = True
    at = logged_in(alice, page="library.py")
    assert not at.exception
    assert not at.error
    table = at.dataframe[0].value
    assert list(table["title"]) == ["The Godfather"]
    assert live_tmdb.requests("configuration") >= 1  # asked, failed, and did not matter
