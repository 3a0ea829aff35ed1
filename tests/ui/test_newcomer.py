"""The defects a newcomer tripped on (issue 14), each on one page under AppTest
(tests/support/pages.py) with real services on a temp SQLite database and the offline catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelmatch.bootstrap import Services
from reelmatch.catalog.offline import load_snapshot
from reelmatch.domain import User
from reelmatch.ui import routing
from tests.support.apptest import app_as
from tests.support.fake_tmdb import FakeTmdb
from tests.support.live import live_services
from tests.support.pages import page_app
from tests.ui.conftest import texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_a_similar_movie_opens_in_place_and_names_itself_in_the_url(
    services: Services, alice: User
) -> None:
    at = page_app(routing.MOVIE, services, alice, id="27205")
    assert not at.exception
    first_title = at.title[0].value
    related = [b for b in at.button if b.key and b.key.startswith("open-")]
    assert related, "the Recommended/Similar cards link to their movies"
    target = related[0]
    target.click().run()
    assert not at.exception
    assert at.query_params["id"] != "27205"
    opened = services.discovery.movie(alice, int(at.query_params["id"])).movie
    assert at.title[0].value != first_title
    assert opened.title in at.title[0].value
    assert "27205" not in texts(at)


def test_offline_discover_says_where_its_data_comes_from(services: Services, alice: User) -> None:
    at = page_app(routing.DISCOVER, services, alice)
    assert not at.exception
    lists = at.get("button_group")[0].proto.options
    labels = [option.content for option in lists]
    year = services.discovery.snapshot_year
    assert year is not None
    assert not {"Trending today", "Now playing", "Upcoming"} & set(labels)
    assert f"Popular in the {year} snapshot" in labels
    assert f"TMDB 5000 snapshot, which ends in {year}" in texts(at)


def test_live_discover_keeps_the_time_bound_lists(live: Services, alice: User) -> None:
    at = page_app(routing.DISCOVER, live, alice)
    assert not at.exception
    labels = [option.content for option in at.get("button_group")[0].proto.options]
    assert {"Trending today", "Now playing", "Upcoming"} <= set(labels)
    assert "from TMDB, live" in texts(at)


def test_library_table_columns_fit_and_the_stars_filter_reads_in_stars(
    services: Services, alice: User
) -> None:
    services.library.rate_movie(alice, 238, 4.5)
    services.library.rate_movie(alice, 603, 2)
    at = page_app(routing.LIBRARY, services, alice)
    assert not at.exception
    stars = at.select_slider(key="lib-stars")
    assert stars.options[0] == "½★"
    assert stars.options[-1] == "5★"
    assert "4½★" in stars.options
    assert "0.50" not in texts(at)

    table = at.dataframe[0].proto
    config = json.loads(table.columns)
    widths = {name: config[name].get("width") for name in ("stars", "rated", "link", "year")}
    assert all(isinstance(width, int) and width >= 64 for width in widths.values()), widths
    order = list(table.column_order)
    assert order.index("link") < order.index("genres")

    stars.set_range(4.5, 5.0).run()
    assert not at.exception
    assert "1 of 2 ratings shown" in texts(at)


def test_search_lives_in_the_url_so_back_finds_it(services: Services, alice: User) -> None:
    at = page_app(routing.SEARCH, services, alice, q="godfather", year="1972")
    assert not at.exception
    assert at.text_input(key="search-q").value == "godfather"
    assert at.number_input(key="search-year").value == 1972
    assert "The Godfather \\(1972\\)" in [link.proto.label for link in at.get("page_link")]
    at.text_input(key="search-q").input("spirited away").run()
    assert at.query_params == {"q": "spirited away", "year": "1972"}
    at.text_input(key="search-q").input("").run()
    assert at.query_params == {"year": "1972"}


def test_search_is_capped_in_the_box_and_says_why(services: Services, alice: User) -> None:
    at = page_app(routing.SEARCH, services, alice)
    box = at.text_input(key="search-q")
    assert box.proto.max_chars == 200
    at.text_input(key="search-q").input("z" * 200).run()
    shown = texts(at)
    assert "reads up to 200 characters" in shown
    assert "z" * 61 not in shown  # the message does not echo it all back
    assert "drop the year" not in shown  # no year was set

    at.number_input(key="search-year").set_value(1990).run()
    assert "drop the year" in texts(at)


def test_an_exact_title_ranks_first_on_live_tmdb(
    db_url: str, tmp_path: Path, services: Services, alice: User
) -> None:
    records = load_snapshot()
    the_heat = next(r for r in records if r["title"] == "The Heat")
    heat = {**the_heat, "id": 949, "title": "Heat", "original_title": "Heat"}
    heat.update(release_date="1995-12-15", popularity=the_heat["popularity"] / 2)
    with FakeTmdb(records=[*records, heat]) as tmdb:
        live = live_services(db_url, tmp_path, tmdb)
        try:
            at = page_app(routing.SEARCH, live, alice, q="heat")
            assert not at.exception
            labels = [link.proto.label for link in at.get("page_link")]
            assert labels[:2] == ["Heat \\(1995\\)", "The Heat \\(2013\\)"]
        finally:
            live.close()


def test_no_list_stays_highlighted_while_filters_replace_it(
    services: Services, alice: User
) -> None:
    at = page_app(routing.DISCOVER, services, alice)
    assert at.get("button_group")
    next(m for m in at.multiselect if m.label == "Genres").select("Animation").run()
    assert not at.exception
    assert not at.get("button_group")  # no "Newest hits…" lit up above the filtered results
    assert "Clear the filters to see the lists." in texts(at)


def test_the_score_on_this_server_is_shown_once(services: Services, alice: User) -> None:
    bob = services.users.create_user(username="bob", password="bob-password")
    services.library.rate_movie(alice, 238, 4)
    services.library.rate_movie(bob, 238, 5)
    at = page_app(routing.MOVIE, services, alice, id="238")
    assert not at.exception
    [here] = [m for m in at.metric if m.label == "On this server"]
    assert here.value == "4.5★"
    assert texts(at).count("4.5★") == 0  # the metric only, no caption repeating it


def test_card_titles_end_in_an_ellipsis_with_the_full_title_on_hover(
    services: Services, alice: User
) -> None:
    at = app_as(alice, page=routing.DISCOVER)  # the shell draws the app's styles
    assert not at.exception
    styles = [h.proto.body for h in at.get("html")]
    assert any("text-overflow: ellipsis" in style for style in styles)
    links = [link for link in at.get("page_link") if link.proto.page == "movie"]
    assert links
    assert all(link.proto.help == link.proto.label.replace("\\", "") for link in links)
