"""Single sign-on without a browser (decisions 85-86): the login page with and without `[auth]`
secrets, REELMATCH_PASSWORD_LOGIN, the admin settings, and the claims → user mapping on the
real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from reelmatch.bootstrap import Services, build_services
from reelmatch.catalog.offline import OfflineCatalog
from reelmatch.config import Settings, load_settings
from reelmatch.errors import InvalidInput
from reelmatch.ui.oidc import FRESH_SECONDS, Provider, provider, usable_claims
from tests.support.apptest import new_app

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 40,
    "keycloak": {
        "client_id": "reelmatch",
        "client_secret": "s3cret",
        "server_metadata_url": "http://127.0.0.1:1/realms/r/.well-known/openid-configuration",
    },
}
ISSUER = "https://id.example.org/realms/films"
NOW = 1_800_000_000


def claims(sub: str, **more: Any) -> dict[str, Any]:
    return {"iss": ISSUER, "sub": sub, "iat": NOW, "exp": NOW + 300, **more}


def page(at: AppTest) -> tuple[list[str], list[str], list[str]]:
    """What the login page offers: text boxes, buttons and tabs."""
    return (
        [box.label for box in at.text_input],
        [button.label for button in at.button],
        [tab.label for tab in at.tabs],
    )


# The login page ---------------------------------------------------------------------------

PASSWORD_PAGE = (
    [
        "Username",
        "Password",
        "Username",
        "Display name (optional)",
        "Email (optional)",
        "Password",
        "Repeat password",
    ],
    ["Log in", "Create account", "Try the demo"],
    ["Log in", "Sign up"],
)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_without_single_sign_on_the_login_page_is_unchanged(app_env: str) -> None:
    at = new_app().run()
    assert not at.exception
    assert page(at) == PASSWORD_PAGE


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_with_auth_secrets_the_login_page_offers_the_provider(app_env: str) -> None:
    at = new_app()
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception
    boxes, buttons, tabs = page(at)
    assert (boxes, tabs) == (PASSWORD_PAGE[0], PASSWORD_PAGE[2])
    assert buttons == ["Log in", "Sign in with Keycloak", "Create account", "Try the demo"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_password_login_off_leaves_only_the_provider(
    app_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REELMATCH_PASSWORD_LOGIN", "false")
    monkeypatch.setenv("REELMATCH_OIDC_LABEL", "Films ID")
    at = new_app()
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception
    assert page(at) == ([], ["Sign in with Films ID", "Try the demo"], [])


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_password_login_off_without_a_provider_keeps_the_form(
    app_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody could log in otherwise."""
    monkeypatch.setenv("REELMATCH_PASSWORD_LOGIN", "false")
    at = new_app().run()
    assert page(at) == PASSWORD_PAGE


# Settings ---------------------------------------------------------------------------------


def test_provider_from_the_auth_secrets() -> None:
    settings = load_settings()
    assert provider(settings, {}) is None
    assert provider(settings, {**AUTH, "cookie_secret": ""}) is None
    assert provider(settings, AUTH) == Provider("keycloak", "Keycloak")
    unnamed = {**AUTH, "keycloak": None, "client_id": "c", "server_metadata_url": "http://m"}
    assert provider(settings, unnamed) == Provider(None, "single sign-on")
    two = {**AUTH, "google": {"client_id": "g"}}
    assert provider(load_settings(REELMATCH_OIDC_PROVIDER="google"), two) == Provider(
        "google", "Google"
    )
    assert provider(load_settings(REELMATCH_OIDC_PROVIDER="okta"), two) is None


def test_sso_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().password_login is True
    monkeypatch.setenv("REELMATCH_PASSWORD_LOGIN", "false")
    monkeypatch.setenv("REELMATCH_OIDC_ADMIN_EMAILS", " Ann@Example.org, ,bob@example.org")
    monkeypatch.setenv("REELMATCH_OIDC_ADMIN_GROUP", "film-admins")
    settings = load_settings()
    assert settings.password_login is False
    assert settings.oidc_admin_emails == frozenset({"ann@example.org", "bob@example.org"})
    assert settings.oidc_admin_group == "film-admins"
    assert settings.oidc_admin_claim == "groups"


def test_only_fresh_unexpired_claims_sign_in() -> None:
    assert usable_claims(claims("a"), now=NOW + 1)
    assert not usable_claims(claims("a"), now=NOW + 301)  # the ID token expired
    assert not usable_claims(claims("a", exp=NOW + 3600), now=NOW + FRESH_SECONDS + 1)  # stale
    assert not usable_claims({**claims("a"), "sub": ""}, now=NOW)
    assert not usable_claims({**claims("a"), "iat": "soon"}, now=NOW)


# Claims → user, on the real database ---------------------------------------------------------


@pytest.fixture
def sso_services(settings: Settings, offline_catalog: OfflineCatalog) -> Iterator[Services]:
    wired = settings.model_copy(
        update={"oidc_admin_emails": frozenset({"boss@example.org"}), "oidc_admin_group": "staff"}
    )
    built = build_services(wired, catalog=offline_catalog, bcrypt_rounds=4)
    yield built
    built.close()


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_claims_map_to_one_user_by_issuer_and_subject(sso_services: Services) -> None:
    identities = sso_services.identities
    first = identities.sign_in(claims("s-1", preferred_username="Ann Lee", email="ann@x.org"))
    assert (first.username, first.email, first.role) == ("ann-lee", "ann@x.org", "user")
    assert identities.sign_in(claims("s-1")) == first  # the second sign-in reuses it
    other = identities.sign_in(claims("s-2", email="ann@x.org"))  # same e-mail, other subject
    assert other.id != first.id  # never matched by e-mail alone
    assert other.username == "ann"
    elsewhere = identities.sign_in({**claims("s-1"), "iss": "https://other.example"})
    assert elsewhere.id not in (first.id, other.id)
    assert [i.subject for i in identities.identities(first)] == ["s-1"]
    with pytest.raises(InvalidInput):
        identities.sign_in({"iss": ISSUER})


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_admins_come_from_the_settings(sso_services: Services) -> None:
    identities = sso_services.identities
    boss = identities.sign_in(claims("s-boss", email="Boss@Example.org"))
    staff = identities.sign_in(claims("s-staff", groups=["viewers", "staff"]))
    plain = identities.sign_in(claims("s-plain", email="someone@example.org"))
    assert (boss.role, staff.role, plain.role) == ("admin", "admin", "user")
    unverified = claims("s-fake", email="boss@example.org", email_verified=False)
    assert identities.sign_in(unverified).role == "user"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_password_user_links_an_identity_once(sso_services: Services) -> None:
    users, identities = sso_services.users, sso_services.identities
    carol = users.create_user(username="carol", password="carol-password")
    identities.link(carol, claims("s-carol", email="carol@x.org"))
    identities.link(carol, claims("s-carol"))  # again: nothing changes
    assert identities.sign_in(claims("s-carol")).id == carol.id
    dave = users.create_user(username="dave", password="dave-password")
    with pytest.raises(InvalidInput, match="another account"):
        identities.link(dave, claims("s-carol"))
