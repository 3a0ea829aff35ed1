"""Accounts you can trust, in a real browser (issue #12): logins are server sessions that end
everywhere at once (decision 84), and six wrong passwords lock a username (decision 64)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, run_cli
from tests.browser.pages import (
    click,
    fill_form,
    goto,
    heading,
    idle,
    log_in,
    see,
    wait_for_login_cookie,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LOGIN_SCREEN = "Just looking?"


def add_user(app: LiveApp, name: str, password: str) -> None:
    run_cli(app, "users", "add", name, "--password-stdin", stdin=f"{password}\n")


def test_log_out_everywhere_reaches_the_other_browser(
    page: Page, other: Page, live_app: LiveApp
) -> None:
    add_user(live_app, "twobrowsers", "two-browsers-2026")
    log_in(page, live_app.url, "twobrowsers", "two-browsers-2026")
    log_in(other, live_app.url, "twobrowsers", "two-browsers-2026")

    goto(page, f"{live_app.url}/settings")
    click(page, "Account", role="tab")
    see(page, "Where you are logged in")
    click(page, "Log out everywhere")
    see(page, "Logged out of 2 sessions, this one included.")

    click(other, "Library", role="link")  # its next run
    see(other, LOGIN_SCREEN)
    expect(other.get_by_role("heading", name="Library")).to_have_count(0)


def test_a_copied_cookie_stops_working_after_logout(
    page: Page, other: Page, live_app: LiveApp
) -> None:
    add_user(live_app, "copycat", "copy-cat-2026")
    log_in(page, live_app.url, "copycat", "copy-cat-2026")
    stolen = [c for c in page.context.cookies() if c["name"] == "reelmatch_session"]
    assert len(stolen) == 1
    assert stolen[0]["value"].count(".") == 1  # a signed session id, not a JWT naming the user

    other.context.add_cookies(stolen)  # the copy works while the session lives …
    goto(other, f"{live_app.url}/library")
    heading(other, "Library")

    click(page, "Log out")
    see(page, "You are logged out.")
    wait_for_login_cookie(page, present=False)

    fresh = other.context.browser.new_context()  # type: ignore[union-attr]
    try:
        thief = fresh.new_page()
        thief.context.add_cookies(stolen)  # … and not after the logout
        goto(thief, f"{live_app.url}/library")
        see(thief, LOGIN_SCREEN)
        expect(thief.get_by_role("heading", name="Library")).to_have_count(0)
    finally:
        fresh.close()


def test_six_wrong_passwords_lock_the_username(page: Page, live_app: LiveApp) -> None:
    add_user(live_app, "lockme", "right-password-2026")
    goto(page, live_app.url)
    for attempt in range(6):
        fill_form(page, {"Username": "lockme", "Password": f"wrong-{attempt}"})
        click(page, "Log in")
        idle(page)
    see(page, "Too many attempts. Please try again in")
    fill_form(page, {"Username": "lockme", "Password": "right-password-2026"})
    click(page, "Log in")
    idle(page)
    see(page, "Too many attempts. Please try again in")  # even the right one, while locked
    expect(page.get_by_role("heading", name="Discover")).to_have_count(0)
