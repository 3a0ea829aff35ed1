"""Routing in a real browser, on a server of its own (this module's `live_app`), so the first
request below is the very first run of a freshly started Streamlit process."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, run_cli
from tests.browser.pages import click, fill_form, heading, idle, see, wait_for_login_cookie

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Every page's URL path and what its heading (or empty state) says.
PATHS = {
    "": "Discover",
    "search": "Search",
    "movie": "Pick a movie from Discover or Search to see it here.",
    "library": "Library",
    "recommendations": "For you",
    "my_stats": "My stats",
    "settings": "Settings",
    "analytics": "Analytics",
    "status": "Status",
}


def test_a_deep_link_on_a_fresh_server_survives_login_and_a_reload(
    page: Page, live_app: LiveApp
) -> None:
    run_cli(live_app, "users", "add", "deeplinker", "--password-stdin", stdin="deep-link-2026\n")

    page.goto(f"{live_app.url}/movie?id=238")  # the server's first run
    idle(page)
    see(page, "Just looking?")  # the login screen, and nothing of the page behind it
    expect(page.get_by_role("heading", name="The Godfather (1972)")).to_have_count(0)
    fill_form(page, {"Username": "deeplinker", "Password": "deep-link-2026"})
    click(page, "Log in")

    heading(page, "The Godfather (1972)")
    idle(page)
    wait_for_login_cookie(page)
    assert page.url.endswith("/movie?id=238")
    page.reload()
    heading(page, "The Godfather (1972)")  # logged in again by the cookie
    see(page, "deeplinker")


def test_every_page_answers_on_its_path(page: Page, live_app: LiveApp) -> None:
    run_cli(live_app, "users", "add", "pathfinder", "--admin", "--password-stdin",
            stdin="path-finder-2026\n")  # fmt: skip
    page.goto(live_app.url)
    idle(page)
    fill_form(page, {"Username": "pathfinder", "Password": "path-finder-2026"})
    click(page, "Log in")
    heading(page, "Discover")
    idle(page)
    wait_for_login_cookie(page)
    for path, shown in PATHS.items():
        page.goto(f"{live_app.url}/{path}")
        see_heading_or_text(page, shown)


def see_heading_or_text(page: Page, shown: str) -> None:
    if shown.endswith("."):
        see(page, shown)
    else:
        heading(page, shown)
