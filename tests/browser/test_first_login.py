"""The very first login on a freshly started server, typed at once, as a person would: no
waiting for the page to settle (issue 14: the first "Log in" was silently ignored, and the
cookie reader's first rerun reset a half-typed form). One test in this module, so its first
request is the server's first run whatever order the tests run in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, run_cli
from tests.browser.pages import TIMEOUT, visible

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_first_login_on_a_fresh_server_is_not_lost(page: Page, live_app: LiveApp) -> None:
    run_cli(live_app, "users", "add", "early", "--password-stdin", stdin="early-bird-2026\n")
    page.goto(f"{live_app.url}/movie?id=238")  # the server's first run
    username = visible(page.get_by_label("Username", exact=True))
    username.wait_for(timeout=TIMEOUT)
    username.fill("early")
    password = visible(page.get_by_label("Password", exact=True))
    password.fill("early-bird-2026")
    visible(page.get_by_role("button", name="Log in", exact=True)).click()
    expect(page.get_by_role("heading", name="The Godfather (1972)")).to_be_visible(timeout=TIMEOUT)
