"""Movie to movie, and back, in a real browser: the address bar always names what is shown,
so a reload shows the same movie and Back goes where the person was (issue 14)."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, run_cli
from tests.browser.pages import fill, heading, idle, log_in, visible

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INCEPTION = "Inception (2010)"
#: The offline catalog's first Recommended movie for Inception.
RELATED = "Nancy Drew (2007)"


_USERS = itertools.count(1)


@pytest.fixture
def logged_in(page: Page, live_app: LiveApp) -> Page:
    name = f"navigator{next(_USERS)}"
    run_cli(live_app, "users", "add", name, "--password-stdin", stdin="navigate-2026\n")
    log_in(page, live_app.url, name, "navigate-2026")
    return page


def test_movie_to_similar_then_reload_and_back(logged_in: Page, live_app: LiveApp) -> None:
    page = logged_in
    page.goto(f"{live_app.url}/movie?id=27205")
    heading(page, INCEPTION)
    idle(page)

    visible(page.get_by_role("button", name=RELATED)).click()
    heading(page, RELATED)
    expect(page).to_have_url(f"{live_app.url}/movie?id=14043")
    idle(page)

    page.reload()
    heading(page, RELATED)
    idle(page)

    page.go_back()
    expect(page).to_have_url(f"{live_app.url}/movie?id=27205")
    heading(page, INCEPTION)


def test_discover_answers_on_its_own_path(logged_in: Page, live_app: LiveApp) -> None:
    page = logged_in
    page.goto(f"{live_app.url}/discover")
    heading(page, "Discover")
    idle(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)


def test_the_favicon_is_served_by_the_app(logged_in: Page, live_app: LiveApp) -> None:
    """Not fetched from a font CDN (which fails offline)."""
    icon = logged_in.locator("link[rel*='icon']").first
    href = icon.get_attribute("href") or ""
    assert href
    assert "gstatic" not in href
    assert "googleapis" not in href
    served = logged_in.request.get(href if href.startswith("http") else live_app.url + href)
    assert served.ok
    assert served.headers["content-type"].startswith("image/")


def test_back_from_a_movie_finds_the_search_again(logged_in: Page, live_app: LiveApp) -> None:
    page = logged_in
    page.goto(f"{live_app.url}/search")
    heading(page, "Search")
    idle(page)
    fill(page, "Title", "godfather")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=godfather"))
    visible(page.get_by_role("link", name="The Godfather (1972)")).click()
    heading(page, "The Godfather (1972)")
    idle(page)

    page.go_back()
    heading(page, "Search")
    expect(page).to_have_url(re.compile(r"/search\?q=godfather$"))
    expect(visible(page.get_by_label("Title", exact=True))).to_have_value("godfather")
    expect(visible(page.get_by_role("link", name="The Godfather (1972)"))).to_be_visible()
