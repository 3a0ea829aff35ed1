"""The login gate, through the whole app: visitors see only the login screen; log in, sign up
and the demo work."""

from __future__ import annotations

import re

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui import routing
from tests.support.apptest import app_as, new_app, open_page
from tests.ui.conftest import session_user, texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_visitors_see_only_the_login_screen(app_env: str) -> None:
    at = new_app().run()
    assert not at.exception
    assert "Reel Matchmaker" in texts(at)
    assert [t.label for t in at.text_input][:2] == ["Username", "Password"]
    assert "Discover" not in [t.value for t in at.title]


def test_deep_link_as_visitor_runs_no_page(app_env: str) -> None:
    at = new_app()
    at.query_params["id"] = "238"
    at.run()
    open_page(at, routing.MOVIE).run()
    assert "The Godfather" not in texts(at)
    assert [t.label for t in at.text_input][:2] == ["Username", "Password"]


def test_log_in_with_the_form(alice: User) -> None:
    at = new_app().run()
    at.text_input[0].input("Alice")
    at.text_input[1].input("alice-password")
    _button(at, "Log in").click().run()
    assert not at.exception
    assert session_user(at) == "alice"
    assert "Discover" in [t.value for t in at.title]


def test_no_session_holds_the_accounts_or_their_password_hashes(
    services: Services, alice: User
) -> None:
    """streamlit-authenticator keeps the roster it is given in the session's authenticator
    until the next run. Given every account, each run copied the whole users table (20,000
    objects at 10,000 accounts) and every session held every password hash (bob's too)."""
    services.users.create_user(username="bob", password="bob-password")
    at = new_app().run()
    at.text_input[0].input("alice")
    at.text_input[1].input("alice-password")
    _button(at, "Log in").click().run()
    assert session_user(at) == "alice"
    auth = at.session_state["_reelmatch_authenticator"]
    roster = auth.authentication_controller.authentication_model.credentials
    assert roster == {"usernames": {}}


def test_wrong_password_is_refused(alice: User) -> None:
    at = new_app().run()
    at.text_input[0].input("alice")
    at.text_input[1].input("not-her-password")
    _button(at, "Log in").click().run()
    assert "do not match" in texts(at)
    assert session_user(at) is None
    assert "Discover" not in [t.value for t in at.title]


def test_an_account_made_elsewhere_logs_in_at_once(services: Services, app_env: str) -> None:
    at = new_app().run()  # the app started before the account existed
    services.users.create_user(username="cli-admin", password="made-by-cli", role="admin")
    at.text_input[0].input("cli-admin")
    at.text_input[1].input("wrong-password")
    _button(at, "Log in").click().run()
    assert "do not match" in texts(at)
    at.text_input[0].input("cli-admin")
    at.text_input[1].input("made-by-cli")
    _button(at, "Log in").click().run()
    assert not at.exception
    assert session_user(at) == "cli-admin"
    assert "Discover" in [t.value for t in at.title]


def test_sign_up_creates_the_account_and_logs_in(services: Services, app_env: str) -> None:
    at = new_app().run()
    inputs = {t.label: t for t in at.text_input[2:]}
    inputs["Username"].input("NewFan")
    inputs["Password"].input("a-long-password")
    inputs["Repeat password"].input("a-long-password")
    _button(at, "Create account").click().run()
    assert not at.exception
    assert services.users.get_user("newfan").display_name == "NewFan"
    assert session_user(at) == "newfan"
    assert "Discover" in [t.value for t in at.title]


def test_sign_up_refuses_a_short_password(services: Services, app_env: str) -> None:
    at = new_app().run()
    inputs = {t.label: t for t in at.text_input[2:]}
    inputs["Username"].input("shorty")
    inputs["Password"].input("short")
    inputs["Repeat password"].input("short")
    _button(at, "Create account").click().run()
    assert "at least 8 characters" in texts(at)
    assert services.users.list_users() == []


def test_sign_up_can_be_turned_off(app_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELMATCH_ALLOW_SIGNUP", "false")
    at = new_app().run()
    assert "Create account" not in [b.label for b in at.button]


def test_try_the_demo(services: Services, app_env: str) -> None:
    at = new_app().run()
    _button(at, "Try the demo").click().run()
    assert not at.exception
    username = session_user(at)
    assert username is not None
    assert username.startswith("demo-")
    assert "Discover" in [t.value for t in at.title]
    sandbox = services.users.get_user(username)
    assert sandbox.is_sandbox
    assert len(services.library.library(sandbox).ratings) >= 5
    assert "Demo account — expires after 24 h idle." in [c.value for c in at.sidebar.caption]

    other = new_app().run()  # another visitor
    _button(other, "Try the demo").click().run()
    assert session_user(other) not in (None, username)


def test_a_deleted_account_is_logged_out(services: Services, alice: User) -> None:
    at = app_as(alice)
    services.users.delete_user(alice)
    at.run()
    assert session_user(at) is None
    assert "Discover" not in [t.value for t in at.title]


def test_the_login_forms_widget_ids_are_its_keys_and_never_change(alice: User) -> None:
    """A fresh process (the fixtures clear Streamlit's caches): first run, then the rerun the
    cookie reader causes when it loads. The form's widgets keep their ids (the browser keeps
    a half-typed form's text only for the same ids), so the first "Log in" counts."""
    at = new_app().run()
    first = {w.key: w.id for w in (*at.text_input, *at.button)}
    assert first["login-username"].endswith("-login-username")
    assert first["login-password"].endswith("-login-password")
    assert first["login-submit"].endswith("-login-submit")
    at.run()  # the cookie reader's first rerun, before the person is done typing
    assert {w.key: w.id for w in (*at.text_input, *at.button)} == first
    at.text_input(key="login-username").input("alice")
    at.text_input(key="login-password").input("alice-password")
    _button(at, "Log in").click().run()
    assert session_user(at) == "alice"


def _try(at, username: str, password: str):  # type: ignore[no-untyped-def]
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return _button(at, "Log in").click().run()


def test_six_wrong_passwords_lock_the_username_without_telling_it_exists(alice: User) -> None:
    at = new_app().run()
    for _ in range(6):
        _try(at, "alice", "not-her-password")
    assert "try again in" in texts(at)
    _try(at, "alice", "alice-password")
    assert session_user(at) is None
    assert "try again in" in texts(at)
    unknown = new_app().run()
    for _ in range(6):
        _try(unknown, "nobody-here", "whatever-pass")
    shown = [re.sub(r"\d+", "N", w.value) for w in at.warning]
    assert shown == [re.sub(r"\d+", "N", w.value) for w in unknown.warning]
    assert shown == ["Too many attempts. Please try again in N seconds."]
