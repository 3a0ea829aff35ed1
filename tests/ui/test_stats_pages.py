"""The Analytics (admins) and My stats pages alone, with real services on a temp SQLite database.

Charts are `UnknownElement`s under AppTest; their data is checked in tests/analytics. Here:
what each person may open, the tiles, the tables beside the charts, the viewer's time zone,
and the nudge's one-click rating.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.domain import Preferences, User
from reelmatch.events import ERROR
from reelmatch.services.analytics import Period
from reelmatch.services.analytics.kpis import KPI_DEFINITIONS
from reelmatch.store.models import EventRow
from reelmatch.store.types import utcnow
from reelmatch.store.uow import UnitOfWork
from reelmatch.ui import routing
from reelmatch.ui.kpi_tiles import SHORT_LABELS
from reelmatch.ui.stats_view import NO_DIRECTORS
from tests.analytics.conftest import add_events
from tests.support.events import RecordingEvents
from tests.support.pages import page_app
from tests.ui.conftest import texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def admin(services: Services, app_env: str) -> User:
    return services.users.create_user(username="boss", password="boss-password", role="admin")


def _tables(at: AppTest) -> list[pd.DataFrame]:
    return [frame.value for frame in at.dataframe]


def _table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(t for t in _tables(at) if column in t.columns)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def analytics_page(services: Services, admin: User) -> AppTest:
    return page_app(routing.ANALYTICS, services, admin)


def _pick_range(at: AppTest, first: date, last: date) -> AppTest:
    at.segmented_control(key="an-range").set_value("Custom").run()
    at.date_input(key="an-dates").set_value((first, last)).run()
    return at


def test_admin_sees_tiles_tables_and_downloads(
    services: Services, admin: User, alice: User
) -> None:
    services.library.rate_movie(alice, 238, 4.5)
    services.library.add_to_watchlist(alice, 680)
    services.library.log_watch(alice, 680)
    services.events.flush()
    at = analytics_page(services, admin)
    assert not at.exception
    assert [t.value for t in at.title] == ["Analytics"]
    tiles = _metrics(at)
    assert set(tiles) == {SHORT_LABELS.get(key, label) for key, label, _ in KPI_DEFINITIONS}
    assert tiles["Ratings"] == "1"
    assert tiles["Watchlist adds"] == "1"
    assert tiles["Watchlist → watched"] == "100.0%"
    activity = _table_with(at, "active_users")
    assert len(activity) == 30  # the default range
    assert activity["ratings"].sum() == 1
    assert activity["watches"].sum() == 1
    movies = _table_with(at, "movie_id")
    assert list(movies["title"]) == ["The Godfather"]
    assert {b.label for b in at.get("download_button")} == {"Download CSV"}
    assert len(at.get("download_button")) == len(at.dataframe)
    assert [s.value for s in at.subheader][:3] == [
        "Active users per day",
        "Actions per day",
        "New users per day",
    ]
    assert _table_with(at, "new_users")["new_users"].sum() == 2  # alice and the admin


def test_the_range_presets_and_comparison(services: Services, admin: User, alice: User) -> None:
    services.library.rate_movie(alice, 238, 4.5)
    services.events.flush()
    at = analytics_page(services, admin)
    at.segmented_control(key="an-range").set_value("7 days").run()
    assert not at.exception
    assert len(_table_with(at, "active_users")) == 7
    assert any(m.proto.delta for m in at.metric)  # deltas against the previous 7 days
    at.toggle(key="an-compare").set_value(False).run()
    assert not any(m.proto.delta for m in at.metric)
    assert "compared with" not in texts(at)


def test_live_tiles_refresh_themselves(services: Services, admin: User) -> None:
    at = analytics_page(services, admin)
    at.toggle(key="an-live").set_value(True).run()
    assert not at.exception
    assert len(at.metric) == len(KPI_DEFINITIONS)
    assert "Live: updated at" in texts(at)


def test_a_quiet_range_says_what_is_going_on(services: Services, admin: User) -> None:
    at = _pick_range(analytics_page(services, admin), date(2020, 1, 1), date(2020, 1, 7))
    assert not at.exception
    assert "Nothing was recorded from 01 Jan to 07 Jan 2020" in texts(at)
    assert "a new server has none yet" in texts(at)
    assert "No ratings in these days." in texts(at)
    assert _metrics(at)["Ratings"] == "0"


def test_a_range_the_service_refuses_is_a_warning(services: Services, admin: User) -> None:
    at = _pick_range(analytics_page(services, admin), date(2020, 1, 1), date(2024, 1, 1))
    assert not at.exception
    assert "at most 800 days" in texts(at)


def test_days_are_the_viewers_local_days(services: Services, admin: User, alice: User) -> None:
    # Stored in UTC: Mar 6 00:10 UTC is still Mar 5 (19:10) in New York.
    late = datetime(2026, 3, 6, 0, 10, tzinfo=UTC)
    add_events(services, [(late, "watchlist_add", alice, None, {"movie_id": 155})])
    at = _pick_range(analytics_page(services, admin), date(2026, 3, 4), date(2026, 3, 7))
    adds = _table_with(at, "active_users").set_index("day")["watchlist_adds"]
    assert adds[date(2026, 3, 6)] == 1
    services.users.save_preferences(admin, Preferences(timezone="America/New_York"))
    at = _pick_range(analytics_page(services, admin), date(2026, 3, 4), date(2026, 3, 7))
    assert "America/New_York" in texts(at)
    adds = _table_with(at, "active_users").set_index("day")["watchlist_adds"]
    assert (adds[date(2026, 3, 5)], adds[date(2026, 3, 6)]) == (1, 0)


def test_page_views_reach_the_page_render_table(services: Services, admin: User) -> None:
    page_app(routing.LIBRARY, services, admin)
    discover = page_app(routing.DISCOVER, services, admin)
    discover.run()  # a rerun of the page is another view
    services.events.flush()
    at = analytics_page(services, admin)
    assert "Page render time" not in [s.value for s in at.subheader]  # another tab
    at.session_state["an-tab"] = "System health"  # what clicking the tab does
    at.run()
    pages = _table_with(at, "views").set_index("page")
    assert pages.loc["Library", "views"] == 1
    assert pages.loc["Discover", "views"] == 2
    assert (pages["p95_ms"] > 0).all()


def test_an_error_shown_on_a_page_is_counted(services: Services, admin: User) -> None:
    at = page_app(routing.MOVIE, services, admin, id="999999999")
    assert "No movie with TMDB id 999999999" in texts(at)  # shown by the one error display
    services.events.flush()
    with UnitOfWork(services.database, read_only=True) as uow:
        rows = uow.session.scalars(select(EventRow).where(EventRow.kind == "error"))
        errors = [(r.subject, r.user_id, r.properties) for r in rows]
    assert errors == [
        ("Movie", admin.id, {"type": "NotFound"})  # the page, the class; never the message
    ]
    kpis = {k.key: k.value for k in services.analytics.kpis(admin, Period.last(2))}
    assert kpis["errors"] == 1
    assert _metrics(analytics_page(services, admin))["Errors"] == "1"


class ErrorsFail(RecordingEvents):
    """Keeps every event but refuses `error` events."""

    def record(self, kind: str, **fields: Any) -> None:
        super().record(kind, **fields)
        if kind == ERROR:
            raise RuntimeError("the events table is gone")


def test_recording_an_error_never_breaks_the_page(
    services: Services, alice: User, offline_catalog: OfflineCatalog
) -> None:
    failing = ErrorsFail()
    with_failing = build_services(services.settings, catalog=offline_catalog, events=failing)
    at = page_app(routing.MOVIE, with_failing, alice, id="999999999")
    with_failing.close()
    assert not at.exception
    assert "No movie with TMDB id 999999999" in texts(at)
    assert [e.properties for e in failing.of_kind(ERROR)] == [
        {"where": "Movie", "type": "NotFound"}
    ]


def test_my_stats_shows_only_my_numbers(services: Services, alice: User) -> None:
    bob = services.users.create_user(username="bob", password="bob-password")
    for movie, stars in ((238, 5.0), (155, 3.0)):
        services.library.rate_movie(alice, movie, stars)
    for movie in (680, 13, 603):
        services.library.rate_movie(bob, movie, 1.0)
        services.library.log_watch(bob, movie)
    at = page_app(routing.MY_STATS, services, alice)
    assert not at.exception
    tiles = _metrics(at)
    assert (tiles["Ratings"], tiles["Average rating"], tiles["Films watched"]) == (
        "2",
        "4.00★",
        "0",
    )
    genres = _table_with(at, "genre")
    assert genres["ratings"].max() <= 2
    assert NO_DIRECTORS in [c.value for c in at.caption]  # the offline catalog has no credits
    assert not any("director" in t.columns for t in _tables(at))
    assert "Year in Review" in [h.value for h in at.header]
    this_year = Period.last(1).end.year
    assert at.selectbox(key="review-year").value == this_year
    assert f"Nothing logged or rated in {this_year}." not in texts(at)  # rated today


def test_my_stats_names_my_directors_when_credits_are_known(
    services: Services, offline_catalog: OfflineCatalog, alice: User
) -> None:
    with UnitOfWork(services.database) as uow:  # as if fetched from TMDB with credits
        uow.movies.upsert_many([replace(offline_catalog.movie(238), directors=("F. F. Coppola",))])
        uow.commit()
    services.library.rate_movie(alice, 238, 4.5)
    at = page_app(routing.MY_STATS, services, alice)
    assert not at.exception
    directors = _table_with(at, "director")
    assert directors.to_dict("list") == {
        "director": ["F. F. Coppola"],
        "ratings": [1],
        "average_rating": [4.5],
    }
    assert NO_DIRECTORS not in [c.value for c in at.caption]


def test_my_stats_for_a_newcomer(services: Services, alice: User) -> None:
    at = page_app(routing.MY_STATS, services, alice)
    assert not at.exception
    assert "Nothing to count yet" in texts(at)
    assert not at.metric
    assert any("not endorsed or certified by TMDB" in c.value for c in at.caption)


def test_the_nudge_rates_a_movie_in_one_click(services: Services, alice: User) -> None:
    services.library.log_watch(alice, 680, watched_on=utcnow().date())
    at = page_app(routing.MY_STATS, services, alice)
    assert "Rate what you watched recently" in [s.value for s in at.subheader]
    (stars,) = at.segmented_control
    assert stars.value is None
    stars.set_value(3.5).run()  # half stars here too
    assert not at.exception
    ratings = services.library.library(alice).ratings
    assert [(e.movie.id, e.rating) for e in ratings] == [(680, 3.5)]
    assert not at.segmented_control  # rated: no longer nudged
    assert "Rate what you watched recently" not in [s.value for s in at.subheader]
