"""Accounts in the UI: server-side login sessions, streamlit-authenticator's cookie writer and
logout button, and the session's user (decision 84).

Every login (password, sign-up, the demo) opens a row in `sessions` (`SessionService.open`)
and the re-login cookie holds only that session's signed id. Each run the shell resolves the
id (`current_user`): a session ended by a logout, "Log out everywhere", a password change or
its expiry is no longer found, on any replica, and the browser is back at the login page — a
copied cookie stops working with it. Resolving reads the user afresh, so a deleted account or
a changed role takes effect at once; admin pages check the role again (`require_admin`).
streamlit-authenticator draws the logout button and owns the cookie component. Passwords are
checked by `UserService` (our login form), so it is given an empty roster: no call made here
reads its credentials, and a roster of every account cost each run a copy of the whole
`users` table, held in the session until the next run (decision 95).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st
import streamlit_authenticator as stauth

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.errors import NotAllowed
from reelmatch.services.sessions import SessionService
from reelmatch.ui.errors import show_error
from reelmatch.ui.layout import end_page

COOKIE_NAME = "reelmatch_session"
_AUTH_KEYS = ("authentication_status", "username", "name", "roles", "email")
_COOKIE_KEY = "_reelmatch_cookie"
#: This browser session's login: the cookie value `SessionService.open` returned.
_SESSION_KEY = "_reelmatch_session"


_RUN_KEY = "_reelmatch_authenticator"


def authenticator(services: Services) -> stauth.Authenticate:
    """A fresh authenticator for this run, with an empty roster (it mutates the dict it is
    given, so each run gets its own). Made once per run by the shell; pages get the same one
    from `run_authenticator()` (a second one would render a second cookie component with the
    same key)."""
    auth = stauth.Authenticate(
        {"usernames": {}},
        cookie_name=COOKIE_NAME,
        cookie_key=services.cookie_key(),
        cookie_expiry_days=services.settings.session_days,
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
    """The logged-in user: this session's login, else the browser's re-login cookie (read
    once, when the session starts), resolved against the `sessions` table on every run. None
    when nobody is logged in or the login was ended anywhere; then the cookie is dropped."""
    cookie = st.session_state.get(_SESSION_KEY)
    if cookie is None and not st.session_state.get("logout"):
        cookie = _browser_cookie()
    if not cookie:
        clear_session()
        return None
    user = services.sessions.resolve(str(cookie))
    if user is None:  # ended: logged out (here or everywhere), password changed, expired
        clear_session()
        st.session_state["logout"] = True  # the browser's copy is deleted too
        return None
    if st.session_state.get(_SESSION_KEY) != cookie or st.session_state.get("username") != (
        user.username
    ):
        _remember(user, cookie=str(cookie))
    return user


def session_cookie() -> str | None:
    """This browser session's login (to end it, or to keep it through a password change)."""
    cookie = st.session_state.get(_SESSION_KEY)
    return str(cookie) if cookie else None


def _browser_cookie() -> str | None:
    try:
        return st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no request (AppTest, a bare script run)
        return None


def _user_agent() -> str:
    try:
        return str(st.context.headers.get("User-Agent") or "")
    except Exception:
        return ""


def require_admin(user: User) -> None:
    """Stop the page unless `user` is an admin: refused on the server, not just by a hidden
    link (the shell registers admin pages for admins only; this is the second check)."""
    if not user.is_admin:
        show_error(NotAllowed("This page is for admins."))
        end_page()


def sign_in(user: User, *, sessions: SessionService, method: str) -> None:
    """`user` just proved who they are (the password form, sign-up, the demo): open a server
    session for this browser (`method` is how, for the Settings list). The shell writes the
    cookie that names it."""
    cookie = sessions.open(user, user_agent=_user_agent(), method=method)
    st.session_state.pop(_COOKIE_KEY, None)
    _remember(user, cookie=cookie)


def _remember(user: User, *, cookie: str) -> None:
    """The session state streamlit-authenticator's own login sets (its logout button reads
    it), and this session's login."""
    st.session_state.update(
        authentication_status=True,
        username=user.username,
        name=user.display_name,
        roles=[user.role],
        email=user.email,
        logout=None,
    )
    st.session_state[_SESSION_KEY] = cookie


def renew_login(user: User) -> None:
    """The signed-in account was renamed ("Keep this account" on a demo sandbox): carry on
    under the new name in the same server session."""
    _remember(user, cookie=str(st.session_state[_SESSION_KEY]))


def keep_login_cookie(auth: stauth.Authenticate, *, days: float) -> None:
    """Render the re-login cookie writer on every logged-in run: it holds this session's
    signed id, never the username, and lives `days` (the session's own lifetime).

    A cookie component writes once it has loaded; if a rerun comes before that (the cookie
    reader triggers one), a one-off write is lost. Rendering the writer on every run with the
    SAME value and expiry (fixed once per login) lets it write as soon as it can, without ever
    changing its arguments, so it never causes reruns itself.
    """
    cookie = st.session_state.get(_COOKIE_KEY)
    if cookie is None:
        expires = datetime.now() + timedelta(days=days)
        cookie = st.session_state[_COOKIE_KEY] = (str(st.session_state[_SESSION_KEY]), expires)
    value, expires = cookie
    model = auth.cookie_controller.cookie_model
    model.cookie_manager.set(model.cookie_name, value, key="reelmatch-cookie", expires_at=expires)


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
    for key in (*_AUTH_KEYS, _COOKIE_KEY, _SESSION_KEY):
        st.session_state.pop(key, None)


def logout_button(auth: stauth.Authenticate, *, sessions: SessionService, user: User) -> bool:
    """The sidebar logout button (kept in this one place: it uses a Streamlit argument that is
    deprecated upstream). True when the user just logged out: the server session is ended
    too, so a copy of the cookie no longer logs anyone in."""
    auth.logout(button_name="Log out", location="sidebar", key="sidebar-logout")
    if st.session_state.get("authentication_status"):
        return False
    sessions.close(user, session_cookie())
    clear_session()
    st.session_state["logout"] = True
    return True
