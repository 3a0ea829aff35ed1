"""Library: ratings, watchlist and diary, all from the local database (no TMDB calls)."""

import streamlit as st

from reelmatch.ui import get_services
from reelmatch.ui.auth import require_user
from reelmatch.ui.library_view import diary, ratings_table, watchlist

user = require_user()
services = get_services()
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
    watchlist(library.watchlist, user=user)
with diary_tab:
    diary(library.diary)
