"""Each page alone (tests/support/pages.py) with real services on a temp SQLite database and the
offline catalog."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.events import PAGE_VIEW
from reelmatch.store.models import EventRow
from reelmatch.store.uow import UnitOfWork
from reelmatch.ui import routing
from reelmatch.ui.shell import PAGES
from tests.support.pages import page_app
from tests.ui.conftest import texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_discover_shows_a_grid_of_cards(services: Services, alice: User) -> None:
    at = page_app(routing.DISCOVER, services, alice)
    assert not at.exception
    assert [t.value for t in at.title] == ["Discover"]
    assert len([b for b in at.button if b.label == "Watchlist"]) == 20
    assert "Load more" in [b.label for b in at.button]


def test_discover_watchlist_button_is_one_click(services: Services, alice: User) -> None:
    at = page_app(routing.DISCOVER, services, alice)
    at.button[0].click().run()  # the first card's Watchlist button
    assert not at.exception
    assert len(services.library.library(alice).watchlist) == 1
    assert "On watchlist" in [b.label for b in at.button]
    assert "Added to your watchlist." in [t.proto.body for t in at.toast]


def test_load_more_adds_a_page(services: Services, alice: User) -> None:
    at = page_app(routing.DISCOVER, services, alice)
    _button(at, "Load more").click().run()
    assert len([b for b in at.button if b.label in ("Watchlist", "On watchlist")]) == 40


def test_discover_filters_search_the_whole_catalog(services: Services, alice: User) -> None:
    at = page_app(routing.DISCOVER, services, alice)
    next(m for m in at.multiselect if m.label == "Genres").select("Animation").run()
    assert not at.exception
    assert "Filtered across the whole catalog." in texts(at)
    assert len([b for b in at.button if b.label == "Watchlist"]) == 20
    assert "Spirited Away \\(2001\\)" in [link.proto.label for link in at.get("page_link")]


def test_search_tolerates_typos(services: Services, alice: User) -> None:
    at = page_app(routing.SEARCH, services, alice)
    at.text_input[0].input("godfater").run()
    assert not at.exception
    assert "The Godfather \\(1972\\)" in [link.proto.label for link in at.get("page_link")]
    assert {link.proto.page for link in at.get("page_link")} == {"movie"}


def test_search_with_nothing_found_says_so(services: Services, alice: User) -> None:
    at = page_app(routing.SEARCH, services, alice)
    at.text_input[0].input("zzzzqqqqxxxx").run()
    assert "Nothing found" in texts(at)


def _stars(at):  # type: ignore[no-untyped-def]
    (control,) = at.segmented_control
    return control


def test_movie_page_and_rating(services: Services, alice: User) -> None:
    """One click rates, another value changes it, the same value again clears it."""
    at = page_app(routing.MOVIE, services, alice, id="238")
    assert not at.exception
    assert "The Godfather \\(1972\\)" in [t.value for t in at.title]
    assert _stars(at).value is None  # empty until rated (it used to read 3★)
    assert _stars(at).options == [
        "½", "1", "1½", "2", "2½", "3", "3½", "4", "4½", "5"
    ]  # fmt: skip
    assert "Not rated yet: one click rates." in texts(at)
    assert services.library.library(alice).ratings == ()

    _stars(at).set_value(4.5).run()
    assert not at.exception
    ratings = services.library.library(alice).ratings
    assert [(e.movie.id, e.rating) for e in ratings] == [(238, 4.5)]
    assert "You rated it 4.5★. Click it again to clear." in texts(at)
    assert "Rated The Godfather 4½★." in [t.proto.body for t in at.toast]
    assert _stars(at).value == 4.5

    _stars(at).set_value(0.5).run()
    assert [e.rating for e in services.library.library(alice).ratings] == [0.5]
    assert _stars(at).value == 0.5

    _stars(at).set_value(None).run()  # clicking the chosen step again deselects it
    assert not at.exception
    assert services.library.library(alice).ratings == ()
    assert _stars(at).value is None
    assert "Cleared your rating of The Godfather." in [t.proto.body for t in at.toast]


def test_the_control_shows_a_rating_made_elsewhere(services: Services, alice: User) -> None:
    at = page_app(routing.MOVIE, services, alice, id="238")
    services.library.rate_movie(alice, 238, 3.5)  # another tab, an import …
    at.run()
    assert _stars(at).value == 3.5


def test_movie_page_logs_a_watch(services: Services, alice: User) -> None:
    at = page_app(routing.MOVIE, services, alice, id="680")
    at.text_area[0].input("Still great")
    _button(at, "Log it").click().run()
    assert not at.exception
    diary = services.library.library(alice).diary
    assert [(d.movie.id, d.note) for d in diary] == [(680, "Still great")]


@pytest.mark.parametrize("movie_id", ["abc", "-1", "", "99999999999"])
def test_movie_page_with_a_bad_id_shows_an_empty_state(
    services: Services, alice: User, movie_id: str
) -> None:
    at = page_app(routing.MOVIE, services, alice, id=movie_id)
    assert not at.exception
    assert "Pick a movie" in texts(at)
    assert [link.proto.page for link in at.get("page_link")] == [""]  # to Discover, at /
    assert any("not endorsed or certified by TMDB" in c.value for c in at.caption)


def test_movie_page_with_an_unknown_id_is_a_message(services: Services, alice: User) -> None:
    at = page_app(routing.MOVIE, services, alice, id="999999999")
    assert not at.exception
    assert "No movie with TMDB id 999999999" in texts(at)


def test_library_counts_and_tabs(services: Services, alice: User) -> None:
    services.library.rate_movie(alice, 238, 5)
    services.library.add_to_watchlist(alice, 603)
    services.library.log_watch(alice, 238, note="![pixel](http://example.invalid/x.png)")
    at = page_app(routing.LIBRARY, services, alice)
    assert not at.exception
    assert [m.value for m in at.metric] == ["1", "1", "1"]
    assert "\\!\\[pixel\\]" in texts(at)  # a note is shown as text, never as an image


def test_library_watchlist_watched_it(services: Services, alice: User) -> None:
    services.library.add_to_watchlist(alice, 603)
    at = page_app(routing.LIBRARY, services, alice)
    _button(at, "Watched it").click().run()
    assert not at.exception
    library = services.library.library(alice)
    assert [d.movie.id for d in library.diary] == [603]
    assert library.watchlist == ()  # watched: off the list, so no second click logs it twice
    assert not [b for b in at.button if b.label == "Watched it"]


def test_library_watchlist_buttons_act_on_their_own_row(services: Services, alice: User) -> None:
    for movie_id in (603, 680, 238):
        services.library.add_to_watchlist(alice, movie_id)
    at = page_app(routing.LIBRARY, services, alice)
    next(b for b in at.button if b.key == "wl-remove-680").click().run()
    assert not at.exception
    assert sorted(e.movie.id for e in services.library.library(alice).watchlist) == [238, 603]


def test_empty_library_says_what_to_do(services: Services, alice: User) -> None:
    at = page_app(routing.LIBRARY, services, alice)
    assert "You have not rated anything yet" in texts(at)


def test_settings_saves_preferences(services: Services, alice: User) -> None:
    at = page_app(routing.SETTINGS, services, alice)
    assert not at.exception
    favourite = next(m for m in at.multiselect if m.label == "Favourite genres")
    favourite.set_value(["Drama"])
    region = next(s for s in at.selectbox if s.label.startswith("Region"))
    region.set_value("DE")
    next(s for s in at.selectbox if s.label == "Language").set_value("de")
    assert "The offline catalog (no TMDB key) is English-only" in texts(at)
    _button(at, "Save preferences").click().run()
    assert not at.exception
    saved = services.users.preferences(alice)
    assert saved.favourite_genres == ("Drama",)
    assert (saved.region, saved.language) == ("DE", "de")


def test_settings_changes_the_password(services: Services, alice: User) -> None:
    at = page_app(routing.SETTINGS, services, alice)
    fields = {t.label: t for t in at.text_input}
    fields["Current password"].input("alice-password")
    fields["New password"].input("a-new-password")
    fields["Repeat new password"].input("a-new-password")
    _button(at, "Change password").click().run()
    assert not at.exception
    assert "Password changed." in texts(at)
    assert services.users.authenticate("alice", "a-new-password") is not None


def test_status_page_for_an_admin(services: Services) -> None:
    admin = services.users.create_user(username="root", password="root-password", role="admin")
    at = page_app(routing.STATUS, services, admin)
    assert not at.exception
    shown = texts(at)
    assert "Database" in shown
    assert "offline catalog" in shown
    [events] = [line for line in shown.splitlines() if "**Events**" in line]
    assert "0 dropped" in events  # the queue of the services the page was given
    assert "events stored in the last 24 h" in events


@pytest.mark.parametrize("route", [routing.STATUS, routing.ANALYTICS])
def test_admin_pages_refuse_anyone_else(
    services: Services, alice: User, route: routing.Route
) -> None:
    at = page_app(route, services, alice)  # as if anything ran it for her
    assert not at.exception
    assert "This page is for admins." in texts(at)
    assert [t.value for t in at.title] == []
    assert not at.metric
    assert any("not endorsed or certified by TMDB" in c.value for c in at.caption)


@pytest.mark.parametrize(("route", "render"), PAGES, ids=[r.url_path for r, _ in PAGES])
def test_every_page_records_one_view_and_has_the_tmdb_notice(
    services: Services, route: routing.Route, render: object
) -> None:
    admin = services.users.create_user(username="root", password="root-password", role="admin")
    at = page_app(route, services, admin)  # movie without an id ends in st.stop()
    assert not at.exception, route
    assert any("not endorsed or certified by TMDB" in c.value for c in at.caption), route
    assert _stored(services, PAGE_VIEW) == [(route.title, admin.id)]


def _stored(services: Services, kind: str) -> list[tuple[str | None, int | None]]:
    services.events.flush()
    with UnitOfWork(services.database, read_only=True) as uow:
        rows = uow.session.scalars(select(EventRow).where(EventRow.kind == kind))
        return [(row.subject, row.user_id) for row in rows]


def test_status_page_shows_the_jobs(services: Services) -> None:
    admin = services.users.create_user(username="root", password="root-password", role="admin")
    at = page_app(routing.STATUS, services, admin)
    assert not at.exception
    assert "Jobs" in [header.value for header in at.subheader]
    jobs = at.dataframe[0].value
    assert list(jobs["job"]) == ["metadata_refresh", "train_model", "prune_events",
                                 "prune_sandboxes", "rollup_events", "warm_cache",
                                 "recommend_chunk"]  # fmt: skip
    assert set(jobs.columns) >= {"queued", "running", "retrying", "failed", "last error"}
    assert int(jobs["failed"].sum()) == 0
