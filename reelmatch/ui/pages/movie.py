"""The movie page (deep link: /movie?id=TMDB_ID): details, where to watch, and your controls."""

from __future__ import annotations

import streamlit as st

from reelmatch.bootstrap import Services
from reelmatch.domain import User
from reelmatch.ui.layout import end_page
from reelmatch.ui.lists_view import add_to_list
from reelmatch.ui.movie_view import movie_details, movie_id_from_query, related_rows, your_controls
from reelmatch.ui.routing import DISCOVER, link


def render(services: Services, user: User) -> None:
    movie_id = movie_id_from_query(st.query_params.get("id"))
    if movie_id is None:
        st.info("Pick a movie from Discover or Search to see it here.", icon=":material/movie:")
        st.page_link(link(DISCOVER), label="Go to Discover", icon=":material/explore:")
        end_page()
    view = services.discovery.movie(user, movie_id)
    images = services.discovery.images()
    movie_details(view, images)
    your_controls(view, library=services.library, user=user)
    add_to_list(services.lists, user, movie_id, key="movie-list")
    related_rows(view, library=services.library, images=images, user=user)
