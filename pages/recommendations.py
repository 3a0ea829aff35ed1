"""For you: local or AI recommendations with reasons and feedback, and movie night."""

import streamlit as st

from reelmatch.ui.auth import require_user
from reelmatch.ui.recommendations_view import movie_night_tab, picks_tab

user = require_user()
st.title("For you")
picks, night = st.tabs(["Your picks", "Movie night"])
with picks:
    picks_tab(user)
with night:
    movie_night_tab(user)
