"""A replica dies under a logged-in visitor: the browser reconnects through the proxy to the
other replica, still logged in (the cookie and its session are shared through the database),
and nothing they saved is lost."""

from __future__ import annotations

import json
import os
import signal

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.pages import TIMEOUT, heading, idle, log_in, rate_movie
from tests.cluster.conftest import PASSWORD, LiveCluster

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_killed_replica_s_visitor_comes_back_logged_in(
    browser: Browser, live_cluster: LiveCluster
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    log_in(page, live_cluster.url, "kim", PASSWORD)
    page.goto(f"{live_cluster.url}/movie?id=238")
    heading(page, "The Godfather (1972)")
    idle(page)
    rate_movie(page, 4.5)

    sticky = {c["name"]: c["value"] for c in context.cookies()}["RMSRV"]
    served = live_cluster.cluster.replica(sticky)
    os.kill(served.pid, signal.SIGKILL)
    served.process.wait()

    # Streamlit's page notices the dropped websocket and reconnects by itself; the proxy
    # sends it to the live replica, which knows nobody until the login cookie speaks.
    expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=60_000)
    heading(page, "The Godfather (1972)")
    assert page.get_by_text("Log in", exact=True).count() == 0
    page.reload()  # a full page load, now through the other replica, is logged in too
    heading(page, "The Godfather (1972)")
    moved = {c["name"]: c["value"] for c in context.cookies()}["RMSRV"]
    assert moved != sticky
    library = json.loads(live_cluster.cli("library", "kim", "--json"))
    assert [(r["movie"]["id"], r["rating"]) for r in library["ratings"]] == [(238, 4.5)]
    context.close()
