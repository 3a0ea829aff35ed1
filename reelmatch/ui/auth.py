"""Accounts in the UI: streamlit-authenticator over the `users` table, and the session's user.

streamlit-authenticator handles the login form, the signed re-login cookie and logout. It is
given a fresh copy of the credentials built from the database (it mutates what it gets) and is
never given a YAML file. The shell re-reads the user from the database on every run
(`current_user`) and hands it to the page, so a deleted account or a changed role takes effect
at once; admin pages check the role again (`require_admin`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import streamlit as st
import streamlit_authenticator as stauth

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.errors import NotAllowed, NotFound
from reelmatch.services.users import UserService
from reelmatch.ui.errors import show_error
from reelmatch.ui.layout import end_page

COOKIE_NAME = "reelmatch_session"
COOKIE_DAYS = 30.0
_AUTH_KEYS = ("authentication_status", "username", "name", "roles", "email")
_COOKIE_KEY = "_reelmatch_cookie"


@st.cache_data(ttl=30, show_spinner=False)
def _credentials(_users: UserService, database_url: str) -> dict[str, Any]:
    """Users in streamlit-authenticator's shape, by database. Cached briefly (st.cache_data
    hands every caller its own copy); cleared whenever the UI changes an account."""
    return _users.credentials()


def forget_credentials() -> None:
    _credentials.clear()


_RUN_KEY = "_reelmatch_authenticator"


def authenticator(services: Services) -> stauth.Authenticate:
    """A fresh authenticator for this run (cheap: the credentials are cached). Made once per
    run by the shell; pages get the same one from `run_authenticator()` (a second one would
    render a second cookie component with the same key)."""
    auth = stauth.Authenticate(
        _credentials(services.users, services.settings.effective_database_url),
        cookie_name=COOKIE_NAME,
        cookie_key=services.cookie_key(),
        cookie_expiry_days=COOKIE_DAYS,
        auto_hash=False,
        login_sleep_time=0,
    )
    st.session_state[_RUN_KEY] = auth
    return auth


def run_authenticator() -> stauth.Authenticate:
    auth: stauth.Authenticate = st.session_state[_RUN_KEY]
    return auth


def end_session() -> None:
    """Log out of this browser (after deleting the account): session and cookie."""
    run_authenticator().cookie_controller.delete_cookie()
    clear_session()
    st.session_state["logout"] = True


def current_user(services: Services) -> User | None:
    """The logged-in user, re-read from the database; None when nobody (valid) is logged in."""
    if not st.session_state.get("authentication_status"):
        return None
    username = st.session_state.get("username")
    if not username:
        return None
    try:
        return services.users.get_user(str(username))
    except NotFound:
        clear_session()
        return None


def require_admin(user: User) -> None:
    """Stop the page unless `user` is an admin: refused on the server, not just by a hidden
    link (the shell registers admin pages for admins only; this is the second check)."""
    if not user.is_admin:
        show_error(NotAllowed("This page is for admins."))
        end_page()


def sign_in(user: User) -> None:
    """Log `user` in without a password form (after sign-up, or the demo account): the same
    session state streamlit-authenticator's own login sets. The shell writes the cookie."""
    st.session_state.update(
        authentication_status=True,
        username=user.username,
        name=user.display_name,
        roles=[user.role],
        email=user.email,
        logout=None,
    )


def renew_login(user: User) -> None:
    """The signed-in account was renamed ("Keep this account" on a demo sandbox): carry on
    under the new name, and let `keep_login_cookie` write a re-login cookie that names it."""
    sign_in(user)
    st.session_state.pop(_COOKIE_KEY, None)


def keep_login_cookie(auth: stauth.Authenticate) -> None:
    """Render the re-login cookie writer on every logged-in run.

    streamlit-authenticator writes its cookie with a browser component once, right after login;
    if a rerun comes before that component has loaded (its own cookie reader triggers one),
    the cookie is never written. Rendering the writer on every run with the SAME token and
    expiry (made once per session) lets it write as soon as it can, without ever changing its
    arguments, so it never causes reruns itself. Uses the library's own token format.
    """
    cookie = st.session_state.get(_COOKIE_KEY)
    model = auth.cookie_controller.cookie_model
    if cookie is None:
        model.exp_date = model._set_exp_date()
        expires = datetime.now() + timedelta(days=COOKIE_DAYS)
        cookie = st.session_state[_COOKIE_KEY] = (model._token_encode(), expires)
    token, expires = cookie
    model.cookie_manager.set(model.cookie_name, token, key="reelmatch-cookie", expires_at=expires)


def drop_login_cookie(auth: stauth.Authenticate) -> None:
    """After a logout in this session, keep rendering the cookie remover on the logged-out
    runs that follow (same reason as `keep_login_cookie`: a one-off remover can be cut off
    by a rerun before it ran, and the next visit would log the user straight back in)."""
    if not st.session_state.get("logout"):
        return
    model = auth.cookie_controller.cookie_model
    model.cookie_manager.cookie_manager(
        method="delete", cookie=model.cookie_name, key="reelmatch-cookie-delete", default=False
    )


def clear_session() -> None:
    for key in (*_AUTH_KEYS, _COOKIE_KEY):
        st.session_state.pop(key, None)


def logout_button(auth: stauth.Authenticate) -> bool:
    """The sidebar logout button (kept in this one place: it uses a Streamlit argument that is
    deprecated upstream). True when the user just logged out."""
    auth.logout(button_name="Log out", location="sidebar", key="sidebar-logout")
    if st.session_state.get("authentication_status"):
        return False
    st.session_state.pop(_COOKIE_KEY, None)
    return True
