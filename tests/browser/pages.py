"""Small helpers for driving Streamlit pages with Playwright."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

TIMEOUT = 20_000


def visible(locator: Locator) -> Locator:
    return locator.locator("visible=true").first


def fill(page: Page, label: str, value: str) -> None:
    box = visible(page.get_by_label(label, exact=True))
    box.fill(value)


def fill_form(page: Page, values: dict[str, str]) -> None:
    """Fill a form's fields and make sure they still hold the values: when a component loads
    for the first time it reruns the page, which can reset half-typed form fields (a person
    would retype; so does this)."""
    for _ in range(3):
        for label, value in values.items():
            fill(page, label, value)
        idle(page)
        if all(
            visible(page.get_by_label(label, exact=True)).input_value() == value
            for label, value in values.items()
        ):
            return
    raise AssertionError(f"the form kept losing its values: {sorted(values)}")


def click(page: Page, name: str, *, role: str = "button") -> None:
    visible(page.get_by_role(role, name=name, exact=True)).click()  # type: ignore[arg-type]


def heading(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=TIMEOUT)


def see(page: Page, text: str) -> None:
    expect(visible(page.get_by_text(text, exact=False))).to_be_visible(timeout=TIMEOUT)


COOKIE_READER = "iframe[title='extra_streamlit_components.CookieManager.cookie_manager']"


def idle(page: Page, *, quiet_ms: int = 1200) -> None:
    """Wait until Streamlit has been idle for `quiet_ms`: the run finished and so did the
    rerun the login cookie reader causes when it first loads (it sends the browser's cookies
    back a moment after the page appears; input given before that can be lost)."""
    reader = page.locator(COOKIE_READER).first
    reader.wait_for(state="attached", timeout=TIMEOUT)
    frame = reader.content_frame
    if frame is not None:
        frame.locator("body").wait_for(state="attached", timeout=TIMEOUT)
    running = page.locator("[data-testid='stStatusWidget']")
    quiet = 0
    for _ in range(TIMEOUT // 100):
        page.wait_for_timeout(100)
        quiet = quiet + 100 if running.count() == 0 else 0
        if quiet >= quiet_ms:
            return
    raise AssertionError("Streamlit kept running")


def goto(page: Page, url: str) -> None:
    """Load `url` and wait until the page settles: a click given during the cookie reader's
    first rerun is lost, as a person's would be."""
    page.goto(url)
    idle(page)


def wait_for_login_cookie(page: Page, *, present: bool = True) -> None:
    """The re-login cookie is written (or removed) by a component in the browser a moment
    after the run; wait for that before leaving the page, as a full page load depends on it."""
    for _ in range(100):
        names = {cookie["name"] for cookie in page.context.cookies()}
        if ("reelmatch_session" in names) == present:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the login cookie was never {'set' if present else 'removed'}")


def log_in(page: Page, url: str, username: str, password: str) -> None:
    """The login form, then wait until the re-login cookie is written."""
    page.goto(url)
    idle(page)
    fill_form(page, {"Username": username, "Password": password})
    click(page, "Log in")
    heading(page, "Discover")
    idle(page)
    wait_for_login_cookie(page)


def star_step(page: Page, stars: float) -> Locator:
    """The movie page's half-star control's button for `stars` (½, 1, 1½ … 5)."""
    whole = int(stars)
    label = f"{whole or ''}{'½' if stars - whole else ''}"
    group = page.get_by_test_id("stButtonGroup").filter(has_text="½")
    return visible(group.get_by_role("radio", name=label, exact=True))


def rate_movie(page: Page, stars: float) -> None:
    """Rate the movie page's movie (the one way the UI rates: keep it here): one click."""
    star_step(page, stars).click()
    see(page, f"You rated it {stars:g}★.")
