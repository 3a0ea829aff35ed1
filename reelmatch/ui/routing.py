"""The app's pages by URL path: title, icon, who sees them; and links to them.

A page is a function the shell registers with `st.navigation` (`reelmatch/ui/pages/`). The
routes live here, apart from those functions, so a view can link to any page (`link(MOVIE)`)
without importing another page's code. URL paths are part of the product: /movie?id=238 is
a deep link people keep, so a path never changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx


@dataclass(frozen=True, slots=True)
class Route:
    url_path: str
    title: str
    icon: str
    #: False: reachable by URL and links, not listed in the menu.
    listed: bool = True
    #: Registered for admins only (and the page checks the role again).
    admin: bool = False


DISCOVER = Route("discover", "Discover", ":material/explore:")  # the default page: /
SEARCH = Route("search", "Search", ":material/search:")
MOVIE = Route("movie", "Movie", ":material/movie:", listed=False)
LIBRARY = Route("library", "Library", ":material/video_library:")
LISTS = Route("lists", "Lists", ":material/list:")
RECOMMENDATIONS = Route("recommendations", "For you", ":material/auto_awesome:")
MY_STATS = Route("my_stats", "My stats", ":material/bar_chart:")
SETTINGS = Route("settings", "Settings", ":material/settings:")
ANALYTICS = Route("analytics", "Analytics", ":material/insights:", admin=True)
STATUS = Route("status", "Status", ":material/monitor_heart:", admin=True)
DEFAULT = DISCOVER


def st_page(route: Route, run: Callable[[], None]) -> st.Page:
    """The `st.Page` for `route`, running `run`. Its page hash is the hash of `url_path`,
    whatever `run` is, which is what makes `link()` work."""
    return st.Page(
        run,
        title=route.title,
        icon=route.icon,
        url_path=route.url_path,
        default=route == DEFAULT,
        visibility="visible" if route.listed else "hidden",
    )


_LINKS: dict[Route, st.Page] = {}


def link(route: Route) -> st.Page:
    """A page object for `st.page_link` and `st.switch_page`, which need one to reach a page
    that is a function. Made once per process (an `st.Page` costs ~40 µs, and Library draws a
    link per diary entry); it is never registered, so never run."""
    page = _LINKS.get(route)
    if page is None:
        page = st_page(route, _never_run)
        if get_script_run_ctx() is not None:  # outside a run, st.Page is left half made
            _LINKS[route] = page
    return page


def _never_run() -> None:
    """Stands in for a page's function in link targets: Streamlit runs registered pages only."""
