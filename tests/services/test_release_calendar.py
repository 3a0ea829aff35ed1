"""The release calendar on the real services against the fake TMDB: watchlist movies with a
future theatrical or digital date in the user's region, and the `.ics` built from them."""

from __future__ import annotations

from datetime import date

import icalendar
import pytest

from reelmatch.bootstrap import Services
from reelmatch.catalog.offline import bundled_snapshot
from reelmatch.domain import Preferences
from reelmatch.services.release_calendar import ReleaseCalendarService, to_ics
from tests.support.fake_tmdb import FakeTmdb, fake_tmdb, tmdb_server
from tests.support.live import live

__all__ = ["fake_tmdb", "live", "tmdb_server"]

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
FIGHT_CLUB, AVATAR, INCEPTION = 550, 19995, 27205
TODAY = date(2026, 12, 5)


def _dates(region: str, *rows: tuple[str, int]) -> dict[str, object]:
    return {
        "iso_3166_1": region,
        "release_dates": [{"release_date": f"{d}T00:00:00.000Z", "type": t} for d, t in rows],
    }


def _calendar(live: Services) -> ReleaseCalendarService:
    users = live.users
    return ReleaseCalendarService(
        live.catalog,
        live.library.library,
        lambda user: users.preferences(user).region,
        today=lambda: TODAY,
    )


@SQLITE
def test_future_dates_of_the_watchlist_in_the_users_region(
    live: Services, fake_tmdb: FakeTmdb
) -> None:
    fake_tmdb.release_dates[FIGHT_CLUB] = [
        _dates("FR", ("2026-12-18", 3), ("2027-02-01", 4), ("2026-11-01", 3), ("2027-01-01", 1)),
        _dates("US", ("2026-12-10", 3)),
    ]
    fake_tmdb.release_dates[INCEPTION] = [_dates("FR", ("2026-12-05", 2))]
    fake_tmdb.release_dates[AVATAR] = [_dates("FR", ("2027-03-01", 3))]  # not on the watchlist
    amelie = live.users.create_user(username="amelie", password="password1")
    live.users.save_preferences(amelie, Preferences(region="FR"))
    live.library.add_to_watchlist(amelie, FIGHT_CLUB)
    live.library.add_to_watchlist(amelie, INCEPTION)

    found = _calendar(live).upcoming(amelie)

    assert [(e.movie.id, e.on.isoformat(), e.kind) for e in found] == [
        (INCEPTION, "2026-12-05", "theatrical"),
        (FIGHT_CLUB, "2026-12-18", "theatrical"),
        (FIGHT_CLUB, "2027-02-01", "digital"),
    ]
    requests = fake_tmdb.requests(f"movie/{FIGHT_CLUB}/release_dates")
    _calendar(live).upcoming(amelie)  # the second look is served from the cache
    assert fake_tmdb.requests(f"movie/{FIGHT_CLUB}/release_dates") == requests == 1

    parsed = icalendar.Calendar.from_ical(to_ics(found))
    events = list(parsed.walk("VEVENT"))
    assert [(str(e["summary"]), e.decoded("dtstart")) for e in events] == [
        ("Inception (theatrical release)", date(2026, 12, 5)),
        ("Fight Club (theatrical release)", date(2026, 12, 18)),
        ("Fight Club (digital release)", date(2027, 2, 1)),
    ]


@SQLITE
def test_a_region_switch_reads_the_cached_answer_of_the_movie(
    live: Services, fake_tmdb: FakeTmdb
) -> None:
    fake_tmdb.release_dates[FIGHT_CLUB] = [
        _dates("FR", ("2026-12-18", 3)),
        _dates("US", ("2026-12-10", 3)),
    ]
    amelie = live.users.create_user(username="amelie", password="password1")
    live.library.add_to_watchlist(amelie, FIGHT_CLUB)
    live.users.save_preferences(amelie, Preferences(region="FR"))
    assert [e.on.isoformat() for e in _calendar(live).upcoming(amelie)] == ["2026-12-18"]

    live.users.save_preferences(amelie, Preferences(region="US"))

    assert [e.on.isoformat() for e in _calendar(live).upcoming(amelie)] == ["2026-12-10"]
    assert fake_tmdb.requests(f"movie/{FIGHT_CLUB}/release_dates") == 1


@SQLITE
def test_no_region_means_us_and_unknown_movies_have_no_dates(
    live: Services, fake_tmdb: FakeTmdb
) -> None:
    fake_tmdb.release_dates[FIGHT_CLUB] = [_dates("US", ("2026-12-10", 4))]
    bob = live.users.create_user(username="bob", password="password1")
    live.library.add_to_watchlist(bob, FIGHT_CLUB)
    live.library.add_to_watchlist(bob, AVATAR)  # the fake answers 404 for its release dates

    assert [(e.movie.id, e.kind) for e in _calendar(live).upcoming(bob)] == [
        (FIGHT_CLUB, "digital")
    ]


def test_the_offline_snapshot_has_no_future_dates() -> None:
    catalog = bundled_snapshot()
    assert catalog.release_dates(FIGHT_CLUB, "US") == []
