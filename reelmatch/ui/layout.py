"""Layout pieces every page shares."""

from __future__ import annotations

import streamlit as st

TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."


def footer() -> None:
    st.divider()
    st.caption(f"Movie data from [TMDB](https://www.themoviedb.org). {TMDB_NOTICE}")
