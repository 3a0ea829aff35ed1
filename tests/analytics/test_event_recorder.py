"""The batching recorder: what it writes, when it writes, and what happens when it cannot."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from reelmatch.bootstrap import Services
from reelmatch.events import timed_event
from reelmatch.services.event_recorder import EventRecorder
from reelmatch.store.database import Database
from reelmatch.store.migrate import upgrade
from reelmatch.store.models import EventRow
from tests.support.services import truncate_all
from tests.support.tcp_proxy import tcp_proxy


def _events(database: Database) -> list[EventRow]:
    with database.session(read_only=True) as session:
        return list(session.scalars(select(EventRow).order_by(EventRow.id)))


def _eventually(condition: Any, *, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    database = Database.from_url(db_url)
    yield database
    database.dispose()


def test_promoted_properties_become_columns(database: Database) -> None:
    recorder = EventRecorder(database.unit_of_work, start=False)
    recorder.record(
        "api_call",
        service="tmdb",
        endpoint="/movie/{id}",
        status=429,
        cache="miss",
        latency_ms=12.5,
        attempt=2,
    )
    recorder.record("ai_usage", model="gpt-4o-mini", prompt_tokens=100, completion_tokens=20)
    recorder.record("page_view", page="Discover", duration_ms=40.0)
    assert recorder.flush() == 3
    api, ai, page = _events(database)
    assert (api.kind, api.service, api.subject, api.status, api.cache) == (
        "api_call",
        "tmdb",
        "/movie/{id}",
        429,
        "miss",
    )
    assert api.duration_ms == 12.5
    assert api.properties == {"attempt": 2}
    assert (ai.subject, ai.tokens) == ("gpt-4o-mini", 120)
    assert (page.subject, page.duration_ms) == ("Discover", 40.0)
    assert page.ts.tzinfo is not None


def test_odd_values_are_stored_not_fatal(database: Database) -> None:
    recorder = EventRecorder(database.unit_of_work, start=False)
    recorder.record("search", query=object(), results=float("nan"), status="x", tokens=2**40)
    recorder.record("search", query="ok")
    assert recorder.flush() == 2
    odd, plain = _events(database)
    assert odd.properties["query"].startswith("<object object")
    assert odd.status is None
    assert odd.tokens is None
    assert plain.properties == {"query": "ok"}


def test_the_background_thread_writes_a_full_batch(database: Database) -> None:
    recorder = EventRecorder(database.unit_of_work, batch_size=5, flush_interval=60)
    try:
        for _ in range(5):
            recorder.record("search", query="alien")
        assert _eventually(lambda: len(_events(database)) == 5)
        assert recorder.health().written == 5
    finally:
        recorder.close()


def test_the_background_thread_writes_every_interval(database: Database) -> None:
    recorder = EventRecorder(database.unit_of_work, batch_size=100, flush_interval=0.05)
    try:
        recorder.record("login")
        assert _eventually(lambda: len(_events(database)) == 1)
        assert recorder.health().last_flush_at is not None
    finally:
        recorder.close()


def test_close_writes_what_is_queued(database: Database) -> None:
    recorder = EventRecorder(database.unit_of_work, flush_interval=3600)
    for index in range(7):
        recorder.record("page_view", page=f"p{index}")
    recorder.close()
    assert [e.subject for e in _events(database)] == [f"p{i}" for i in range(7)]
    assert recorder.health().running is False


def test_services_close_flushes_library_events(services: Services) -> None:
    user = services.users.create_user(username="rita", password="a long password")
    services.library.rate_movie(user, 238, 4.5)
    services.library.add_to_watchlist(user, 680)
    database = services.database
    services.close()
    rows = [(e.kind, e.user_id, e.movie_id) for e in _events(database)]
    assert rows == [("rating_set", user.id, 238), ("watchlist_add", user.id, 680)]


def test_a_full_queue_drops_and_counts(database: Database) -> None:
    recorder = EventRecorder(database.unit_of_work, capacity=10, start=False)
    for _ in range(15):
        recorder.record("search")
    health = recorder.health()
    assert (health.queued, health.dropped) == (10, 5)
    assert recorder.flush() == 10
    assert recorder.health().queued == 0


def test_events_of_a_deleted_user_are_dropped_not_blocking(services: Services) -> None:
    keep = services.users.create_user(username="keep", password="a long password")
    gone = services.users.create_user(username="gone", password="a long password")
    recorder = EventRecorder(services.database.unit_of_work, start=False)
    recorder.record("login", user_id=keep.id)
    recorder.record("login", user_id=gone.id)
    recorder.record("login")
    services.users.delete_user(gone)
    assert recorder.flush() == 3  # the batch went through
    assert [e.user_id for e in _events(services.database)] == [keep.id, None]
    assert recorder.health().dropped == 1


def test_missing_table_keeps_events_until_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'later.db'}"
    database = Database.from_url(url)
    recorder = EventRecorder(database.unit_of_work, start=False)
    try:
        recorder.record("login")
        assert recorder.flush() == 0
        health = recorder.health()
        assert (health.queued, health.dropped) == (1, 0)
        assert health.last_error is not None
        assert "OperationalError" in health.last_error
        upgrade(url)
        assert recorder.flush() == 1
        assert recorder.health().last_error is None
        assert len(_events(database)) == 1
    finally:
        recorder.close()
        database.dispose()


@pytest.fixture
def postgres_url(postgres_schema_url: str) -> Iterator[str]:
    yield postgres_schema_url
    truncate_all(postgres_schema_url)


@pytest.mark.postgres
def test_recording_survives_a_database_outage(postgres_url: str) -> None:
    """A TCP proxy in front of PostgreSQL goes down, then hangs, then comes back."""
    parsed = make_url(postgres_url)
    with tcp_proxy(parsed.host or "127.0.0.1", parsed.port or 5432) as proxy:
        proxied = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )
        database = Database.from_url(proxied)
        recorder = EventRecorder(database.unit_of_work, batch_size=10, flush_interval=0.05)
        try:
            _record_through_outage(recorder, proxy)
        finally:
            recorder.close()
            database.dispose()
    direct = Database.from_url(postgres_url)
    try:
        assert len(_events(direct)) == 80
    finally:
        direct.dispose()


def _record_through_outage(recorder: EventRecorder, proxy: Any) -> None:
    for _ in range(20):
        recorder.record("search", query="before")
    assert _eventually(lambda: recorder.health().written == 20)
    proxy.set_mode("down")
    for _ in range(30):
        recorder.record("search", query="during")
    assert _eventually(lambda: recorder.health().last_error is not None)
    proxy.set_mode("hang")  # the writer is now stuck on the network; recording is not
    for _ in range(30):
        recorder.record("search", query="stuck")
    assert recorder.health().queued == 60
    proxy.set_mode("up")
    assert _eventually(lambda: recorder.health().written == 80)
    health = recorder.health()
    assert (health.queued, health.dropped, health.last_error) == (0, 0, None)


class _ListSink:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def record(self, kind: str, **values: Any) -> None:
        self.events.append((kind, values))


def test_timed_event_records_duration_even_on_error() -> None:
    sink = _ListSink()
    with timed_event(sink, "page_view", user_id=3, page="Discover") as extra:
        extra["results"] = 20
    with pytest.raises(ValueError, match="boom"), timed_event(sink, "page_view", page="Movie"):
        raise ValueError("boom")
    (kind, first), (_, second) = sink.events
    assert kind == "page_view"
    assert (first["user_id"], first["page"], first["results"]) == (3, "Discover", 20)
    assert first["duration_ms"] >= 0
    assert second["page"] == "Movie"


class _StartOver(BaseException):
    """Stands in for a control-flow exception such as Streamlit's rerun."""


def test_timed_event_skips_the_exceptions_it_is_told_to() -> None:
    sink = _ListSink()
    with pytest.raises(_StartOver), timed_event(sink, "page_view", unless=(_StartOver,)):
        raise _StartOver
    assert sink.events == []
    with pytest.raises(KeyboardInterrupt), timed_event(sink, "page_view", unless=(_StartOver,)):
        raise KeyboardInterrupt
    assert [kind for kind, _ in sink.events] == ["page_view"]
