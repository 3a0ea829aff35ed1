"""Library: ratings, watchlist and diary, all from the local database (no TMDB calls)."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui.diary_view import diary
from reelmatch.ui.library_view import ratings_table, watchlist
from reelmatch.ui.lists_view import add_from_library


def render(services: Services, user: User) -> None:
    library = services.library.library(user)
    st.title("Library")
    rated, listed, logged = st.columns(3)
    rated.metric("Rated", len(library.ratings))
    listed.metric("On watchlist", len(library.watchlist))
    logged.metric("Diary entries", len(library.diary))
    ratings_tab, watchlist_tab, diary_tab = st.tabs(["Ratings", "Watchlist", "Diary"])
    with ratings_tab:
        ratings_table(library.ratings, services.discovery.images())
    with watchlist_tab:
        watchlist(library.watchlist, library=services.library, user=user)
    with diary_tab:
        ratings = {e.movie.id: e.rating for e in library.ratings if e.rating is not None}
        diary(library.diary, library=services.library, user=user, ratings=ratings)
    titles = {e.movie.id: e.movie.title for e in (*library.ratings, *library.watchlist)}
    add_from_library(services.lists, user, titles)
