"""What runs around every page: the error area, the messages the last run's buttons left,
the `page_view` event (decision 34), the one error display, and the footer.

The shell registers each page as `show_page` bound to the page's `render`, the services and
the user, so a page is only ever run logged in, with everything it needs handed to it. Tests
of a single page run the same function (tests/support/pages.py), without the shell.
"""

from __future__ import annotations

from collections.abc import Callable

from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.events import PAGE_VIEW, timed_event
from reelmatch.ui.errors import guarded, set_error_area
from reelmatch.ui.feedback import show_messages
from reelmatch.ui.layout import footer

#: A page: draws itself for `user` with `services` (`reelmatch/ui/pages/`).
PageRender = Callable[[Services, User], None]


def show_page(render: PageRender, *, services: Services, user: User, title: str) -> None:
    """Run one page for `user`; `title` names it in `page_view` and `error` events. A page
    that ends itself with `st.stop()` (`layout.end_page`) draws its own footer."""
    set_error_area(title, events=services.events, user_id=user.id)
    show_messages()
    view = timed_event(
        services.events,
        PAGE_VIEW,
        user_id=user.id,
        page=title,
        unless=(RerunException,),  # a run cut short to start over is not a view
    )
    with view, guarded():
        render(services, user)
    footer()
