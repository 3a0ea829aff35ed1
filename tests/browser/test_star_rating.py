"""The one-click half-star control in a real browser (decision 87): a click rates, another
value changes it, the same value again clears it, and the keyboard alone can rate."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, run_cli
from tests.browser.pages import goto, heading, idle, log_in, rate_movie, see, star_step

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOT_RATED = "Not rated yet: one click rates."


def open_godfather(page: Page, url: str) -> None:
    goto(page, f"{url}/movie?id=238")
    heading(page, "The Godfather (1972)")


def test_click_change_clear_and_keyboard(page: Page, live_app: LiveApp) -> None:
    run_cli(live_app, "users", "add", "halfstar", "--password-stdin", stdin="half-star-2026\n")
    log_in(page, live_app.url, "halfstar", "half-star-2026")
    open_godfather(page, live_app.url)
    see(page, NOT_RATED)  # empty until rated: no 3★ waiting to be saved
    expect(page.get_by_text("You rated it")).to_have_count(0)

    rate_movie(page, 4.5)  # one click, no Save
    idle(page)
    open_godfather(page, live_app.url)  # stored, not just drawn
    see(page, "You rated it 4.5★.")
    expect(star_step(page, 4.5)).to_have_attribute("aria-checked", "true")

    rate_movie(page, 2.0)
    idle(page)
    star_step(page, 2.0).click()  # the same step again clears it
    see(page, NOT_RATED)
    idle(page)
    open_godfather(page, live_app.url)
    see(page, NOT_RATED)

    # The keyboard alone: Tab from the label reaches the group (one tab stop, a radio
    # group), arrows move along, Space picks.
    page.get_by_text("Your rating (★)", exact=True).click()
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('role')") == "radio":
            break
    assert page.evaluate("document.activeElement.getAttribute('role')") == "radio"
    assert page.evaluate("document.activeElement.innerText").strip() == "½"
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.innerText").strip() == "3"
    page.keyboard.press("Space")
    see(page, "You rated it 3★.")
    idle(page)
    open_godfather(page, live_app.url)
    see(page, "You rated it 3★.")
    expect(star_step(page, 3.0)).to_have_attribute("aria-checked", "true")
