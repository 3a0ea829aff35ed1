"""The screen logged-out visitors see: log in, sign up, or try the demo."""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth

from reelmatch.bootstrap import Services
from reelmatch.ui.account_form import new_account_form
from reelmatch.ui.auth import sign_in
from reelmatch.ui.errors import guarded
from reelmatch.ui.oidc import password_login, sign_in_button
from reelmatch.ui.throttled_login import check_password, register


def login_screen(services: Services, auth: stauth.Authenticate) -> None:
    st.title("Reel Matchmaker")
    st.caption("Discover movies, rate them in half stars, get recommendations that say why.")
    main, side = st.columns([3, 2], gap="large")
    with main:
        if not password_login(services.settings):  # single sign-on only (decision 86)
            sign_in_button(services.settings)
        elif services.settings.allow_signup:
            log_in, sign_up = st.tabs(["Log in", "Sign up"])
            with log_in:
                login_form(services, auth)
                sign_in_button(services.settings)
            with sign_up:
                signup_form(services, auth)
        else:
            login_form(services, auth)
            sign_in_button(services.settings)
    with side:
        if not services.discovery.live:
            demo_offer(services, auth)


def login_form(services: Services, auth: stauth.Authenticate) -> None:
    """Our own form; the password is checked by the throttled `UserService.authenticate`
    against the database (never by streamlit-authenticator, which has no throttle), so an
    account just made elsewhere logs in at once. The shell writes the cookie.

    Every widget has a key: its id is then the key alone, never derived from its label or
    arguments, so nothing a first run on a fresh process computes differently can give the
    form new widgets on the next run (which drops what was typed, and a first "Log in" with
    it; issue 14). The cookie reader's first rerun keeps a half-typed form for the same
    reason."""
    with st.form("login"):
        st.subheader("Log in")
        username = st.text_input("Username", autocomplete="username", key="login-username")
        password = st.text_input(
            "Password", type="password", autocomplete="current-password", key="login-password"
        )
        submitted = st.form_submit_button("Log in", type="primary", key="login-submit")
    if not submitted:
        return
    with guarded():
        user = check_password(services.users, username, password)
        if user is None:
            st.error("That username and password do not match an account.")
            return
        sign_in(user, sessions=services.sessions, method="password")


def signup_form(services: Services, auth: stauth.Authenticate) -> None:
    account = new_account_form(
        "signup",
        prefix="signup",
        submit="Create account",
        title="Create an account",
        ask_email=True,
    )
    if account is None:
        return
    with guarded():
        user = register(
            services.users,
            username=account.username,
            password=account.password,
            email=account.email,
            display_name=account.display_name,
        )
        sign_in(user, sessions=services.sessions, method="sign-up")


def demo_offer(services: Services, auth: stauth.Authenticate) -> None:
    with st.container(border=True):
        st.subheader("Just looking?")
        st.write(
            "Try the demo: you get a demo account of your own, with a few ratings, a "
            "watchlist and a diary. Nobody else sees your changes; it is deleted after 24 "
            "hours unused, unless you keep it from Settings."
        )
        if st.button("Try the demo", type="primary", icon=":material/play_arrow:"):
            with guarded():
                user = services.demo.user()
                sign_in(user, sessions=services.sessions, method="demo")
