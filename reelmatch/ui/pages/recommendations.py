"""For you: local or AI recommendations with reasons and feedback, and movie night."""

from __future__ import annotations

import streamlit as st

from reelmatch.domain import User
from reelmatch.ui.recommendations_view import ForYouServices, movie_night_tab, picks_tab


def render(services: ForYouServices, user: User) -> None:
    st.title("For you")
    picks, night = st.tabs(["Your picks", "Movie night"])
    with picks:
        picks_tab(services, user)
    with night:
        movie_night_tab(services, user)
