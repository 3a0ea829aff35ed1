"""The Language preference reaches TMDB through the discovery service: lists, search, discover
and the movie page ask in the user's language (and region for now playing), on the real
services against the fake TMDB (which tags titles " [fr]" when asked for French)."""

from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import DiscoverFilters, Preferences
from tests.support.fake_tmdb import FakeTmdb, fake_tmdb, tmdb_server
from tests.support.live import live

__all__ = ["fake_tmdb", "live", "tmdb_server"]

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
FIGHT_CLUB = 550


def test_each_user_sees_movies_in_their_language(live: Services, fake_tmdb: FakeTmdb) -> None:
    amelie = live.users.create_user(username="amelie", password="password1")
    live.users.save_preferences(amelie, Preferences(language="fr", region="FR"))
    bob = live.users.create_user(username="bob", password="password1")
    discovery = live.discovery

    french = discovery.browse("popular", user=amelie)
    english = discovery.browse("popular", user=bob)
    assert french.movies[0].title == f"{english.movies[0].title} [fr]"
    discovery.browse("now_playing", user=amelie)
    assert discovery.search(amelie, "fight club").movies[0].title == "Fight Club [fr]"
    discovery.discover(DiscoverFilters(genres=(18,)), user=amelie)
    assert discovery.movie(amelie, FIGHT_CLUB).movie.title == "Fight Club [fr]"
    assert discovery.movie(bob, FIGHT_CLUB).movie.title == "Fight Club"

    assert [p.get("language") for p in fake_tmdb.params_of("movie/popular")] == ["fr", None]
    assert fake_tmdb.params_of("movie/now_playing")[0]["region"] == "FR"
    for path in ("search/movie", "discover/movie", f"movie/{FIGHT_CLUB}"):
        assert fake_tmdb.params_of(path)[0]["language"] == "fr", path


def test_rating_from_a_french_page_keeps_the_shared_copy_in_english(
    live: Services, fake_tmdb: FakeTmdb
) -> None:
    amelie = live.users.create_user(username="amelie", password="password1")
    live.users.save_preferences(amelie, Preferences(language="fr"))
    live.discovery.movie(amelie, FIGHT_CLUB)
    live.library.rate_movie(amelie, FIGHT_CLUB, 4.5)
    (entry,) = live.library.library(amelie).ratings
    assert entry.movie.title == "Fight Club"  # the `movies` table is everyone's
