"""Every page, logged in, against real services on a temp SQLite database (offline catalog)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from tests.ui.conftest import PAGES, logged_in, new_app, session_user, texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_discover_shows_a_grid_of_cards(alice: User) -> None:
    at = logged_in(alice)
    assert not at.exception
    assert [t.value for t in at.title] == ["Discover"]
    assert len([b for b in at.button if b.label == "Watchlist"]) == 20
    assert "Load more" in [b.label for b in at.button]


def test_discover_watchlist_button_is_one_click(services: Services, alice: User) -> None:
    at = logged_in(alice)
    at.button[0].click().run()  # the first card's Watchlist button
    assert not at.exception
    assert len(services.library.library(alice).watchlist) == 1
    assert "On watchlist" in [b.label for b in at.button]


def test_load_more_adds_a_page(alice: User) -> None:
    at = logged_in(alice)
    _button(at, "Load more").click().run()
    assert len([b for b in at.button if b.label in ("Watchlist", "On watchlist")]) == 40


def test_search_tolerates_typos(alice: User) -> None:
    at = logged_in(alice, page="search.py")
    at.text_input[0].input("godfater").run()
    assert not at.exception
    assert "The Godfather \\(1972\\)" in [link.label for link in at.get("page_link")] or any(
        "Godfather" in str(link.proto) for link in at.get("page_link")
    )


def test_search_with_nothing_found_says_so(alice: User) -> None:
    at = logged_in(alice, page="search.py")
    at.text_input[0].input("zzzzqqqqxxxx").run()
    assert "Nothing found" in texts(at)


def test_movie_page_and_rating(services: Services, alice: User) -> None:
    at = logged_in(alice, page="movie.py", id="238")
    assert not at.exception
    assert "The Godfather \\(1972\\)" in [t.value for t in at.title]
    at.select_slider[0].set_value(4.5)
    _button(at, "Save rating").click().run()
    assert not at.exception
    ratings = services.library.library(alice).ratings
    assert [(e.movie.id, e.rating) for e in ratings] == [(238, 4.5)]
    assert "You rated it 4.5★." in texts(at)


def test_movie_page_logs_a_watch(services: Services, alice: User) -> None:
    at = logged_in(alice, page="movie.py", id="680")
    at.text_area[0].input("Still great")
    _button(at, "Log it").click().run()
    assert not at.exception
    diary = services.library.library(alice).diary
    assert [(d.movie.id, d.note) for d in diary] == [(680, "Still great")]


@pytest.mark.parametrize("movie_id", ["abc", "-1", "", "99999999999"])
def test_movie_page_with_a_bad_id_shows_an_empty_state(alice: User, movie_id: str) -> None:
    at = logged_in(alice, page="movie.py", id=movie_id)
    assert not at.exception
    assert "Pick a movie" in texts(at)


def test_movie_page_with_an_unknown_id_is_a_message(alice: User) -> None:
    at = logged_in(alice, page="movie.py", id="999999999")
    assert not at.exception
    assert "No movie with TMDB id 999999999" in texts(at)


def test_library_counts_and_tabs(services: Services, alice: User) -> None:
    services.library.rate_movie(alice, 238, 5)
    services.library.add_to_watchlist(alice, 603)
    services.library.log_watch(alice, 238, note="![pixel](http://example.invalid/x.png)")
    at = logged_in(alice, page="library.py")
    assert not at.exception
    assert [m.value for m in at.metric] == ["1", "1", "1"]
    assert "\\!\\[pixel\\]" in texts(at)  # a note is shown as text, never as an image


def test_library_watchlist_watched_it(services: Services, alice: User) -> None:
    services.library.add_to_watchlist(alice, 603)
    at = logged_in(alice, page="library.py")
    _button(at, "Watched it").click().run()
    assert not at.exception
    library = services.library.library(alice)
    assert [d.movie.id for d in library.diary] == [603]
    assert library.watchlist == ()  # watched: off the list, so no second click logs it twice
    assert not [b for b in at.button if b.label == "Watched it"]


def test_empty_library_says_what_to_do(alice: User) -> None:
    at = logged_in(alice, page="library.py")
    assert "You have not rated anything yet" in texts(at)


def test_settings_saves_preferences(services: Services, alice: User) -> None:
    at = logged_in(alice, page="settings.py")
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


def test_settings_deletes_the_account(services: Services, alice: User) -> None:
    at = logged_in(alice, page="settings.py")
    confirm = next(t for t in at.text_input if t.label.startswith("Type your username"))
    confirm.input("alice")
    _button(at, "Delete my account and all my data").click().run()
    assert not at.exception
    assert services.users.list_users() == []
    assert session_user(at) is None


def test_status_page_is_for_admins_only(services: Services, alice: User) -> None:
    at = logged_in(alice)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(str(PAGES / "status.py"))  # not even registered for her
    # and the page itself refuses, should anything run it for a non-admin
    direct = AppTest.from_file(str(PAGES / "status.py"), default_timeout=30)
    direct.session_state["authentication_status"] = True
    direct.session_state["username"] = "alice"
    direct.run()
    assert "Database" not in texts(direct)
    assert not direct.exception
    assert "This page is for admins." in texts(direct)
    admin = services.users.create_user(username="root", password="root-password", role="admin")
    at = logged_in(admin, page="status.py")
    assert not at.exception
    assert "Database" in texts(at)
    assert "offline catalog" in texts(at)


def test_status_page_shows_the_app_processs_event_queue(services: Services, app_env: str) -> None:
    admin = services.users.create_user(username="root", password="root-password", role="admin")
    at = logged_in(admin, page="status.py")
    assert not at.exception
    [events] = [line for line in texts(at).splitlines() if "**Events**" in line]
    assert "0 dropped" in events
    assert "events stored in the last 24 h" in events


def test_deep_link_survives_login(alice: User) -> None:
    at = new_app()
    at.query_params["id"] = "238"
    at.run()
    at.switch_page(str(PAGES / "movie.py")).run()
    at.text_input[0].input("alice")
    at.text_input[1].input("alice-password")
    _button(at, "Log in").click().run()
    assert not at.exception
    assert "The Godfather \\(1972\\)" in [t.value for t in at.title]


def test_every_page_has_the_tmdb_notice(alice: User) -> None:
    # movie.py without an id ends in st.stop(): the footer is still there.
    admin_only = {"analytics.py", "status.py"}
    for page in sorted(p.name for p in PAGES.glob("*.py") if p.name not in admin_only):
        at = logged_in(alice, page=page)
        assert not at.exception, page
        assert any("not endorsed or certified by TMDB" in c.value for c in at.caption), page
