"""`movies …` and `cache …` from the command line, offline and against the fake TMDB + Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.cli import run_cli
from tests.support.fake_tmdb import API_KEY, FakeTmdb, tmdb_server
from tests.support.redis import redis_prefix, redis_url

__all__ = ["redis_prefix", "redis_url", "tmdb_server"]


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch, tmdb_server: FakeTmdb) -> Iterator[FakeTmdb]:
    tmdb_server.reset()
    monkeypatch.setenv("TMDB_API_KEY", API_KEY)
    monkeypatch.setenv("TMDB_API_BASE", tmdb_server.base_url)
    monkeypatch.setenv("REELMATCH_TMDB_RETRIES", "1")
    yield tmdb_server
    tmdb_server.reset()


@pytest.fixture
def shared(
    monkeypatch: pytest.MonkeyPatch, live: FakeTmdb, redis_url: str, redis_prefix: str
) -> FakeTmdb:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("REELMATCH_CACHE_PREFIX", redis_prefix)
    return live


@pytest.mark.parametrize("name", ["popular", "top-rated", "now-playing", "upcoming", "trending"])
def test_lists_offline(name: str) -> None:
    outcome = run_cli("movies", name, "--json")
    assert outcome.code == 0, outcome.err
    page = outcome.json()
    assert page["page"] == 1
    assert len(page["movies"]) == 20
    table = run_cli("movies", name, "--page", "2")
    assert table.code == 0
    assert "page 2 of" in table.out


def test_search_and_show_offline() -> None:
    found = run_cli("movies", "search", "godfater", "--year", "1972", "--json").json()
    assert [m["id"] for m in found["movies"]][:1] == [238]
    shown = run_cli("movies", "show", "238")
    assert shown.code == 0
    assert "The Godfather (1972)" in shown.out
    assert "175 min" in shown.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("movies", "show", "999999999"), "TMDB id 999999999"),
        (("movies", "show", "abc"), "not a TMDB movie id"),
        (("movies", "trending", "--window", "month"), "month"),
        (("movies", "popular", "--page", "many"), "not a valid integer"),
        (("cache", "warm", "--pages", "0"), "0"),
    ],
)
def test_bad_input_exits_2(args: tuple[str, ...], message: str) -> None:
    outcome = run_cli(*args)
    assert outcome.code == 2
    assert message in outcome.err
    assert "Traceback" not in outcome.err


def test_odd_queries_are_fine_and_pages_past_500_are_refused() -> None:
    assert run_cli("movies", "popular", "--page", "500", "--json").json()["page"] == 500
    refused = run_cli("movies", "popular", "--page", "10000")
    assert (refused.code, "1<=x<=500" in refused.err) == (2, True)
    assert run_cli("movies", "search", "", "--json").json()["movies"] == []
    assert run_cli("movies", "search", "🎬" * 3000, "--json").code == 0


def test_cache_commands_without_redis_say_what_they_can_do() -> None:
    stats = run_cli("cache", "stats", "--json").json()
    assert stats["backend"] == "memory"
    assert stats["scope"] == "this process"
    assert stats["tmdb"]["catalog"] == "offline"
    assert "REDIS_URL is not set" in run_cli("cache", "clear").out
    assert run_cli("cache", "warm", "--json").json() == {
        "warmed": False,
        "reason": "the offline catalog needs no cache",
    }


def test_live_lists_and_details_come_from_tmdb(live: FakeTmdb) -> None:
    page = run_cli("movies", "popular", "--json").json()
    assert len(page["movies"]) == 20
    assert live.requests("movie/popular") == 1
    movie = run_cli("movies", "show", "550", "--json").json()
    assert movie["directors"] == ["David Fincher"]
    assert movie["trailer"]["key"] == "BdJKm16Co6M"
    text = run_cli("movies", "show", "550").out
    assert "David Fincher" in text
    assert "https://image.tmdb.org/t/p/w500/poster550.jpg" in text


def test_live_failures_are_messages_not_tracebacks(
    live: FakeTmdb, monkeypatch: pytest.MonkeyPatch
) -> None:
    live.outage = True
    outcome = run_cli("movies", "popular")
    assert outcome.code == 1
    assert "TMDB is having trouble" in outcome.err
    live.outage = False
    monkeypatch.setenv("TMDB_API_KEY", "wrong")
    outcome = run_cli("movies", "popular")
    assert outcome.code == 1
    assert "credentials" in outcome.err
    assert "wrong" not in outcome.err


@pytest.mark.redis
def test_warm_then_every_process_reads_from_redis(shared: FakeTmdb) -> None:
    warmed = run_cli("cache", "warm", "--pages", "2", "--json")
    assert warmed.code == 0, warmed.err
    assert warmed.json()["list_pages"] == 12
    assert warmed.json()["failed"] == []
    before = shared.requests()

    assert run_cli("movies", "popular", "--page", "2", "--json").code == 0  # a new process
    assert shared.requests() == before
    stats = run_cli("cache", "stats", "--json").json()
    assert stats["scope"] == "all processes"
    assert stats["kinds"]["list"]["misses"] == 12
    assert stats["kinds"]["list"]["hits"] >= 1
    assert stats["redis"]["keys"] >= 14
    assert stats["tmdb"]["shared"] is True

    cleared = run_cli("cache", "clear", "--prefix", "movies:popular:", "--json").json()
    assert cleared == {"shared": True, "removed": 2, "prefix": "movies:popular:"}
    run_cli("movies", "popular", "--json")
    assert shared.requests("movie/popular") == 3


@pytest.mark.redis
def test_warm_reports_failures_and_exits_1(shared: FakeTmdb) -> None:
    run_cli("movies", "popular")  # configuration and genres still load below
    shared.inject("503", times=100, path="/3/movie/top_rated")
    outcome = run_cli("cache", "warm", "--json")
    assert outcome.code == 1
    assert outcome.json()["failed"] == ["top_rated page 1: TMDB is having trouble (HTTP 503)."]
    assert outcome.json()["list_pages"] == 5


@pytest.mark.redis
def test_doctor_describes_live_tmdb_and_redis(
    shared: FakeTmdb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMDB_DAILY_BUDGET", "1000")
    checks = {c["name"]: c for c in run_cli("doctor", "--json").json()}
    assert checks["tmdb"]["ok"] is True
    assert "live TMDB" in checks["tmdb"]["detail"]
    assert "40 requests/s and 1000 a day" in checks["tmdb"]["detail"]
    assert checks["cache"]["ok"] is True
    assert "shared by every app process" in checks["cache"]["detail"]
