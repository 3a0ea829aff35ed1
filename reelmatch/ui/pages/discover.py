"""Discover: curated lists, or a filtered search of the whole catalog."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui.browse import paged_grid
from reelmatch.ui.filters import discover_filters


def render(services: Services, user: User) -> None:
    discovery = services.discovery
    st.title("Discover")
    st.caption(discovery.data_source())
    lists = discovery.list_titles()
    above = st.container()  # the list picker, drawn once we know whether filters replace it
    filters = discover_filters(discovery, services.users, user)
    if filters is not None:
        # No list stays highlighted while the filters decide what is shown (issue 14).
        above.caption("Filtered across the whole catalog. Clear the filters to see the lists.")
        chosen = filters
        paged_grid(
            lambda page: discovery.discover(chosen.model_copy(update={"page": page}), user=user),
            discovery=discovery,
            library=services.library,
            user=user,
            key=f"discover-{hash(filters)}",
            empty="No movie matches all of these filters. Try a wider year range or fewer genres.",
        )
        return
    with above:
        choice = st.segmented_control(
            "List",
            options=list(lists),
            format_func=lists.__getitem__,
            default="trending_day",
            key="discover-list",
            persist_state="page",
            label_visibility="collapsed",
        )
    list_key = choice or "trending_day"
    paged_grid(
        lambda page: discovery.browse(list_key, page=page, user=user),
        discovery=discovery,
        library=services.library,
        user=user,
        key=f"list-{list_key}",
        empty="This list is empty right now. Try another list, or search for a title.",
    )
