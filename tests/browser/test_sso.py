"""Single sign-on in a real browser (issue #12 item 3, decision 85): the app started with
Streamlit `[auth]` secrets pointing at a loopback OpenID Connect provider
(`tests/support/oidc_provider.py`), Chromium going through the provider's login and back."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveApp, _app_env, _require_chromium, new_tab, run_cli, serving
from tests.browser.pages import (
    TIMEOUT,
    click,
    goto,
    heading,
    idle,
    log_in,
    see,
    wait_for_login_cookie,
)
from tests.conftest import ROOT
from tests.support.net import free_port
from tests.support.oidc_provider import MockProvider, oidc_provider

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LOGIN_SCREEN = "Just looking?"
BUTTON = "Sign in with Loopback ID"
AUTHORIZE = re.compile(r"/oauth2/authorize")
CALLBACK_OR_HOME = re.compile(r"^http://127\.0\.0\.1:\d+/(oauth2callback.*)?$")


@pytest.fixture(scope="module")
def provider() -> Iterator[MockProvider]:
    with oidc_provider() as running:
        yield running


@pytest.fixture(scope="module")
def sso_app(tmp_path_factory: pytest.TempPathFactory, provider: MockProvider) -> Iterator[LiveApp]:
    """The app with `[auth]` secrets for the loopback provider (as an operator writes them)."""
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("sso") / "var"
    data_dir.mkdir(parents=True)
    database_url = f"sqlite:///{data_dir / 'reelmatch.db'}"
    port = free_port()
    secrets_file = data_dir / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        "[auth.loopback]\n"
        'client_id = "reelmatch"\n'
        'client_secret = "reelmatch-secret"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )
    env = _app_env(data_dir, database_url)
    env.update(REELMATCH_SECRETS_FILE=str(secrets_file), REELMATCH_OIDC_LABEL="Loopback ID")
    with serving(data_dir, env, port=port, args=["--secrets.files", str(secrets_file)]) as url:
        yield LiveApp(url, data_dir, database_url, data_dir)
    app_log = (data_dir / "streamlit.log").read_text(errors="replace")
    assert 'File "' + str(ROOT / "reelmatch") not in app_log, app_log  # no error of ours


@pytest.fixture
def tab(browser: Any, sso_app: LiveApp) -> Iterator[Page]:
    with new_tab(browser) as page:
        yield page


def identities(app: LiveApp, subject: str) -> list[tuple[str, str]]:
    """(username, issuer) of the accounts linked to `subject`, read from the database."""
    engine = sa.create_engine(app.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT users.username, identities.issuer FROM identities "
                    "JOIN users ON users.id = identities.user_id WHERE identities.subject = :s"
                ),
                {"s": subject},
            )
            return [(str(row[0]), str(row[1])) for row in rows]
    finally:
        engine.dispose()


def authorize(page: Page, subject: str) -> None:
    """The provider's login page: sign in as `subject`."""
    page.locator("input[placeholder='sub']").wait_for(timeout=TIMEOUT)
    page.locator("input[placeholder='sub']").fill(subject)
    page.get_by_role("button", name="Authorize").click()


def start_sign_in(page: Page, app: LiveApp) -> None:
    goto(page, app.url)
    see(page, LOGIN_SCREEN)
    click(page, BUTTON)


def test_first_login_creates_the_user_and_the_second_reuses_it(
    browser: Any, tab: Page, sso_app: LiveApp, provider: MockProvider
) -> None:
    provider.put_user(
        "sub-alice", {"email": "alice@example.org", "preferred_username": "alice.sso"}
    )
    start_sign_in(tab, sso_app)
    authorize(tab, "sub-alice")
    heading(tab, "Discover")
    see(tab, "@alice.sso")
    wait_for_login_cookie(tab)
    assert identities(sso_app, "sub-alice") == [("alice.sso", provider.url)]

    with new_tab(browser) as other:  # another browser
        start_sign_in(other, sso_app)
        authorize(other, "sub-alice")
        heading(other, "Discover")
        see(other, "@alice.sso")
    assert identities(sso_app, "sub-alice") == [("alice.sso", provider.url)]  # no second user


