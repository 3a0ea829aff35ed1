"""The viewer's Language (and Region) reaches TMDB and the cache keeps each language apart,
against the fake TMDB (which tags titles " [fr]" when asked for French)."""

from __future__ import annotations

from reelmatch.cache import TtlPolicy, TwoTierCache
from reelmatch.cache.base import DEFAULT_TTLS
from reelmatch.cache.keys import list_key, movie_key
from reelmatch.catalog import Locale
from reelmatch.domain import DiscoverFilters
from tests.catalog.conftest import MakeCatalog
from tests.support.fake_tmdb import FakeTmdb

FIGHT_CLUB = 550
FRENCH, GERMAN = Locale("fr", "FR"), Locale("de-DE", "DE")


def test_lists_ask_in_the_language_and_cache_each_language_apart(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    catalog = make_tmdb_catalog()
    english = catalog.popular(1)
    french = catalog.popular(1, locale=FRENCH)
    german = catalog.popular(1, locale=GERMAN)
    assert [p.get("language") for p in fake_tmdb.params_of("movie/popular")] == [
        None, "fr", "de-DE"
    ]  # fmt: skip
    assert all("region" not in p for p in fake_tmdb.params_of("movie/popular"))
    first = english.movies[0].title
    assert (french.movies[0].title, german.movies[0].title) == (
        f"{first} [fr]",
        f"{first} [de-DE]",
    )

    again = catalog.popular(1, locale=FRENCH)  # a cache hit: no new request
    assert fake_tmdb.requests("movie/popular") == 3
    assert again.movies[0].title == f"{first} [fr]"
    assert catalog.popular(1).movies[0].title == first


def test_now_playing_and_upcoming_also_send_the_region(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    catalog = make_tmdb_catalog()
    catalog.now_playing(2, locale=FRENCH)
    catalog.upcoming(1, locale=Locale(region="GB"))
    asked = fake_tmdb.params_of("movie/now_playing")[0]
    assert {k: v for k, v in asked.items() if k != "api_key"} == {
        "page": "2", "language": "fr", "region": "FR"
    }  # fmt: skip
    assert fake_tmdb.params_of("movie/upcoming")[0].get("region") == "GB"
    assert "language" not in fake_tmdb.params_of("movie/upcoming")[0]


def test_search_discover_and_trending_carry_the_language(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    catalog = make_tmdb_catalog()
    found = catalog.search("fight club", locale=FRENCH)
    catalog.discover(DiscoverFilters(genres=(18,)), locale=FRENCH)
    catalog.trending("week", locale=GERMAN)
    assert found.movies[0].title == "Fight Club [fr]"
    assert fake_tmdb.params_of("search/movie")[0]["language"] == "fr"
    assert fake_tmdb.params_of("discover/movie")[0]["language"] == "fr"
    assert fake_tmdb.params_of("trending/movie/week")[0]["language"] == "de-DE"
    assert "region" not in fake_tmdb.params_of("discover/movie")[0]


def test_movie_details_per_language_leave_the_default_entry_alone(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    cache = TwoTierCache(policy=TtlPolicy(ttls=DEFAULT_TTLS))
    catalog = make_tmdb_catalog(cache=cache)
    assert catalog.movie(FIGHT_CLUB, locale=FRENCH).title == "Fight Club [fr]"
    assert catalog.movie(FIGHT_CLUB).title == "Fight Club"
    assert catalog.movie(FIGHT_CLUB, locale=GERMAN).title == "Fight Club [de-DE]"
    assert fake_tmdb.requests(f"movie/{FIGHT_CLUB}") == 3
    assert [p.get("language") for p in fake_tmdb.params_of(f"movie/{FIGHT_CLUB}")] == [
        "fr", None, "de-DE"
    ]  # fmt: skip
    # The default entry (what the metadata refresher and the model trainer read) stays English.
    assert cache.get(movie_key(FIGHT_CLUB))["title"] == "Fight Club"
    assert cache.get(movie_key(FIGHT_CLUB, {"language": "fr"}))["title"] == "Fight Club [fr]"
    assert catalog.movies([FIGHT_CLUB])[0].title == "Fight Club"
    assert fake_tmdb.requests(f"movie/{FIGHT_CLUB}") == 3


def test_an_unset_locale_keeps_the_keys_of_tmdbs_default() -> None:
    assert list_key("popular", 3) == "movies:popular:3"
    assert list_key("popular", 3, {"language": "fr"}) == "movies:popular:3?language=fr"
    assert movie_key(FIGHT_CLUB, {}) == "movie:550"
