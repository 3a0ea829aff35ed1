"""Search: find a movie by title, optionally by year."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.services.discovery import MAX_QUERY_LENGTH
from reelmatch.ui.browse import paged_grid

#: How much of a query a "nothing found" message repeats.
ECHO = 60
YEARS = (1874, 2100)


def _year(raw: str | None) -> int | None:
    """A year from the URL, or None for anything else (never an error)."""
    if raw is None or not raw.strip().isdigit():
        return None
    value = int(raw.strip())
    return value if YEARS[0] <= value <= YEARS[1] else None


def _to_url(name: str, key: str) -> None:
    """A search widget's new value into the URL's query (`name`), or out of it when empty."""
    value = st.session_state.get(key)
    if value in (None, ""):
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = str(value)


def render(services: Services, user: User) -> None:
    discovery = services.discovery
    st.title("Search")
    query_column, year_column = st.columns([4, 1])
    # Both live in the URL (/search?q=heat&year=1995), so Back from a movie finds them
    # again and a search can be shared. Written by the widgets' callbacks, not
    # `bind="query-params"`: a bound widget leaving the page drops its parameter from the URL
    # while the browser is still on /search, which put a bogus /search?id=… in the history.
    with query_column:
        query = st.text_input(
            "Title",
            value=st.query_params.get("q", "")[:MAX_QUERY_LENGTH],
            key="search-q",
            max_chars=MAX_QUERY_LENGTH,
            on_change=_to_url,
            args=("q", "search-q"),
            placeholder="e.g. The Godfather — typos are fine",
            label_visibility="collapsed",
        )
    with year_column:
        year = st.number_input(
            "Year",
            value=_year(st.query_params.get("year")),
            key="search-year",
            on_change=_to_url,
            args=("year", "search-year"),
            min_value=YEARS[0],
            max_value=YEARS[1],
            step=1,
            placeholder="Any year",
            label_visibility="collapsed",
        )
    query = (query or "").strip()
    if not query:
        st.info(
            "Type a title above. Misspellings and missing accents are fine.",
            icon=":material/search:",
        )
        return
    if len(query) >= MAX_QUERY_LENGTH:
        st.caption(f"A title search reads up to {MAX_QUERY_LENGTH} characters.")
    shown = query if len(query) <= ECHO else query[: ECHO - 1] + "…"
    paged_grid(
        lambda page: discovery.search(user, query, year=int(year) if year else None, page=page),
        discovery=discovery,
        library=services.library,
        user=user,
        key=f"search-{query.lower()}-{year}",
        empty=f"Nothing found for “{shown}”"
        + (
            f" in {int(year)}. Check the spelling or drop the year."
            if year
            else ". Check the spelling."
        ),
    )
