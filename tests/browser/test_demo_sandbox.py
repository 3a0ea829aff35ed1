"""A demo of one's own, in a real browser (decision 89): two visitors click "Try the demo" in
separate browsers; what one rates and adds to the watchlist, the other never sees."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp
from tests.browser.pages import (
    click,
    goto,
    heading,
    idle,
    rate_movie,
    see,
    visible,
    wait_for_login_cookie,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTE = "Demo account — expires after 24 h idle."


def try_the_demo(page: Page, url: str) -> str:
    """Click "Try the demo"; the sandbox's username, as the sidebar shows it."""
    goto(page, url)
    click(page, "Try the demo")
    heading(page, "Discover")
    idle(page)
    wait_for_login_cookie(page)
    see(page, NOTE)
    handle = visible(page.get_by_test_id("stSidebar").get_by_text("@demo-")).inner_text()
    return handle.strip().splitlines()[-1].lstrip("@")


def counts(page: Page, url: str) -> tuple[str, str]:
    goto(page, f"{url}/library")
    heading(page, "Library")
    return metric(page, "Rated"), metric(page, "On watchlist")


def metric(page: Page, label: str) -> str:
    name = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    box = page.get_by_test_id("stMetric").filter(has=name)
    return box.get_by_test_id("stMetricValue").inner_text()


def test_two_visitors_get_demos_of_their_own(page: Page, other: Page, live_app: LiveApp) -> None:
    url = live_app.url
    mine, theirs = try_the_demo(page, url), try_the_demo(other, url)
    assert mine.startswith("demo-")
    assert theirs.startswith("demo-")
    assert mine != theirs
    seeded = counts(other, url)
    assert counts(page, url) == seeded  # both start from the same seed

    goto(page, f"{url}/movie?id=11")
    heading(page, "Star Wars (1977)")
    rate_movie(page, 4.0)
    idle(page)
    click(page, "Add to watchlist")
    see(page, "On your watchlist")
    idle(page)

    rated, watchlisted = counts(page, url)
    assert (int(rated), int(watchlisted)) == (int(seeded[0]) + 1, int(seeded[1]) + 1)
    click(page, "Watchlist", role="tab")
    see(page, "Star Wars (1977)")

    other.reload()
    idle(other)
    assert counts(other, url) == seeded  # the other visitor's demo is untouched
    click(other, "Watchlist", role="tab")
    idle(other)
    expect(other.get_by_text("Star Wars (1977)")).to_have_count(0)
    goto(other, f"{url}/movie?id=11")
    heading(other, "Star Wars (1977)")
    expect(visible(other.get_by_role("button", name="Add to watchlist"))).to_be_visible()
    expect(other.get_by_text("You rated it")).to_have_count(0)
