"""A demo sandbox in the whole app: Settings → Account keeps it as a real account (checked
like sign-up) or resets it; real accounts see neither (decision 89)."""

from __future__ import annotations

import pytest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui import routing
from tests.support.apptest import app_as
from tests.ui.conftest import session_user, texts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _button(at, label):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def _field(at, label):  # type: ignore[no-untyped-def]
    return next(t for t in at.text_input if t.label == label and t.key.startswith("keep-"))


def test_keep_this_account_makes_the_sandbox_yours(services: Services, app_env: str) -> None:
    sandbox = services.demo.user()
    services.library.rate_movie(sandbox, 11, 4.5)
    at = app_as(sandbox, page=routing.SETTINGS)
    assert "Keep this account" in [h.value for h in at.subheader]
    _field(at, "Username").input("viewer")
    _field(at, "Password").input("a long password")
    _field(at, "Repeat password").input("a different one")
    _button(at, "Keep this account").click().run()
    assert "The two passwords differ." in texts(at)
    assert services.users.get_user(sandbox.username).is_sandbox

    _field(at, "Repeat password").input("a long password")
    _button(at, "Keep this account").click().run()
    assert not at.exception
    assert "This is now your account" in texts(at)
    assert session_user(at) == "viewer"
    kept = services.users.get_user("viewer")
    assert kept.id == sandbox.id
    assert not kept.is_sandbox
    assert services.users.authenticate("viewer", "a long password") == kept
    assert {e.movie.id for e in services.library.library(kept).ratings} >= {11, 238}
    assert "Keep this account" not in [h.value for h in at.subheader]
    assert not at.sidebar.caption or "Demo account" not in at.sidebar.caption[0].value


def test_a_reserved_name_is_refused(services: Services, app_env: str) -> None:
    sandbox = services.demo.user()
    at = app_as(sandbox, page=routing.SETTINGS)
    _field(at, "Username").input("demo-1234")
    _field(at, "Password").input("a long password")
    _field(at, "Repeat password").input("a long password")
    _button(at, "Keep this account").click().run()
    assert "reserved" in texts(at)
    assert services.users.get_user(sandbox.username).is_sandbox


def test_reset_the_demo_resets_your_sandbox(services: Services, app_env: str) -> None:
    sandbox, other = services.demo.user(), services.demo.user()
    services.library.rate_movie(sandbox, 11, 1.0)
    services.library.rate_movie(other, 11, 1.0)
    at = app_as(sandbox, page=routing.SETTINGS)
    _button(at, "Reset the demo").click().run()
    assert "Your demo account is as new." in texts(at)
    assert session_user(at) == sandbox.username
    assert 11 not in {e.movie.id for e in services.library.library(sandbox).ratings}
    assert 11 in {e.movie.id for e in services.library.library(other).ratings}


def test_real_accounts_see_no_sandbox_section(alice: User) -> None:
    at = app_as(alice, page=routing.SETTINGS)
    assert not at.exception
    assert "Keep this account" not in [h.value for h in at.subheader]
    assert "Reset the demo" not in [b.label for b in at.button]
    assert "Password" in [h.value for h in at.subheader]


def test_a_sandbox_has_no_password_to_change(services: Services, app_env: str) -> None:
    """It has no current password to type: "Keep this account" is how it gets one."""
    at = app_as(services.demo.user(), page=routing.SETTINGS)
    assert not at.exception
    assert "Password" not in [h.value for h in at.subheader]
    assert "Change password" not in [b.label for b in at.button]
