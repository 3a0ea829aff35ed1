"""The defects a newcomer tripped on (issue 14), each on one page under AppTest
(tests/support/pages.py) with real services on a temp SQLite database and the offline catalog."""

from __future__ import annotations

import json

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui import routing
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
