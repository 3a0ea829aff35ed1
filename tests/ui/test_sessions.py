"""Revocable logins in the whole app (decision 84): every run resolves the session against the
database, so an ended session sends the browser to the login page on its next run."""

from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui import routing
from tests.support.apptest import app_as, new_app
from tests.ui.conftest import session_user, texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
SESSION = "_reelmatch_session"


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def _on_login_page(at) -> bool:  # type: ignore[no-untyped-def]
    return session_user(at) is None and "Log in" in [b.label for b in at.button]


def test_a_session_ended_elsewhere_logs_this_browser_out(services: Services, alice: User) -> None:
    at = app_as(alice, page=routing.LIBRARY)
    assert session_user(at) == "alice"
    services.sessions.close_all(alice)  # "Log out everywhere" in another browser
    at.run()
    assert not at.exception
    assert _on_login_page(at)
    assert at.session_state["logout"] is True  # the browser's cookie is deleted too


def test_the_logout_button_ends_the_server_session(services: Services, alice: User) -> None:
    at = app_as(alice)
    cookie = at.session_state[SESSION]
    assert services.sessions.resolve(cookie) == alice
    _button(at, "Log out").click().run()
    assert not at.exception
    assert session_user(at) is None
    assert services.sessions.resolve(cookie) is None  # a copy of the cookie is worthless now


def test_a_forged_or_old_cookie_logs_nobody_in(services: Services, alice: User) -> None:
    at = new_app()
    at.session_state[SESSION] = "made-up-token.0123456789abcdef0123456789abcdef"
    at.run()
    assert not at.exception
    assert _on_login_page(at)


def test_the_login_form_opens_a_session_named_by_the_cookie(
    services: Services, alice: User
) -> None:
    at = new_app().run()
    at.text_input(key="login-username").input("alice")
    at.text_input(key="login-password").input("alice-password")
    at.button(key="login-submit").click().run()
    assert session_user(at) == "alice"
    (session,) = services.sessions.sessions(alice, at.session_state[SESSION])
    assert session.current
    assert session.method == "password"


def test_settings_lists_sessions_and_logs_out_everywhere(services: Services, alice: User) -> None:
    other = services.sessions.open(alice, user_agent="Mozilla/5.0 (iPhone) Safari/605.1")
    at = app_as(alice, page=routing.SETTINGS)
    assert "Where you are logged in" in [s.value for s in at.subheader]
    (table,) = [d for d in at.dataframe if "device" in d.value.columns]
    assert sorted(table.value["device"]) == ["Safari on iPhone", "This browser · AppTest"]
    _button(at, "Log out everywhere").click().run()
    assert not at.exception
    assert "Logged out of 2 sessions, this one included." in texts(at)
    assert session_user(at) is None
    assert services.sessions.resolve(other) is None
    assert services.sessions.sessions(alice, None) == []


def test_a_new_password_logs_out_every_other_browser(services: Services, alice: User) -> None:
    other = services.sessions.open(alice, user_agent="elsewhere")
    at = app_as(alice, page=routing.SETTINGS)
    fields = {t.label: t for t in at.text_input}
    fields["Current password"].input("alice-password")
    fields["New password"].input("a-new-password-2026")
    fields["Repeat new password"].input("a-new-password-2026")
    _button(at, "Change password").click().run()
    assert not at.exception
    assert "Password changed. Every other browser is logged out." in texts(at)
    assert services.sessions.resolve(other) is None
    at.run()
    assert session_user(at) == "alice"  # this browser stays logged in
