"""A small, hand-written week of activity whose every number the tests compute by hand.

The period under test is 2026-03-01..07 (UTC); the previous period is 2026-02-22..28.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import insert, update

from reelmatch.bootstrap import Services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.domain import User
from reelmatch.store.models import (
    RecommendationItemRow,
    RecommendationRunRow,
    UserMovieRow,
    UserRow,
    WatchRow,
)
from reelmatch.store.repositories.events import QueuedEvent, event_values
from reelmatch.store.uow import UnitOfWork

MOVIES = (238, 155, 680, 13)  # The Godfather, The Dark Knight, Pulp Fiction, Forrest Gump


def at(day: int, hour: int = 12, minute: int = 0, *, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Week:
    admin: User
    u1: User
    u2: User
    u3: User


def add_events(services: Services, events: list[tuple[Any, ...]]) -> None:
    """(ts, kind, user or None, duration_ms, properties) rows, written as the recorder would."""
    rows = [
        event_values(QueuedEvent(ts, kind, user.id if user else None, ms, props))
        for ts, kind, user, ms, props in events
    ]
    with UnitOfWork(services.database) as uow:
        uow.events.insert_many(rows)
        uow.commit()


def _user(services: Services, name: str, created: datetime, role: str = "user") -> User:
    user = services.users.create_user(username=name, password="a long password", role=role)
    with UnitOfWork(services.database) as uow:
        uow.session.execute(update(UserRow).where(UserRow.id == user.id).values(created_at=created))
        uow.commit()
    return services.users.get_user(name)


@pytest.fixture
def week(services: Services, offline_catalog: OfflineCatalog) -> Week:
    people = Week(
        admin=_user(services, "boss", at(1, month=1), role="admin"),
        u1=_user(services, "uno", at(2, 10)),
        u2=_user(services, "dos", at(5, 23, 30)),
        u3=_user(services, "tres", at(25, month=2)),
    )
    with UnitOfWork(services.database) as uow:
        uow.movies.upsert_many(offline_catalog.movies(list(MOVIES)))
        _library(uow, people)
        _recommendations(uow, people)
        uow.commit()
    add_events(services, _events(people))
    return people


def _events(w: Week) -> list[tuple[Any, ...]]:
    tmdb = {"service": "tmdb", "endpoint": "/movie/{id}", "cache_kind": "movie"}
    return [
        # the current period
        (at(2, 10, 0), "login", w.u1, None, {}),
        (at(2, 10, 1), "page_view", w.u1, 100.0, {"page": "Discover"}),
        (at(2, 10, 5), "rating_set", w.u1, None, {"movie_id": 238, "rating": 5.0}),
        (at(2, 10, 6), "watchlist_add", w.u1, None, {"movie_id": 680}),
        (at(3, 9, 0), "page_view", w.u1, 300.0, {"page": "Discover"}),
        (at(3, 9, 1), "search", w.u1, None, {"query_length": 9, "results": 3}),
        (at(3, 9, 2), "api_call", None, 100.0, {**tmdb, "status": 200, "cache": "miss"}),
        (at(3, 9, 3), "api_call", None, 1.0, {**tmdb, "status": 200, "cache": "hit"}),
        (at(3, 9, 4), "api_call", None, 20.0, {**tmdb, "status": 429, "cache": "miss"}),
        (at(3, 9, 5), "api_call", None, 300.0, {**tmdb, "status": 200, "cache": "miss"}),
        (
            at(3, 9, 6),
            "api_call",
            None,
            5000.0,
            {
                "service": "tmdb",
                "endpoint": "/search/movie",
                "status": 0,
                "cache": "miss",
                "cache_kind": "search",
            },
        ),
        (
            at(3, 9, 7),
            "api_call",
            None,
            800.0,
            {"service": "openai", "endpoint": "/chat/completions", "status": 200},
        ),
        (at(4, 8), "ai_usage", w.u1, None, {"model": "m", "tokens": 1000, "cost_usd": 0.002}),
        (at(4, 9), "error", None, None, {"where": "discover", "type": "UpstreamUnavailable"}),
        (at(5, 8), "ai_usage", None, None, {"model": "m", "tokens": 500, "cost_usd": 0.001}),
        (at(5, 23, 45), "login", w.u2, None, {}),
        (at(5, 23, 50), "page_view", w.u2, 50.0, {"page": "Library"}),
        (at(6, 0, 10), "watchlist_add", w.u2, None, {"movie_id": 155}),
        (at(6, 0, 20), "rating_set", w.u2, None, {"movie_id": 155, "rating": 4.0}),
        # the previous period
        (at(25, month=2), "login", w.u3, None, {}),
        (at(26, month=2), "page_view", w.u3, 200.0, {"page": "Discover"}),
        (at(26, 13, month=2), "watchlist_add", w.u3, None, {"movie_id": 13}),
        (at(27, month=2), "api_call", None, 50.0, {**tmdb, "status": 200, "cache": "miss"}),
    ]


def _library(uow: UnitOfWork, w: Week) -> None:
    def rating(user: User, movie: int, stars: float, when: datetime) -> dict[str, Any]:
        return {
            "user_id": user.id,
            "movie_id": movie,
            "rating": stars,
            "on_watchlist": False,
            "added_at": when,
            "updated_at": when,
            "rated_at": when,
        }

    uow.session.execute(
        insert(UserMovieRow),
        [
            rating(w.u1, 238, 5.0, at(2, 10, 5)),
            rating(w.admin, 238, 4.0, at(3)),
            rating(w.u2, 155, 4.0, at(6, 0, 20)),
            rating(w.u3, 13, 3.0, at(26, month=2)),
        ],
    )
    uow.session.execute(
        insert(WatchRow),
        [
            # exactly 30 days after the watchlist add (UTC day): converted
            {"user_id": w.u1.id, "movie_id": 680, "watched_on": date(2026, 4, 1)},
            # 30 days after Mar 6 (UTC), 31 after Mar 5 (New York): depends on the zone
            {"user_id": w.u2.id, "movie_id": 155, "watched_on": date(2026, 4, 5)},
        ],
    )


def _recommendations(uow: UnitOfWork, w: Week) -> None:
    runs = [
        ("local", 0.0, at(3), [("up", None, True), (None, "watched", True), (None, None, True),
                               ("up", None, False)]),
        ("ai", 0.01, at(4), [("up", None, True), ("down", None, True)]),
        ("ai", 0.02, at(27, month=2), [(None, None, True)]),
    ]  # fmt: skip
    for engine, cost, when, items in runs:
        run_id = uow.session.execute(
            insert(RecommendationRunRow)
            .values(user_id=w.u1.id, engine=engine, cost_usd=cost, created_at=when)
            .returning(RecommendationRunRow.id)
        ).scalar_one()
        for rank, (feedback, converted, shown) in enumerate(items):
            uow.session.execute(
                insert(RecommendationItemRow).values(
                    run_id=run_id,
                    user_id=w.u1.id,
                    movie_id=MOVIES[rank],
                    rank=rank,
                    score=1.0,
                    source=engine,
                    shown_at=when if shown else None,
                    feedback=feedback,
                    converted=converted,
                )
            )
