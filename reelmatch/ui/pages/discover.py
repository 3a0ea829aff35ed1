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
    choice = st.segmented_control(
        "List",
        options=list(lists),
        format_func=lists.__getitem__,
        default="trending_day",
        label_visibility="collapsed",
    )
    filters = discover_filters(discovery, services.users, user)
    if filters is not None:
        chosen = filters
        st.caption("Filtered across the whole catalog.")
        paged_grid(
            lambda page: discovery.discover(chosen.model_copy(update={"page": page}), user=user),
            discovery=discovery,
            library=services.library,
            user=user,
            key=f"discover-{hash(filters)}",
            empty="No movie matches all of these filters. Try a wider year range or fewer genres.",
        )
    else:
        list_key = choice or "trending_day"
        paged_grid(
            lambda page: discovery.browse(list_key, page=page, user=user),
            discovery=discovery,
            library=services.library,
            user=user,
            key=f"list-{list_key}",
            empty="This list is empty right now. Try another list, or search for a title.",
        )
