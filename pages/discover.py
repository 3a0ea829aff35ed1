"""Discover: curated lists, or a filtered search of the whole catalog."""

import streamlit as st

from reelmatch.ui import get_services
from reelmatch.ui.auth import require_user
from reelmatch.ui.browse import paged_grid
from reelmatch.ui.filters import discover_filters

user = require_user()
services = get_services()
discovery = services.discovery

st.title("Discover")
lists = discovery.list_titles()
choice = st.segmented_control(
    "List",
    options=list(lists),
    format_func=lists.__getitem__,
    default="trending_day",
    label_visibility="collapsed",
)
filters = discover_filters(user)

if filters is not None:
    chosen = filters
    st.caption("Filtered across the whole catalog.")
    paged_grid(
        lambda page: discovery.discover(chosen.model_copy(update={"page": page}), user=user),
        user=user,
        key=f"discover-{hash(filters)}",
        empty="No movie matches all of these filters. Try a wider year range or fewer genres.",
    )
else:
    list_key = choice or "trending_day"
    paged_grid(
        lambda page: discovery.browse(list_key, page=page, user=user),
        user=user,
        key=f"list-{list_key}",
        empty="This list is empty right now. Try another list, or search for a title.",
    )
