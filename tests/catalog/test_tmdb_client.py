"""The TMDB client against the fake TMDB: auth, retries, 429, timeouts, dropped connections,
malformed bodies, error mapping, one log line and one event per upstream request."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from reelmatch.catalog.tmdb_client import TmdbClient, endpoint_template, retry_after_seconds
from reelmatch.errors import NotFound, RateLimited, UpstreamUnavailable
from tests.support.events import RecordingEvents
from tests.support.fake_tmdb import API_KEY, READ_TOKEN, FakeTmdb


@pytest.fixture
def client(fake_tmdb: FakeTmdb) -> Iterator[TmdbClient]:
    made = TmdbClient(base_url=fake_tmdb.base_url, api_key=API_KEY, retries=2, backoff=0.01)
    yield made
    made.close()


def test_v3_key_and_read_token_both_work(fake_tmdb: FakeTmdb) -> None:
    for auth in ({"api_key": API_KEY}, {"read_token": READ_TOKEN}):
        client = TmdbClient(base_url=fake_tmdb.base_url, **auth)
        assert client.get_json("movie/popular")["page"] == 1
        client.close()
    assert fake_tmdb.requests("movie/popular") == 2


@pytest.mark.parametrize("auth", [{"api_key": "wrong-key"}, {"read_token": "wrong-token"}])
def test_bad_credentials_fail_at_once_without_leaking_them(
    fake_tmdb: FakeTmdb, auth: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    client = TmdbClient(base_url=fake_tmdb.base_url, retries=3, **auth)
    with caplog.at_level(logging.DEBUG), pytest.raises(UpstreamUnavailable) as caught:
        client.get_json("movie/popular")
    client.close()
    assert "credentials" in caught.value.message
    assert "TMDB_API_KEY" in caught.value.message
    assert fake_tmdb.requests() == 1  # no retry
    secret = next(iter(auth.values()))
    assert secret not in caught.value.message
    assert all(secret not in record.getMessage() for record in caplog.records)


def test_a_client_needs_credentials(fake_tmdb: FakeTmdb) -> None:
    with pytest.raises(ValueError, match="key"):
        TmdbClient(base_url=fake_tmdb.base_url)


def test_429_waits_for_retry_after_then_succeeds(fake_tmdb: FakeTmdb) -> None:
    events = RecordingEvents()
    client = TmdbClient(base_url=fake_tmdb.base_url, api_key=API_KEY, events=events, backoff=0.01)
    fake_tmdb.inject("429", retry_after=0.2)
    assert client.get_json("movie/popular")["results"]
    client.close()
    assert fake_tmdb.requests("movie/popular") == 2
    arrivals = [a.at for a in fake_tmdb.arrivals]
    assert arrivals[1] - arrivals[0] >= 0.2  # Retry-After was honoured
    assert [c["status"] for c in events.api_calls()] == [429, 200]


def test_a_long_retry_after_is_a_rate_limited_error(
    client: TmdbClient, fake_tmdb: FakeTmdb
) -> None:
    fake_tmdb.inject("429", retry_after=120)
    with pytest.raises(RateLimited) as caught:
        client.get_json("movie/popular")
    assert caught.value.retry_after == 120
    assert fake_tmdb.requests() == 1


@pytest.mark.parametrize("fault", ["500", "503", "drop"])
def test_server_errors_and_dropped_connections_are_retried(
    client: TmdbClient, fake_tmdb: FakeTmdb, fault: str
) -> None:
    fake_tmdb.inject(fault, times=2)
    assert client.get_json("movie/popular")["page"] == 1
    assert fake_tmdb.requests() == 3


def test_slow_answers_time_out_and_are_retried(fake_tmdb: FakeTmdb) -> None:
    client = TmdbClient(base_url=fake_tmdb.base_url, api_key=API_KEY, timeout=0.3, backoff=0.01)
    fake_tmdb.inject("slow", seconds=1.0)
    assert client.get_json("movie/popular")["page"] == 1
    client.close()
    assert fake_tmdb.requests() == 2


@pytest.mark.parametrize(
    ("fault", "message"),
    [("503", "HTTP 503"), ("drop", "could not be reached"), ("slow", "did not answer in time")],
)
def test_when_retries_run_out_the_error_is_typed(
    fake_tmdb: FakeTmdb, fault: str, message: str
) -> None:
    client = TmdbClient(base_url=fake_tmdb.base_url, api_key=API_KEY, retries=2, timeout=0.3)
    fake_tmdb.inject(fault, times=10, seconds=1.0)
    with pytest.raises(UpstreamUnavailable, match=message):
        client.get_json("movie/popular")
    client.close()
    assert fake_tmdb.requests() == 3


@pytest.mark.parametrize(("fault", "outcome"), [("drop", "connection_error"), ("slow", "timeout")])
def test_no_response_is_recorded_as_status_0_with_the_reason(
    fake_tmdb: FakeTmdb, fault: str, outcome: str
) -> None:
    events = RecordingEvents()
    client = TmdbClient(
        base_url=fake_tmdb.base_url, api_key=API_KEY, events=events, retries=0, timeout=0.3
    )
    fake_tmdb.inject(fault, seconds=1.0)
    with pytest.raises(UpstreamUnavailable):
        client.get_json("movie/popular")
    client.close()
    [call] = events.api_calls()
    assert (call["status"], call["outcome"]) == (0, outcome)


def test_malformed_json_is_upstream_unavailable(client: TmdbClient, fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.inject("malformed")
    with pytest.raises(UpstreamUnavailable, match="not valid JSON"):
        client.get_json("movie/popular")


def test_404_is_not_found_without_retry(client: TmdbClient, fake_tmdb: FakeTmdb) -> None:
    with pytest.raises(NotFound):
        client.get_json("movie/999999999")
    assert fake_tmdb.requests() == 1


def test_other_4xx_is_upstream_unavailable(client: TmdbClient, fake_tmdb: FakeTmdb) -> None:
    with pytest.raises(UpstreamUnavailable, match="HTTP 400"):
        client.get_json("movie/popular", {"page": 501})
    assert fake_tmdb.requests() == 1


def test_each_request_is_one_log_line_and_one_event(
    fake_tmdb: FakeTmdb, caplog: pytest.LogCaptureFixture
) -> None:
    events = RecordingEvents()
    client = TmdbClient(base_url=fake_tmdb.base_url, api_key=API_KEY, events=events, backoff=0.01)
    fake_tmdb.inject("503")
    with caplog.at_level(logging.INFO):
        client.get_json("movie/550", {"append_to_response": "credits"})
    client.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "reelmatch.tmdb"]
    assert len(lines) == 2
    assert lines[0].startswith("tmdb_request endpoint=movie/{id} status=503")
    assert all(API_KEY not in r.getMessage() for r in caplog.records)
    calls = events.api_calls()
    assert [(c["service"], c["endpoint"], c["status"], c["cache"]) for c in calls] == [
        ("tmdb", "movie/{id}", 503, "miss"),
        ("tmdb", "movie/{id}", 200, "miss"),
    ]
    assert all(c["latency_ms"] >= 0 for c in calls)


@pytest.mark.parametrize(
    ("endpoint", "template"),
    [
        ("movie/550", "movie/{id}"),
        ("find/tt0137523", "find/{id}"),
        ("movie/popular", "movie/popular"),
    ],
)
def test_endpoint_template(endpoint: str, template: str) -> None:
    assert endpoint_template(endpoint) == template


@pytest.mark.parametrize(
    ("header", "seconds"), [(None, 1.0), ("3", 3.0), ("-1", 0.0), ("soon", 1.0)]
)
def test_retry_after_header(header: str | None, seconds: float) -> None:
    assert retry_after_seconds(header) == seconds
