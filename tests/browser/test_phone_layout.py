"""The phone layout in a real browser (issue #14 item 6, decision 88): at 390×844, Discover,
Search and For you put two cards in a row with no sideways scrolling, For you's feedback
buttons share one row, and the Library table shows title, stars and date; at 1400×1000 the
desktop grid is unchanged. Writes the phone screenshots the README shows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LiveApp, run_cli
from tests.browser.pages import TIMEOUT, goto, heading, log_in, see

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
CARDS = "[class*='st-key-card-']"


@pytest.fixture
def phone(browser: Any) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT)
    yield tab
    context.close()


def boxes(page: Page, selector: str, count: int) -> list[dict[str, float]]:
    page.locator(selector).nth(count - 1).wait_for(state="visible", timeout=TIMEOUT)
    found = [page.locator(selector).nth(i).bounding_box() for i in range(count)]
    assert all(found), found
    return found  # type: ignore[return-value]


def assert_two_cards_a_row(page: Page) -> None:
    first, second = boxes(page, CARDS, 2)
    assert abs(first["y"] - second["y"]) < 2, (first, second)  # side by side
    assert second["x"] > first["x"] + first["width"] - 1
    assert second["x"] + second["width"] <= PHONE["width"] + 1  # both on the screen
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width  # nothing to scroll sideways


def test_the_phone_layout(phone: Page, live_app: LiveApp) -> None:
    run_cli(live_app, "users", "add", "pocket", "--password-stdin", stdin="pocket-phone-2026\n")
    for movie_id, stars in (("238", "5"), ("680", "4.5"), ("603", "4")):
        run_cli(live_app, "rate", "pocket", movie_id, stars)
    log_in(phone, live_app.url, "pocket", "pocket-phone-2026")
    shots = live_app.screenshots

    see(phone, "Popular in the")  # Discover
    assert_two_cards_a_row(phone)
    phone.screenshot(path=str(shots / "phone-discover.png"))

    goto(phone, f"{live_app.url}/search?q=star")
    heading(phone, "Search")
    assert_two_cards_a_row(phone)

    goto(phone, f"{live_app.url}/movie?id=238")
    heading(phone, "The Godfather (1972)")
    phone.screenshot(path=str(shots / "phone-movie.png"))

    goto(phone, f"{live_app.url}/recommendations")
    heading(phone, "For you")
    assert_two_cards_a_row(phone)
    buttons = boxes(phone, "[class*='st-key-fb-']", 3)  # 👍 👎 ⊘ of the first card
    assert len({round(b["y"]) for b in buttons}) == 1, buttons  # one row
    phone.screenshot(path=str(shots / "phone-for-you.png"))

    goto(phone, f"{live_app.url}/library")
    heading(phone, "Library")
    table = phone.get_by_test_id("stDataFrame").first
    table.wait_for(state="visible")
    # The grid draws on a canvas and keeps an accessible table of the columns it drew:
    # the ones on screen.
    headers = table.locator("th[role='columnheader']")
    names = [headers.nth(i).inner_text().strip() for i in range(headers.count())]
    assert names[:3] == ["Title", "Stars", "Rated"], names
    phone.screenshot(path=str(shots / "phone-library.png"))


def test_the_desktop_grid_is_unchanged(page: Page, live_app: LiveApp) -> None:
    run_cli(live_app, "users", "add", "wide", "--password-stdin", stdin="wide-screen-2026\n")
    log_in(page, live_app.url, "wide", "wide-screen-2026")
    see(page, "Popular in the")
    row = boxes(page, CARDS, 5)
    assert len({round(b["y"]) for b in row}) == 1, row  # five cards in one row
