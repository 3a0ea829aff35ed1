"""The app shell: the services, the login gate, and the pages this user may open.

The shell is the one place that looks the services up (`state.get_services`, once per run). It
registers every page as a function bound to those services and the logged-in user
(`frame.show_page` around the page's `render`), so pages and views get what they use passed
in and can be tested without the shell (docs/decisions.md).

Order matters (docs/architecture.md): the re-login cookie and the login form are processed BEFORE
`st.navigation`, so the pages exist in the very run where someone logs in, and a deep link
(`/movie?id=238`) is still the page they land on. Logged-out visitors get the same page URLs
registered but hidden and never run: they see only the login screen.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.events import LOGIN
from reelmatch.ui import routing
from reelmatch.ui.auth import (
    authenticator,
    current_user,
    drop_login_cookie,
    keep_login_cookie,
    logout_button,
)
from reelmatch.ui.errors import set_error_area
from reelmatch.ui.frame import PageRender, show_page
from reelmatch.ui.heap import HEAP
from reelmatch.ui.layout import end_page, footer
from reelmatch.ui.lists_view import shared_list_page, shared_token
from reelmatch.ui.login import login_screen
from reelmatch.ui.oidc import oidc_link, oidc_user, signed_in_with_provider
from reelmatch.ui.option_reads import install as read_options_without_lock
from reelmatch.ui.pages import (
    analytics,
    calendar,
    discover,
    library,
    lists,
    movie,
    my_stats,
    recommendations,
    search,
    settings,
    status,
)
from reelmatch.ui.sandbox_view import sidebar_note
from reelmatch.ui.state import get_services
from reelmatch.ui.styles import app_css
from reelmatch.ui.text import plain

#: The browser tab's icon: served by this app (a Material icon would come from a font CDN).
FAVICON = Path(__file__).parent / "assets" / "favicon.png"

#: Every page, in menu order, with the function that draws it.
PAGES: tuple[tuple[routing.Route, PageRender], ...] = (
    (routing.DISCOVER, discover.render),
    (routing.SEARCH, search.render),
    (routing.MOVIE, movie.render),
    (routing.LIBRARY, library.render),
    (routing.LISTS, lists.render),
    (routing.RECOMMENDATIONS, recommendations.render),
    (routing.MY_STATS, my_stats.render),
    (routing.CALENDAR, calendar.render),
    (routing.SETTINGS, settings.render),
    (routing.ANALYTICS, analytics.render),
    (routing.STATUS, status.render),
)


def page_map(services: Services, user: User | None) -> list[st.Page]:
    """The pages `user` may open, each bound to `services` and `user`. Admin pages are only
    registered for admins (and each checks the role again). For visitors (None) the same
    URLs are registered, hidden, and never run."""
    pages = []
    for route, render in PAGES:
        if route.admin and not (user is not None and user.is_admin):
            continue
        run: Callable[[], None] = _never_run
        if user is not None:
            run = partial(show_page, render, services=services, user=user, title=route.title)
        pages.append(routing.st_page(route, run))
        if route == routing.DEFAULT:
            pages.append(routing.alias_page(run))
    return pages


def _never_run() -> None:
    """A visitor's pages: registered so a deep link is kept through the login; never run."""


def run() -> None:
    read_options_without_lock()  # once per process (see ui/option_reads.py)
    try:
        _run(get_services())
    finally:
        HEAP.after_run()  # before Streamlit's own post-run collection (see ui/heap.py)


def _run(services: Services) -> None:
    app_css()
    if token := shared_token():  # a public list's link: for anyone, before (not behind) login
        shared_list_page(services.lists, token)
        footer()
        return
    auth = authenticator(services)
    user = current_user(services)  # this session's login, or the browser's re-login cookie
    if user is None:
        user = oidc_user(services)  # just back from the single sign-on provider
        if user is not None:
            services.events.record(LOGIN, user_id=user.id)
    else:
        oidc_link(services, user)  # back from "Link PROVIDER account" (Settings)
    if user is None:
        set_error_area("Login", events=services.events)
        gate = st.empty()
        with gate.container():
            login_screen(services, auth)
        user = current_user(services)
        if user is not None:
            gate.empty()
            services.events.record(LOGIN, user_id=user.id)
    navigation = st.navigation(page_map(services, user), position="top" if user else "hidden")
    if user is None:
        drop_login_cookie(auth)
        footer()
        return
    with st.sidebar:
        st.markdown(f"**{plain(user.display_name)}**  \n@{user.username}")
        sidebar_note(services.demo, user)
        if logout_button(auth, sessions=services.sessions, user=user):
            if signed_in_with_provider():
                st.logout()  # Streamlit's identity cookie (and the provider's session) too
            st.success("You are logged out.")
            end_page()
        keep_login_cookie(auth, days=services.settings.session_days)
    navigation.run()  # frame.show_page: the page, its page_view event and the footer
