"""Lists in a real browser: make a ranked list, add two movies from their pages, reorder, make
it public, and open its link in a logged-out browser, read-only."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, run_cli
from tests.browser.pages import TIMEOUT, click, fill, goto, heading, idle, log_in, see, visible

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _add_from_movie_page(page: Page, url: str, movie_id: int, title: str) -> None:
    goto(page, f"{url}/movie?id={movie_id}")
    heading(page, title)
    click(page, "Add to list")
    see(page, "Added to Top picks.")
    idle(page)


def test_make_share_and_open_a_list_logged_out(page: Page, live_app: LiveApp, browser: Any) -> None:
    run_cli(live_app, "users", "add", "lister", "--password-stdin", stdin="lister-2026\n")
    log_in(page, live_app.url, "lister", "lister-2026")

    goto(page, f"{live_app.url}/lists")
    heading(page, "Lists")
    visible(page.get_by_text("New list", exact=True)).click()
    idle(page)
    fill(page, "Name", "Top picks")
    ranked = visible(page.get_by_role("checkbox", name="Ranked (numbered)"))
    ranked.check(force=True)  # the box is drawn over the input; check() verifies it took
    expect(ranked).to_be_checked()
    click(page, "Create list")
    see(page, "No movies on this list yet")
    idle(page)

    _add_from_movie_page(page, live_app.url, 238, "The Godfather (1972)")
    _add_from_movie_page(page, live_app.url, 603, "The Matrix (1999)")

    goto(page, f"{live_app.url}/lists")
    see(page, "1. The Godfather (1972)")
    see(page, "2. The Matrix (1999)")
    visible(page.get_by_role("button", name="↑").nth(1)).click()
    see(page, "1. The Matrix (1999)")
    idle(page)
    visible(page.get_by_text("Public", exact=True)).click()
    see(page, "Anyone with this link")
    idle(page)
    link = visible(page.locator("[data-testid='stCode'] code")).inner_text().strip()
    assert "/?shared_list=" in link

    visitor = browser.new_context()
    try:
        tab = visitor.new_page()
        tab.set_default_timeout(TIMEOUT)
        tab.goto(link)
        expect(tab.get_by_role("heading", name="Top picks")).to_be_visible(timeout=TIMEOUT)
        expect(tab.get_by_text("1. The Matrix (1999)")).to_be_visible()
        expect(tab.get_by_text("2. The Godfather (1972)")).to_be_visible()
        expect(tab.get_by_role("button", name="Log in")).to_have_count(0)
        expect(tab.get_by_role("button", name="↑")).to_have_count(0)
        expect(tab.get_by_text("lister")).to_have_count(0)
    finally:
        visitor.close()
