"""One page under AppTest, without the shell: no app boot, no login, no navigation.

`page_app(MOVIE, services, alice, id="238")` runs what the shell registers for /movie?id=238
(`frame.show_page` around the page's `render`: messages, the page_view event, the one error
display, the footer) with the services the test built (usually the `services` fixture: a
SQLite copy and the offline catalog; `tests/support/live.py` for the fake TMDB) and a user.
Widgets, reruns and callbacks work as in the app; `at.run()` reruns the page.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui.routing import Route
from reelmatch.ui.shell import PAGES


def page_app(route: Route, services: Services, user: User, **query: str) -> AppTest:
    """`route`'s page for `user` with `services`, run once; `query` is the URL's query."""
    render = dict(PAGES)[route]
    at = AppTest.from_function(
        _one_page, args=(render, services, user, route.title), default_timeout=30
    )
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


# AppTest runs this function's source as the script, so it imports what it uses and has no
# annotations (they would be evaluated there, where their names are not imported).
def _one_page(render, services, user, title):  # type: ignore[no-untyped-def]
    from reelmatch.ui.frame import show_page

    show_page(render, services=services, user=user, title=title)
