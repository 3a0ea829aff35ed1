"""Running the app under AppTest as a logged-in user (shared by tests/ui and bench/pages.py)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from reelmatch.domain import User

ROOT = Path(__file__).resolve().parents[2]
#: app.py as AppTest runs it: see tests/ui/entry.py for why it is not app.py itself.
ENTRY = str(ROOT / "tests" / "ui" / "entry.py")
PAGES = ROOT / "pages"


def new_app(*, timeout: float = 60) -> AppTest:
    return AppTest.from_file(ENTRY, default_timeout=timeout)


def app_as(user: User, *, page: str | None = None, **query: str) -> AppTest:
    """An AppTest whose session is already logged in as `user` (what a valid cookie or the
    login form leaves in session state), run once, then switched to `page` if given."""
    at = new_app()
    at.session_state["authentication_status"] = True
    at.session_state["username"] = user.username
    at.session_state["name"] = user.display_name
    at.session_state["roles"] = [user.role]
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(str(PAGES / page)).run()
    return at
