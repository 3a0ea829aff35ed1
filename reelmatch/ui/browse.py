"""Paged movie lists with "load more", shared by Discover, Search and Recommendations."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

from reelmatch.domain import Movie, MoviePage, User
from reelmatch.services.discovery import DiscoveryService
from reelmatch.services.library import LibraryService
from reelmatch.ui.cards import movie_grid

MAX_PAGES = 10  # "load more" stops after 200 movies; filters narrow further


def stale_banner(stale: bool, notices: Iterable[str | None] = (), *, what: str = "results") -> None:
    """The warning for data served stale (TMDB failed, a saved copy stands in), then each
    distinct notice once (how old the copy is and why; what a filter left out)."""
    if stale:
        st.warning(
            f"TMDB is not answering right now; these are the {what} we saved earlier.",
            icon=":material/cloud_off:",
        )
    for notice in sorted({notice for notice in notices if notice}):
        st.info(notice, icon=":material/info:")


def paged_grid(
    fetch: Callable[[int], MoviePage],
    *,
    discovery: DiscoveryService,
    library: LibraryService,
    user: User,
    key: str,
    empty: str,
) -> None:
    """Fetch pages 1..n of a list (n grows with "Load more") and show them as one grid.
    A stale page (upstream down, cached copy shown) gets a banner; an empty list says what
    to try instead."""
    pages_key = f"_pages_{key}"
    shown = st.session_state.get(pages_key, 1)
    pages = [fetch(number) for number in range(1, shown + 1)]
    movies: list[Movie] = []
    seen: set[int] = set()
    for page in pages:
        movies.extend(m for m in page.movies if m.id not in seen)
        seen.update(m.id for m in page.movies)
    stale_banner(any(page.stale for page in pages), [page.notice for page in pages])
    if not movies:
        st.info(empty, icon=":material/search_off:")
        return
    states = discovery.states(user, [m.id for m in movies])
    movie_grid(
        movies, library=library, user=user, states=states, images=discovery.images(), key=key
    )
    last = pages[-1]
    if last.page < last.total_pages and shown < MAX_PAGES:
        st.button(
            "Load more",
            key=f"more-{key}",
            icon=":material/expand_more:",
            on_click=lambda: st.session_state.__setitem__(pages_key, shown + 1),
        )
