"""The app's pages by URL path: title, icon, who sees them; and links to them.

A page is a function the shell registers with `st.navigation` (`reelmatch/ui/pages/`). The
routes live here, apart from those functions, so a view can link to any page (`link(MOVIE)`)
without importing another page's code. URL paths are part of the product: /movie?id=238 is
a deep link people keep, so a path never changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
CALENDAR = Route("calendar", "Calendar", ":material/calendar_month:")
SETTINGS = Route("settings", "Settings", ":material/settings:")
ANALYTICS = Route("analytics", "Analytics", ":material/insights:", admin=True)
STATUS = Route("status", "Status", ":material/monitor_heart:", admin=True)
DEFAULT = DISCOVER
#: The default page is served at / and Streamlit gives it no path of its own (/discover said
#: "Page not found"), though it reserves its `url_path`. So the default page reserves this
#: name, and /discover is a hidden alias running the same page (`alias_page`).
DEFAULT_RESERVED_PATH = "home"


def st_page(route: Route, run: Callable[[], None]) -> st.Page:
    """The `st.Page` for `route`, running `run`. Its page hash is the hash of `url_path`,
    whatever `run` is, which is what makes `link()` work."""
    return st.Page(
        run,
        title=route.title,
        icon=route.icon,
        url_path=DEFAULT_RESERVED_PATH if route == DEFAULT else route.url_path,
        default=route == DEFAULT,
        visibility="visible" if route.listed else "hidden",
    )


def alias_page(run: Callable[[], None]) -> st.Page:
    """/discover: the default page under its own name (hidden from the menu)."""
    return st.Page(
        run, title=DEFAULT.title, icon=DEFAULT.icon, url_path=DEFAULT.url_path, visibility="hidden"
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


def movie_link(
    movie_id: int, label: str, *, key: str, in_place: bool = False, **kwargs: Any
) -> None:
    """The one way to link to a movie's page (/movie?id=…), so the address bar always names
    the movie shown: reload and Back work. From another page it is a real link. On the movie
    page itself (`in_place`) a link would not do: Streamlit changes the URL only when the
    page changes, so /movie?id=194 stayed in the address bar while another movie was shown
    (issue 14). There it is a link-styled button whose click sets `?id=` through
    `st.query_params`, which pushes a history entry. `key` names the button; `kwargs` go to
    `st.page_link`/`st.button` (icon, help, width)."""
    if not in_place:
        st.page_link(link(MOVIE), label=label, query_params={"id": str(movie_id)}, **kwargs)
        return
    st.button(
        label,
        key=f"open-{key}",
        type="tertiary",
        on_click=_open_here,
        args=(movie_id,),
        **kwargs,
    )


def _open_here(movie_id: int) -> None:
    st.query_params.from_dict({"id": str(movie_id)})


def _never_run() -> None:
    """Stands in for a page's function in link targets: Streamlit runs registered pages only."""
