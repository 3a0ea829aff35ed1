"""What a newcomer (and an admin) does, in a real browser against `streamlit run app.py`."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, run_cli
from tests.browser.pages import (
    TIMEOUT,
    click,
    fill,
    fill_form,
    goto,
    heading,
    idle,
    log_in,
    rate_movie,
    see,
    visible,
    wait_for_login_cookie,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LETTERBOXD = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "letterboxd"


def sign_up(page: Page, app: LiveApp, username: str, password: str) -> None:
    page.goto(app.url)
    idle(page)
    click(page, "Sign up", role="tab")
    fill_form(page, {"Username": username, "Password": password, "Repeat password": password})
    click(page, "Create account")
    heading(page, "Discover")
    idle(page)
    wait_for_login_cookie(page)


def open_movie(page: Page, title: str) -> None:
    visible(page.get_by_role("link", name=title)).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=TIMEOUT)
    idle(page)


def metric(page: Page, label: str) -> str:
    name = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    box = page.get_by_test_id("stMetric").filter(has=name)
    return box.get_by_test_id("stMetricValue").inner_text()


def library_shows_both(page: Page, app: LiveApp) -> None:
    """The rating (the table is a canvas grid: its counts are checked) and the watchlist."""
    page.goto(f"{app.url}/library")
    heading(page, "Library")
    assert metric(page, "Rated") == "1"
    assert metric(page, "On watchlist") == "1"
    click(page, "Watchlist", role="tab")
    see(page, "The Matrix (1999)")
    click(page, "Ratings", role="tab")


def test_newcomer_journey(page: Page, live_app: LiveApp) -> None:
    sign_up(page, live_app, "cinephile", "popcorn-2026")
    page.screenshot(path=str(live_app.screenshots / "discover.png"))

    page.goto(f"{live_app.url}/search")
    idle(page)
    fill(page, "Title", "godfather")
    page.keyboard.press("Enter")
    open_movie(page, "The Godfather (1972)")

    rate_movie(page, 4.5)
    page.screenshot(path=str(live_app.screenshots / "movie.png"))

    goto(page, f"{live_app.url}/movie?id=603")
    expect(page.get_by_role("heading", name="The Matrix (1999)")).to_be_visible()
    click(page, "Add to watchlist")
    see(page, "On your watchlist")

    library_shows_both(page, live_app)
    page.screenshot(path=str(live_app.screenshots / "library.png"))

    click(page, "Log out")
    see(page, "You are logged out.")
    wait_for_login_cookie(page, present=False)
    log_in(page, live_app.url, "cinephile", "popcorn-2026")
    library_shows_both(page, live_app)
    page.goto(f"{live_app.url}/movie?id=238")
    see(page, "You rated it 4.5★.")

    page.goto(f"{live_app.url}/settings")
    see(page, "Preferences")
    page.screenshot(path=str(live_app.screenshots / "settings.png"))


def test_another_user_cannot_see_the_first_users_library(page: Page, live_app: LiveApp) -> None:
    sign_up(page, live_app, "stranger", "another-password")
    page.goto(f"{live_app.url}/library")
    see(page, "You have not rated anything yet")
    expect(page.get_by_text("The Godfather")).to_have_count(0)


def test_import_a_letterboxd_export(page: Page, live_app: LiveApp, tmp_path: Path) -> None:
    export = tmp_path / "letterboxd-export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for name in ("ratings.csv", "diary.csv", "watched.csv", "watchlist.csv"):
            archive.write(LETTERBOXD / name, arcname=name)
    sign_up(page, live_app, "boxdfan", "letterboxd-2026")
    page.goto(f"{live_app.url}/settings")
    idle(page)
    click(page, "Import", role="tab")
    page.locator("input[type=file]").first.set_input_files(str(export))
    idle(page)
    click(page, "Preview import")
    see(page, "Not matched")
    assert int(metric(page, "Matched")) >= 5
    click(page, "Confirm import")
    see(page, "Imported:")
    page.screenshot(path=str(live_app.screenshots / "import.png"))
    page.goto(f"{live_app.url}/library")
    heading(page, "Library")
    assert int(metric(page, "Rated")) >= 5
    assert int(metric(page, "Diary entries")) >= 3


def test_try_the_demo_log_a_watch_and_export(page: Page, live_app: LiveApp) -> None:
    page.goto(live_app.url)
    idle(page)
    click(page, "Try the demo")
    heading(page, "Discover")
    idle(page)

    goto(page, f"{live_app.url}/movie?id=680")
    heading(page, "Pulp Fiction (1994)")
    visible(page.get_by_text("I watched it", exact=True)).click()  # the expander
    idle(page)
    fill(page, "Note (optional)", "Royale with cheese")
    click(page, "Log it")
    see(page, "Logged in your diary.")

    goto(page, f"{live_app.url}/library")
    heading(page, "Library")
    click(page, "Diary", role="tab")
    see(page, "Pulp Fiction (1994)")
    see(page, "Royale with cheese")

    page.goto(f"{live_app.url}/settings")
    idle(page)
    click(page, "Export", role="tab")
    with page.expect_download() as download:
        click(page, "Download Everything (JSON)")
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["user"]["username"].startswith("demo-")  # a sandbox of its own
    assert any(d["note"] == "Royale with cheese" for d in exported["diary"])


def test_an_admin_reads_analytics_and_their_own_stats(page: Page, live_app: LiveApp) -> None:
    run_cli(live_app, "users", "add", "statsboss", "--admin", "--password-stdin",
         stdin="analytics-2026\n")  # fmt: skip
    run_cli(live_app, "import", "letterboxd", str(LETTERBOXD), "--user", "statsboss")
    run_cli(live_app, "watched", "statsboss", "603")  # today, not rated: nudged
    log_in(page, live_app.url, "statsboss", "analytics-2026")

    page.goto(f"{live_app.url}/my_stats")
    heading(page, "My stats")
    see(page, "Rate what you watched recently")
    see(page, "Year in Review")
    page.wait_for_timeout(1500)  # let the charts draw
    page.screenshot(path=str(live_app.screenshots / "my-stats.png"), full_page=True)
    page.get_by_role("radio", name="4", exact=True).first.click()  # the nudge's half-star control
    see(page, "Rated The Matrix 4★.")
    expect(page.get_by_text("Rate what you watched recently")).to_have_count(0)

    page.goto(f"{live_app.url}/analytics")
    heading(page, "Analytics")
    see(page, "Engagement")
    assert int(metric(page, "Ratings")) >= 1  # the nudge's, at least (imports record none)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(live_app.screenshots / "analytics.png"), full_page=True)
    click(page, "System health", role="tab")
    see(page, "Page render time")


def test_for_you_explains_picks_and_forgets_a_dismissed_one(page: Page, live_app: LiveApp) -> None:
    sign_up(page, live_app, "picky", "picky-password-1")
    page.goto(f"{live_app.url}/movie?id=680")
    expect(page.get_by_role("heading", name="Pulp Fiction (1994)")).to_be_visible()
    idle(page)
    rate_movie(page, 4.5)

    page.goto(f"{live_app.url}/recommendations")
    heading(page, "For you")
    idle(page)
    see(page, "Why this?")
    page.screenshot(path=str(live_app.screenshots / "recommendations.png"))
    hide = page.locator("[class*='st-key-fb-not_interested-']").first
    key = next(c for c in (hide.get_attribute("class") or "").split() if "not_interested" in c)
    hide.get_by_role("button").click()
    see(page, "Hidden.")
    idle(page)
    expect(page.locator(f".{key}")).to_have_count(0)
    expect(page.locator("[class*='st-key-fb-not_interested-']")).to_have_count(12)
