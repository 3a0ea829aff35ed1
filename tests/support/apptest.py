"""The whole app under AppTest (login, routing, the shell), shared by tests/ui and bench/.

Tests of one page do not need this: they run the page alone with injected services
(tests/support/pages.py). This boots app.py with the app's own services, built from the
environment, as `streamlit run` would.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from reelmatch.bootstrap import build_services
from reelmatch.domain import User
from reelmatch.ui.routing import Route

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def new_app(*, timeout: float = 60) -> AppTest:
    return AppTest.from_file(APP, default_timeout=timeout)


def open_page(at: AppTest, route: Route) -> AppTest:
    """Ask for `route`'s page on the next run, as following a link to its URL does.

    `AppTest.switch_page` only finds pages that are files; ours are functions, and a page's
    hash is the hash of its URL path whatever it runs (`st.Page`), which is what the browser
    sends too. Pinned by tests/ui/test_app.py, which fails if this stops reaching a page."""
    at._page_hash = calc_hash(route.url_path)
    return at


def login_session(user: User) -> str:
    """A server login session for `user` (what the login form opens), in the database the app
    under test reads: the cookie value the app resolves on every run."""
    services = build_services()
    try:
        return services.sessions.open(user, user_agent="AppTest", method="password")
    finally:
        services.close()


def app_as(user: User, *, page: Route | None = None, **query: str) -> AppTest:
    """The whole app with its session already logged in as `user` (what a valid cookie or the
    login form leaves in session state), run once, then on `page` if given."""
    at = new_app()
    at.session_state["authentication_status"] = True
    at.session_state["username"] = user.username
    at.session_state["name"] = user.display_name
    at.session_state["roles"] = [user.role]
    at.session_state["_reelmatch_session"] = login_session(user)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        open_page(at, page).run()
    return at
