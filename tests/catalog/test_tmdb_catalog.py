"""Live TMDB catalog through the cache, against the fake TMDB: one request per movie page,
cache hits cost nothing upstream, stale data when TMDB is down or the budget is spent."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from reelmatch.cache import RedisLink, TmdbRequestLimiter, TtlPolicy, TwoTierCache
from reelmatch.cache.base import DEFAULT_TTLS
from reelmatch.cache.keys import movie_key
from reelmatch.catalog.tmdb import DEFAULT_IMAGE_CONFIG_TTL
from reelmatch.domain import MovieDetails, to_data
from reelmatch.errors import RateLimited, UpstreamUnavailable
from reelmatch.store.mapping import movie_values
from tests.catalog.conftest import MakeCatalog
from tests.support.cache_helpers import FakeClock
from tests.support.events import RecordingEvents
from tests.support.fake_tmdb import FakeTmdb
from tests.support.redis import PrivateRedis

FIGHT_CLUB = 550


def clocked_cache() -> tuple[TwoTierCache, FakeClock]:
    clock = FakeClock()
    return TwoTierCache(policy=TtlPolicy(ttls=DEFAULT_TTLS), clock=clock), clock


def test_movie_details_come_from_one_request(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    catalog = make_tmdb_catalog()
    movie = catalog.movie(FIGHT_CLUB)
    assert fake_tmdb.requests(f"movie/{FIGHT_CLUB}") == 1
    assert movie.title == "Fight Club"
    assert movie.imdb_id == "tt0137523"
    assert movie.directors == ("David Fincher",)
    assert [c.name for c in movie.cast[:2]] == ["Edward Norton", "Brad Pitt"]
    assert movie.cast[1].character == "Tyler Durden"
    assert len(movie.cast) == 10
    assert movie.trailer is not None
    assert movie.trailer.url == "https://www.youtube.com/watch?v=BdJKm16Co6M"  # the official one
    assert "US" in movie.watch_providers
    assert movie.watch_providers["AE"].flatrate[0].name == "Amazon Prime Video"
    assert movie.certifications["US"] == "R"
    assert movie.certifications["DE"] == "18"
    assert movie.similar
    assert movie.recommendations
    assert catalog.configuration().poster_url(movie.poster_path, place="detail") is not None


def test_cache_hits_make_no_upstream_requests(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    events = RecordingEvents()
    catalog = make_tmdb_catalog(events=events)
    first = catalog.popular()
    catalog.movie(FIGHT_CLUB)
    catalog.search("matrix")
    before, hits_before = fake_tmdb.requests(), len(events.api_calls(cache="hit"))
    for _ in range(10):
        assert catalog.popular() == first
        catalog.movie(FIGHT_CLUB)
        catalog.search("matrix")
        catalog.movies([FIGHT_CLUB])
    assert fake_tmdb.requests() == before
    assert len(events.api_calls(cache="hit")) - hits_before == 40
    assert all(c["status"] == 200 for c in events.api_calls(cache="hit"))


def test_hits_and_misses_share_the_endpoint_template_and_cache_kind(
    make_tmdb_catalog: MakeCatalog,
) -> None:
    events = RecordingEvents()
    catalog = make_tmdb_catalog(events=events)
    for _ in range(2):
        catalog.popular()
        catalog.search("matrix")
        catalog.find_by_imdb_id("tt0137523")
        catalog.watch_providers("GB")
        catalog.configuration()
    expected = {
        ("movie/popular", "list"),
        ("search/movie", "search"),
        ("find/{id}", "movie"),
        ("movie/{id}", "movie"),
        ("watch/providers/movie", "reference"),
        ("configuration", "reference"),
        ("genre/movie/list", "reference"),
    }
    for cache in ("miss", "hit"):
        calls = events.api_calls(cache=cache)
        assert {(c["endpoint"], c["cache_kind"]) for c in calls} == expected, cache


def test_fifty_threads_missing_one_movie_make_one_request(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    catalog = make_tmdb_catalog()
    catalog.genres()
    fake_tmdb.latency = 0.2
    start = threading.Barrier(50)
    titles: list[str] = []

    def worker() -> None:
        start.wait()
        titles.append(catalog.movie(FIGHT_CLUB).title)

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert titles == ["Fight Club"] * 50
    assert fake_tmdb.requests(f"movie/{FIGHT_CLUB}") == 1


def test_fan_out_runs_concurrently_and_bounded(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    ids = [m.id for m in make_tmdb_catalog().popular().movies]
    fake_tmdb.latency = 0.1
    assert [m.id for m in make_tmdb_catalog().movies(ids)] == ids
    assert fake_tmdb.max_in_flight >= 10

    fake_tmdb.reset()
    fake_tmdb.latency = 0.05
    narrow = make_tmdb_catalog(concurrency=3)
    assert len(narrow.movies(ids)) == 20
    assert 2 <= fake_tmdb.max_in_flight <= 3


def test_fan_out_fails_as_a_whole_when_tmdb_does(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    catalog = make_tmdb_catalog()
    catalog.genres()
    fake_tmdb.outage = True
    with pytest.raises(UpstreamUnavailable):
        catalog.movies([238, FIGHT_CLUB, 603])


def test_tmdb_down_serves_stale_pages_marked_as_such(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    cache, clock = clocked_cache()
    events = RecordingEvents()
    catalog = make_tmdb_catalog(cache=cache, events=events)
    fresh = catalog.popular()
    details = catalog.movie(FIGHT_CLUB)
    clock.advance(2 * 86400)  # lists and details have expired; grace is 7 days
    fake_tmdb.outage = True

    stale = catalog.popular()
    assert stale.stale is True
    assert stale.movies == fresh.movies
    assert stale.notice is not None
    assert "saved 2 days ago" in stale.notice
    assert "HTTP 503" in stale.notice
    stale_movie = catalog.movie(FIGHT_CLUB)
    assert stale_movie.stale is True
    assert stale_movie.notice is not None
    assert "Showing details saved 2 days ago" in stale_movie.notice
    assert "HTTP 503" in stale_movie.notice
    assert replace(stale_movie, stale=False, notice=None) == details
    assert [c["status"] for c in events.api_calls(cache="stale")] == [503, 503]
    with pytest.raises(UpstreamUnavailable):
        catalog.popular(2)  # never cached: nothing can stand in

    fake_tmdb.outage = False
    assert catalog.popular().stale is False
    assert catalog.movie(FIGHT_CLUB).stale is False
    assert catalog.movie(FIGHT_CLUB).notice is None


def test_spent_daily_budget_serves_cached_data_and_says_so(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    cache, clock = clocked_cache()
    limiter = TmdbRequestLimiter(rate=100, daily_budget=2)
    catalog = make_tmdb_catalog(cache=cache, limiter=limiter)
    catalog.popular()  # genres + popular: the whole budget
    clock.advance(7200)
    page = catalog.popular()
    assert page.stale is True
    assert page.notice is not None
    assert "TMDB_DAILY_BUDGET" in page.notice
    with pytest.raises(RateLimited):
        catalog.top_rated()
    assert fake_tmdb.requests() == 2


def test_spent_daily_budget_marks_a_cached_movie_stale(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    cache, clock = clocked_cache()
    limiter = TmdbRequestLimiter(rate=100, daily_budget=2)
    catalog = make_tmdb_catalog(cache=cache, limiter=limiter)
    assert catalog.movie(FIGHT_CLUB).stale is False  # genres + the movie: the whole budget
    clock.advance(2 * 86400)
    movie = catalog.movie(FIGHT_CLUB)
    assert movie.stale is True
    assert movie.notice is not None
    assert "TMDB_DAILY_BUDGET" in movie.notice
    assert fake_tmdb.requests() == 2


def test_stale_marks_never_reach_the_cache_or_the_movies_table(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    cache, clock = clocked_cache()
    catalog = make_tmdb_catalog(cache=cache)
    catalog.movie(FIGHT_CLUB)
    clock.advance(2 * 86400)
    fake_tmdb.outage = True
    stale = catalog.movie(FIGHT_CLUB)
    assert stale.stale is True
    assert "stale" not in movie_values(stale)
    assert not hasattr(stale.summary(), "stale")

    # An entry written with the marks (another version, a hand-made warm-up) reads as fresh.
    cache.set(movie_key(FIGHT_CLUB), to_data(stale), kind="movie")
    cached = catalog.movie(FIGHT_CLUB)
    assert (cached.stale, cached.notice) == (False, None)
    assert replace(cached, stale=True, notice=stale.notice) == stale

    fake_tmdb.outage = False
    cache.invalidate(movie_key(FIGHT_CLUB))
    catalog.movie(FIGHT_CLUB)
    stored = cache.get(movie_key(FIGHT_CLUB))
    assert "stale" not in stored
    assert "notice" not in stored


def test_invalidated_movie_is_fetched_again(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    cache = TwoTierCache(policy=TtlPolicy(ttls=DEFAULT_TTLS))
    catalog = make_tmdb_catalog(cache=cache)
    catalog.movie(FIGHT_CLUB)
    cache.invalidate(f"movie:{FIGHT_CLUB}")
    catalog.movie(FIGHT_CLUB)
    assert fake_tmdb.requests(f"movie/{FIGHT_CLUB}") == 2


@pytest.mark.redis
def test_redis_stopping_mid_run_is_invisible_to_the_user(
    make_tmdb_catalog: MakeCatalog,
    fake_tmdb: FakeTmdb,
    private_redis: PrivateRedis,
    redis_prefix: str,
) -> None:
    link = RedisLink(private_redis.url, prefix=redis_prefix, retry_interval=0.2)
    cache = TwoTierCache(policy=TtlPolicy(ttls=DEFAULT_TTLS), redis=link)
    limiter = TmdbRequestLimiter(rate=40, link=link)
    catalog = make_tmdb_catalog(cache=cache, limiter=limiter)
    first = catalog.popular()
    upstream = fake_tmdb.requests()

    private_redis.stop()
    assert catalog.popular() == first  # L1 serves it
    assert fake_tmdb.requests() == upstream
    assert isinstance(catalog.movie(FIGHT_CLUB), MovieDetails)  # new data still loads
    assert catalog.top_rated().movies

    private_redis.start()
    time.sleep(0.3)
    catalog.upcoming()
    assert cache.stats()["redis"]["available"] is True
    assert cache.stats()["redis"]["keys"] >= 1
    cache.close()


def test_image_configuration_falls_back_to_tmdb_defaults_on_a_cold_outage(
    make_tmdb_catalog: MakeCatalog, fake_tmdb: FakeTmdb
) -> None:
    cache, clock = clocked_cache()
    catalog = make_tmdb_catalog(cache=cache)
    fake_tmdb.outage = True
    images = catalog.configuration()
    assert images.secure_base_url == "https://image.tmdb.org/t/p/"
    assert images.poster_sizes == ("w92", "w154", "w185", "w342", "w500", "w780", "original")
    assert images.poster_url("/x.jpg", place="grid") == "https://image.tmdb.org/t/p/w342/x.jpg"
    asked = fake_tmdb.requests("configuration")
    assert catalog.configuration() == images  # the defaults are kept briefly: no new request
    assert fake_tmdb.requests("configuration") == asked

    fake_tmdb.outage = False
    clock.advance(DEFAULT_IMAGE_CONFIG_TTL + 1)
    assert catalog.configuration().secure_base_url == "https://image.tmdb.org/t/p/"
    assert fake_tmdb.requests("configuration") == asked + 1  # TMDB's own answer again
