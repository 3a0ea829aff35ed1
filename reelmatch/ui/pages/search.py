"""Search: find a movie by title, optionally by year."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui.browse import paged_grid


def render(services: Services, user: User) -> None:
    discovery = services.discovery
    st.title("Search")
    query_column, year_column = st.columns([4, 1])
    with query_column:
        query = st.text_input(
            "Title",
            key="search_query",
            placeholder="e.g. The Godfather — typos are fine",
            label_visibility="collapsed",
        )
    with year_column:
        year = st.number_input(
            "Year",
            min_value=1874,
            max_value=2100,
            value=None,
            step=1,
            placeholder="Any year",
            label_visibility="collapsed",
        )
    if not query.strip():
        st.info(
            "Type a title above. Misspellings and missing accents are fine.",
            icon=":material/search:",
        )
        return
    paged_grid(
        lambda page: discovery.search(user, query, year=int(year) if year else None, page=page),
        discovery=discovery,
        library=services.library,
        user=user,
        key=f"search-{query.strip().lower()}-{year}",
        empty=f"Nothing found for “{query.strip()}”. Check the spelling or drop the year.",
    )
