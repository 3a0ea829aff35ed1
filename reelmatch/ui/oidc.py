"""Single sign-on through Streamlit's own OpenID Connect login (`st.login`, decision 85).

Streamlit does the protocol (Authlib: state, nonce, the ID token's signature, issuer, audience
and expiry) and keeps the verified claims in its identity cookie (`st.user`). This module turns
those claims into the app's user once, right after the provider sent the browser back:
`IdentityService.sign_in` finds or creates the account linked by issuer + subject, and
`ui/auth.sign_in` opens a server session for it (decision 84), so from then on the browser is
logged in by the same revocable session cookie as a password login. Streamlit's identity cookie
is only accepted while fresh (`FRESH_SECONDS` after the provider issued the token): an old one
(a logout that did not reach the provider, a copied cookie) is dropped with `st.logout()`, never
a way around a revoked session.

With no `[auth]` secrets, `provider()` is None and nothing here draws or does anything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.config import Settings
from reelmatch.domain import User
from reelmatch.errors import InvalidInput
from reelmatch.ui.auth import sign_in
from reelmatch.ui.errors import guarded

#: How long after the provider issued the ID token its claims may still sign someone in.
FRESH_SECONDS = 300
#: Keys of `[auth]` shared by every provider (anything else that is a table names a provider).
_SHARED = frozenset({"redirect_uri", "cookie_secret", "expose_tokens"})
#: Claims already handled in this browser session (sub), so a rerun does not repeat the work.
_DONE_KEY = "_reelmatch_oidc_done"


@dataclass(frozen=True, slots=True)
class Provider:
    name: str | None  # the `[auth.NAME]` table for `st.login(NAME)`; None: `[auth]` itself
    label: str  # shown as "Sign in with LABEL"


def provider(settings: Settings, auth: Mapping[str, Any] | None = None) -> Provider | None:
    """The provider the login page offers, from Streamlit's `[auth]` secrets; None when single
    sign-on is not configured (no `redirect_uri`/`cookie_secret`, or no client)."""
    section = _auth_section() if auth is None else auth
    if not section.get("redirect_uri") or not section.get("cookie_secret"):
        return None
    named = [
        key
        for key, value in section.items()
        if key not in _SHARED and isinstance(value, Mapping) and value.get("client_id")
    ]
    if settings.oidc_provider is not None:
        if settings.oidc_provider not in named:
            return None
        name: str | None = settings.oidc_provider
    elif section.get("client_id") and section.get("server_metadata_url"):
        name = None
    elif named:
        name = named[0]
    else:
        return None
    label = settings.oidc_label or (name.replace("_", " ").title() if name else "single sign-on")
    return Provider(name, label)


def _auth_section() -> Mapping[str, Any]:
    if not st.secrets.load_if_toml_exists():  # no secrets file, or one that does not parse
        return {}
    section = st.secrets.get("auth")
    return section if isinstance(section, Mapping) else {}


def usable_claims(claims: Mapping[str, Any], *, now: float | None = None) -> bool:
    """True when `claims` may sign someone in now: an issuer and subject, not expired, and
    issued at most `FRESH_SECONDS` ago (just back from the provider)."""
    now = time.time() if now is None else now
    if not claims.get("iss") or not claims.get("sub"):
        return False
    try:
        issued, expires = float(claims.get("iat") or 0), float(claims.get("exp") or 0)
    except (TypeError, ValueError):
        return False
    return expires > now and now - FRESH_SECONDS <= issued <= now + 60


def sign_in_button(settings: Settings) -> None:
    """ "Sign in with PROVIDER" (nothing when single sign-on is not configured)."""
    chosen = provider(settings)
    if chosen is None:
        return
    if st.button(
        f"Sign in with {chosen.label}",
        key="oidc-sign-in",
        icon=":material/key:",
        use_container_width=True,
    ):
        _login(chosen)


def link_button(settings: Settings) -> None:
    """ "Link PROVIDER account": the provider's login; `oidc_link` links it on return."""
    chosen = provider(settings)
    if chosen is None:
        return
    if st.button(f"Link {chosen.label} account", key="oidc-link", icon=":material/link:"):
        _login(chosen)


def _login(chosen: Provider) -> None:
    """Off to the provider (`[auth.NAME]`, or `[auth]` itself when it has no name)."""
    if chosen.name:
        st.login(chosen.name)
    else:
        st.login()


def _claims() -> dict[str, Any] | None:
    try:
        if not st.user.is_logged_in:
            return None
        return st.user.to_dict()
    except Exception:  # no request (AppTest without auth), or auth not configured
        return None


def oidc_user(services: Services) -> User | None:
    """The app's user for a browser just back from the provider (None otherwise): found or
    created by issuer + subject, with a server session opened as any login does. Called by the
    shell when no session is logged in."""
    if provider(services.settings) is None:
        return None
    claims = _claims()
    if claims is None:
        return None
    if st.session_state.get("logout") or not usable_claims(claims):
        st.logout()  # logged out, or a stale identity cookie: never a login by itself
        return None
    signed_in: User | None = None
    with guarded(), _one_at_a_time(claims):  # a refusal (no subject) shows on the login page
        user = services.identities.sign_in(claims)
        sign_in(user, sessions=services.sessions, method="oidc")
        st.session_state[_DONE_KEY] = str(claims.get("sub"))
        signed_in = user
    return signed_in


#: Sign-ins of one identity in this process take turns (a fixed pool: no growth per identity).
_LOCKS = tuple(threading.Lock() for _ in range(64))


@contextmanager
def _one_at_a_time(claims: Mapping[str, Any]) -> Iterator[None]:
    """The browser comes back from the provider with two page loads at once (the redirect and
    its first rerun, or two tabs): without this both would create the account. The second
    waits, then finds the first's."""
    with _LOCKS[hash((str(claims.get("iss")), str(claims.get("sub")))) % len(_LOCKS)]:
        yield


def oidc_link(services: Services, user: User) -> None:
    """A logged-in user back from the provider ("Link PROVIDER account" in Settings): link the
    identity to them, once per browser session. Refused (shown) when it belongs to another
    account."""
    if provider(services.settings) is None:
        return
    claims = _claims()
    if claims is None or st.session_state.get(_DONE_KEY) == str(claims.get("sub")):
        return
    st.session_state[_DONE_KEY] = str(claims.get("sub"))
    if not usable_claims(claims):
        return
    try:
        services.identities.link(user, claims)
    except InvalidInput as error:
        st.session_state["_reelmatch_oidc_problem"] = str(error)


def link_problem() -> str | None:
    """Why the last identity could not be linked (shown once in Settings)."""
    problem = st.session_state.pop("_reelmatch_oidc_problem", None)
    return str(problem) if problem else None


def signed_in_with_provider() -> bool:
    """True when Streamlit holds a provider identity for this browser (logout ends it too)."""
    return _claims() is not None


def password_login(settings: Settings) -> bool:
    """The password form and sign-up are shown (REELMATCH_PASSWORD_LOGIN, default on). With it
    off and no provider configured, the form stays: nobody could log in otherwise."""
    return settings.password_login or provider(settings) is None
