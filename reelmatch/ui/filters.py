"""The Discover filter panel: widgets in, `DiscoverFilters` out (None when nothing is set)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from reelmatch.domain import DiscoverFilters, User
from reelmatch.services.discovery import DiscoveryService
from reelmatch.services.users import UserService

YEARS = (1900, date.today().year + 1)
LANGUAGES = {
    "": "Any language",
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "de": "German",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "zh": "Chinese",
    "hi": "Hindi",
}
SORTS = {
    "popularity.desc": "Most popular",
    "vote_average.desc": "Highest rated",
    "primary_release_date.desc": "Newest",
    "primary_release_date.asc": "Oldest",
    "title.asc": "Title A–Z",
}


def discover_filters(
    discovery: DiscoveryService, users: UserService, user: User
) -> DiscoverFilters | None:
    genres = {genre.id: genre.name for genre in discovery.genres()}
    with st.expander("Filters", icon=":material/tune:"):
        left, right = st.columns(2)
        with left:
            chosen = st.multiselect("Genres", options=list(genres), format_func=genres.__getitem__)
            mode = st.radio(
                "Match",
                ["any", "all"],
                horizontal=True,
                format_func={"any": "any genre", "all": "all genres"}.__getitem__,
            )
            years = st.slider("Released", *YEARS, value=YEARS)
            language = st.selectbox(
                "Original language", list(LANGUAGES), format_func=LANGUAGES.__getitem__
            )
        with right:
            rating = st.slider("Minimum TMDB rating", 0.0, 10.0, 0.0, step=0.5)
            runtime = st.slider("Runtime (minutes)", 0, 240, (0, 240), step=10)
            sort = st.selectbox("Sort by", list(SORTS), format_func=SORTS.__getitem__)
            providers = my_services_toggle(discovery, users, user)
    filters = DiscoverFilters(
        genres=tuple(chosen),
        genres_mode=mode,
        release_from=date(years[0], 1, 1) if years[0] > YEARS[0] else None,
        release_to=date(years[1], 12, 31) if years[1] < YEARS[1] else None,
        min_vote_average=rating or None,
        min_vote_count=50 if rating else None,
        runtime_min=runtime[0] or None,
        runtime_max=runtime[1] if runtime[1] < 240 else None,
        original_language=language or None,
        watch_providers=providers,
        sort_by=sort,
    )
    return None if filters == DiscoverFilters(sort_by=filters.sort_by) else filters


def my_services_toggle(
    discovery: DiscoveryService, users: UserService, user: User
) -> tuple[int, ...]:
    """ "Only on my services": offered on live TMDB once the user set services and a region."""
    if not discovery.live:
        return ()
    preferences = users.preferences(user)
    if not (preferences.streaming_services and preferences.region):
        st.caption("Set your region and streaming services in Settings to filter by them.")
        return ()
    if st.toggle(f"Only on my services in {preferences.region}"):
        return preferences.streaming_services
    return ()
