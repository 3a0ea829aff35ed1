"""The app shell: the login gate, the pages this user may open, and the page-view hook
(`events.timed_event` around the page: one `page_view` with its render time per run of a
page, including runs a page ends with `st.stop()`, not runs cut short by a rerun).

Order matters (docs/architecture.md): the re-login cookie and the login form are processed BEFORE
`st.navigation`, so the pages exist in the very run where someone logs in, and a deep link
(`/movie?id=238`) is still the page they land on. Logged-out visitors get the same page URLs
registered but hidden and never run: they see only the login screen.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException
from streamlit_authenticator.utilities import LoginError

from reelmatch.domain import User
from reelmatch.events import LOGIN, PAGE_VIEW, timed_event
from reelmatch.ui.auth import (
    authenticator,
    clear_session,
    current_user,
    drop_login_cookie,
    keep_login_cookie,
    logout_button,
)
from reelmatch.ui.errors import guarded, set_error_area
from reelmatch.ui.feedback import show_messages
from reelmatch.ui.heap import HEAP
from reelmatch.ui.layout import end_page, footer
from reelmatch.ui.login import login_screen
from reelmatch.ui.routing import PAGES_DIR, ensure_navigation_routing
from reelmatch.ui.state import get_services
from reelmatch.ui.text import plain


def page_map(user: User | None) -> list[st.Page]:
    """The pages, in menu order. Admin pages are only registered for admins (and each admin
    page checks the role again on the server)."""
    pages = [
        st.Page(
            PAGES_DIR / "discover.py", title="Discover", icon=":material/explore:", default=True
        ),
        st.Page(PAGES_DIR / "search.py", title="Search", icon=":material/search:"),
        st.Page(
            PAGES_DIR / "movie.py", title="Movie", icon=":material/movie:", visibility="hidden"
        ),
        st.Page(PAGES_DIR / "library.py", title="Library", icon=":material/video_library:"),
        st.Page(PAGES_DIR / "recommendations.py", title="For you", icon=":material/auto_awesome:"),
        st.Page(PAGES_DIR / "my_stats.py", title="My stats", icon=":material/bar_chart:"),
        st.Page(PAGES_DIR / "settings.py", title="Settings", icon=":material/settings:"),
    ]
    if user is not None and user.is_admin:
        pages += [
            st.Page(PAGES_DIR / "analytics.py", title="Analytics", icon=":material/insights:"),
            st.Page(PAGES_DIR / "status.py", title="Status", icon=":material/monitor_heart:"),
        ]
    return pages


def run() -> None:
    try:
        _run()
    finally:
        HEAP.after_run()  # before Streamlit's own post-run collection (see ui/heap.py)


def _run() -> None:
    ensure_navigation_routing(entrypoint=True)
    services = get_services()
    auth = authenticator(services)
    try:
        auth.login(location="unrendered")  # the re-login cookie
    except LoginError:
        clear_session()
    user = current_user(services)
    if user is None:
        set_error_area("Login")
        gate = st.empty()
        with gate.container():
            login_screen(services, auth)
        user = current_user(services)
        if user is not None:
            gate.empty()
            services.events.record(LOGIN, user_id=user.id)
    navigation = st.navigation(page_map(user), position="top" if user else "hidden")
    if user is None:
        drop_login_cookie(auth)
        footer()
        return
    with st.sidebar:
        st.markdown(f"**{plain(user.display_name)}**  \n@{user.username}")
        if logout_button(auth):
            st.success("You are logged out.")
            end_page()
        keep_login_cookie(auth)
    set_error_area(navigation.title, user_id=user.id)  # the page_view's `page`, too
    show_messages()
    view = timed_event(
        services.events,
        PAGE_VIEW,
        user_id=user.id,
        page=navigation.title,
        unless=(RerunException,),  # a run cut short to start over is not a view
    )
    with view, guarded():
        navigation.run()
    footer()
