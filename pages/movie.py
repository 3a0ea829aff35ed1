"""The movie page (deep link: /movie?id=TMDB_ID): details, where to watch, and your controls."""

import streamlit as st

from reelmatch.ui import get_services
from reelmatch.ui.auth import require_user
from reelmatch.ui.layout import end_page
from reelmatch.ui.movie_view import movie_details, movie_id_from_query, related_rows, your_controls
from reelmatch.ui.routing import DISCOVER

user = require_user()
movie_id = movie_id_from_query(st.query_params.get("id"))
if movie_id is None:
    st.info("Pick a movie from Discover or Search to see it here.", icon=":material/movie:")
    st.page_link(DISCOVER, label="Go to Discover", icon=":material/explore:")
    end_page()

view = get_services().discovery.movie(user, movie_id)
movie_details(view)
your_controls(view, user=user)
related_rows(view, user=user)
