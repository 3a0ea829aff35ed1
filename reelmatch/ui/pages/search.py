"""Search: find a movie by title, optionally by year."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.services.discovery import MAX_QUERY_LENGTH
from reelmatch.ui.browse import paged_grid

#: How much of a query a "nothing found" message repeats.
ECHO = 60


def render(services: Services, user: User) -> None:
    discovery = services.discovery
    st.title("Search")
    query_column, year_column = st.columns([4, 1])
    # Both live in the URL (/search?q=heat&year=1995): Back from a movie finds them again,
    # and a search can be shared.
    with query_column:
        query = st.text_input(
            "Title",
            key="q",
            bind="query-params",
            max_chars=MAX_QUERY_LENGTH,
            placeholder="e.g. The Godfather — typos are fine",
            label_visibility="collapsed",
        )
    with year_column:
        year = st.number_input(
            "Year",
            key="year",
            bind="query-params",
            min_value=1874,
            max_value=2100,
            value=None,
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
