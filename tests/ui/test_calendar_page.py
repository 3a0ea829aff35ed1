"""The Calendar page: live TMDB release dates of the watchlist, the `.ics` download, and the
offline snapshot's honest "no future dates"."""

from __future__ import annotations

import icalendar
import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import Preferences
from reelmatch.services.release_calendar import calendar_file
from reelmatch.ui import routing
from reelmatch.ui.calendar_view import NOTHING, OFFLINE
from tests.support.fake_tmdb import FakeTmdb
from tests.support.pages import page_app
from tests.ui.conftest import texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
FIGHT_CLUB = 550


def test_calendar_lists_future_releases_and_offers_an_ics(
    live: Services, fake_tmdb: FakeTmdb
) -> None:
    fake_tmdb.release_dates[FIGHT_CLUB] = [
        {
            "iso_3166_1": "GB",
            "release_dates": [
                {"release_date": "2040-03-07T00:00:00.000Z", "type": 3},
                {"release_date": "2001-01-01T00:00:00.000Z", "type": 3},
            ],
        }
    ]
    bob = live.users.create_user(username="bob", password="bob-password")
    live.users.save_preferences(bob, Preferences(region="GB"))
    live.library.add_to_watchlist(bob, FIGHT_CLUB)

    at = page_app(routing.CALENDAR, live, bob)

    assert not at.exception
    shown = texts(at)
    assert "March 2040" in shown
    assert "Fight Club" in shown
    assert "2001" not in shown
    (button,) = at.get("download_button")
    assert button.proto.label == "Download .ics"
    (event,) = icalendar.Calendar.from_ical(
        calendar_file(live.release_calendar.upcoming(bob)).content
    ).walk("VEVENT")
    assert str(event["summary"]) == "Fight Club (theatrical release)"


def test_empty_watchlist_says_so(live: Services, fake_tmdb: FakeTmdb) -> None:
    bob = live.users.create_user(username="bob", password="bob-password")
    at = page_app(routing.CALENDAR, live, bob)
    assert not at.exception
    assert NOTHING in texts(at)
    assert not at.get("download_button")


def test_offline_says_the_snapshot_has_no_future_dates(services: Services) -> None:
    bob = services.users.create_user(username="bob", password="bob-password")
    services.library.add_to_watchlist(bob, FIGHT_CLUB)
    at = page_app(routing.CALENDAR, services, bob)
    assert not at.exception
    assert OFFLINE in texts(at)