def test_a_password_user_links_an_identity_from_settings(
    tab: Page, sso_app: LiveApp, provider: MockProvider
) -> None:
    run_cli(sso_app, "users", "add", "bobpw", "--password-stdin", stdin="bob-password-2026\n")
    provider.put_user("sub-bob", {"email": "bob@corp.example"})
    log_in(tab, sso_app.url, "bobpw", "bob-password-2026")
    goto(tab, f"{sso_app.url}/settings")
    click(tab, "Account", role="tab")
    see(tab, "Linked sign-in")
    click(tab, "Link Loopback ID account")
    authorize(tab, "sub-bob")
    heading(tab, "Discover")  # back, still logged in as bobpw
    see(tab, "@bobpw")
    idle(tab)
    assert identities(sso_app, "sub-bob") == [("bobpw", provider.url)]
    goto(tab, f"{sso_app.url}/settings")
    click(tab, "Account", role="tab")
    see(tab, "bob@corp.example")
    expect(tab.get_by_role("button", name="Link Loopback ID account")).to_have_count(0)


def test_a_tampered_state_is_refused(tab: Page, sso_app: LiveApp, provider: MockProvider) -> None:
    """The provider's redirect back to the app, with its `state` changed on the way."""
    provider.put_user("sub-mallory", {"email": "mallory@example.org"})
    sent: list[str] = []

    def forge(route: Any) -> None:
        if route.request.method != "POST":  # the form itself; its submission answers below
            route.continue_()
            return
        answer = route.fetch(max_redirects=0)  # the provider's real answer: a redirect
        parts = urlsplit(answer.headers["location"])
        query = dict(parse_qsl(parts.query))
        sent.append(query["state"])
        query["state"] = "forged-" + query["state"][::-1]
        forged = urlunsplit(parts._replace(query=urlencode(query)))
        route.fulfill(status=302, headers={"location": forged})

    tab.route(AUTHORIZE, forge)
    start_sign_in(tab, sso_app)
    authorize(tab, "sub-mallory")
    tab.wait_for_url(CALLBACK_OR_HOME)
    idle(tab)
    assert sent, "the provider's answer was not seen"
    see(tab, LOGIN_SCREEN)
    expect(tab.get_by_role("heading", name="Discover")).to_have_count(0)
    assert identities(sso_app, "sub-mallory") == []


def test_an_expired_id_token_is_refused(
    tab: Page, sso_app: LiveApp, provider: MockProvider
) -> None:
    now = int(time.time())  # signed by the provider, but it expired an hour ago
    provider.put_user(
        "sub-late", {"email": "late@example.org", "iat": now - 7200, "exp": now - 3600}
    )
    start_sign_in(tab, sso_app)
    authorize(tab, "sub-late")
    idle(tab)
    see(tab, LOGIN_SCREEN)
    expect(tab.get_by_role("heading", name="Discover")).to_have_count(0)
    assert identities(sso_app, "sub-late") == []
    log = Path(sso_app.data_dir / "streamlit.log").read_text(errors="replace")
    assert "OAuth token exchange failed" in log


def test_log_out_ends_the_provider_login_too(
    tab: Page, sso_app: LiveApp, provider: MockProvider
) -> None:
    provider.put_user("sub-dora", {"email": "dora@example.org"})
    start_sign_in(tab, sso_app)
    authorize(tab, "sub-dora")
    heading(tab, "Discover")
    wait_for_login_cookie(tab)
    click(tab, "Log out")
    tab.wait_for_url(re.compile(re.escape(provider.url) + r"/oauth2/end_session"))
    tab.get_by_role("button", name="End session").click()  # the provider's own logout
    tab.wait_for_url(CALLBACK_OR_HOME)
    idle(tab)
    see(tab, LOGIN_SCREEN)
    goto(tab, sso_app.url)  # a new visit is not signed back in by either cookie
    see(tab, LOGIN_SCREEN)
    expect(tab.get_by_role("heading", name="Discover")).to_have_count(0)
    names = [cookie["name"] for cookie in tab.context.cookies()]
    assert not [name for name in names if name.startswith("_streamlit_user")], names
